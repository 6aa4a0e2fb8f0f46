package cn.liangxian.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.LogCapture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The whole flow, good and bad requests included, then every log event is scanned for personal data. */
class LogPrivacyTest {

  @Test
  void noIdNumberNameOrPhoneIsEverLoggedAndEveryRequestHasAnId() throws Exception {
    LoggerContext lc = (LoggerContext) LoggerFactory.getILoggerFactory();
    ListAppender<ILoggingEvent> events = LogCapture.appender();
    Logger root = lc.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger access = lc.getLogger(AccessLog.class);
    Level accessLevel = access.getLevel();
    access.setLevel(Level.INFO);
    root.addAppender(events);
    try (TestGateway g = Fixture.load(new TestGateway())) {
      JsonObject h = g.lookup(Fixture.ZHANG, "张三");
      g.post("/api/v1/lookup", new JsonObject().put("idNumber", Fixture.LI).put("name", "王五"));
      g.post("/api/v1/lookup", new JsonObject().put("idNumber", Fixture.LI.substring(0, 17) + "0").put("name", "李四"));
      g.postRaw("/api/v1/lookup", "application/json", Buffer.buffer("{\"idNumber\":\"" + Fixture.LI + "\",\"name\":"));
      JsonArray items = new JsonArray();
      for (String id : new String[] {Fixture.ZHANG, Fixture.LI, Fixture.CHILD}) {
        items.add(new JsonObject().put("memberRef", TestGateway.ref(h, id)).put("insurance", "medical").put("year", 2020));
      }
      JsonObject o = g.post("/api/v1/orders", new JsonObject().put("householdRef", h.getJsonObject("household").getString("ref"))
          .put("channel", "wechat").put("mode", "qr").put("items", items), "Idempotency-Key", UUID.randomUUID().toString()).bodyAsJsonObject();
      g.gateway.demo().sandbox().pay(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get();
      g.awaitNotified(o.getString("outTradeNo"), 1); // the callback is handled (and logged) before the receipt
      g.get("/api/v1/orders/" + o.getString("id") + "/receipt");
      g.importCsv("bad.csv", Fixture.ROSTER.replace(Fixture.CHEN, Fixture.CHEN.substring(0, 17) + "9"));
      g.http.post("/api/v1/callbacks/wechatpay").putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{}"))
          .toCompletionStage().toCompletableFuture().get();
      // the operators' side: logins (one wrong), an upload with a bad row, the village posting as PDF
      g.post("/api/v1/operator/login", new JsonObject().put("username", "admin").put("password", "wrong-" + TestGateway.ADMIN_PASSWORD));
      String token = g.adminToken();
      g.http.post("/api/v1/operator/rosters?file=x.csv").putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "text/csv")
          .sendBuffer(Buffer.buffer(Fixture.ROSTER.replace(Fixture.LIU2, Fixture.LIU2.substring(0, 17) + "0")))
          .toCompletionStage().toCompletableFuture().get();
      g.http.get("/api/v1/operator/postings/431103/medical?township=%E9%BB%84%E9%98%B3%E5%8F%B8%E9%95%87&village=%E9%BB%84%E9%98%B3%E5%8F%B8%E6%9D%91")
          .putHeader("Authorization", "Bearer " + token).putHeader("Accept", "application/pdf").send()
          .toCompletionStage().toCompletableFuture().get();
      var r = g.get("/api/v1/orders/" + o.getString("id"));
      assertThat(r.getHeader("X-Request-Id")).isNotBlank();
    } finally {
      root.detachAppender(events);
      access.setLevel(accessLevel);
    }
    List<ILoggingEvent> logged = events.list;
    assertThat(logged).isNotEmpty();
    List<String> secrets = List.of(Fixture.ZHANG, Fixture.LI, Fixture.GRANNY, Fixture.CHILD, Fixture.LIU1, Fixture.LIU2, Fixture.CHEN,
        Fixture.ZHANG.substring(0, 17), "张三", "李四", "王奶奶", "张小明", "刘一", "刘二", "陈一", "13800001111",
        TestGateway.ADMIN_PASSWORD);
    for (ILoggingEvent e : logged) {
      String all = e.getFormattedMessage() + " " + e.getMDCPropertyMap() + " " + (e.getThrowableProxy() == null ? ""
          : e.getThrowableProxy().getMessage());
      for (String s : secrets) {
        assertThat(all).as("logged by " + e.getLoggerName()).doesNotContain(s);
      }
    }
    assertThat(logged).filteredOn(e -> e.getLoggerName().equals(AccessLog.class.getName()))
        .isNotEmpty().allSatisfy(e -> assertThat(e.getMDCPropertyMap()).containsKey("requestId"));
  }
}
