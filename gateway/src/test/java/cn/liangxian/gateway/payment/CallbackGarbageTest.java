package cn.liangxian.gateway.payment;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.LogCapture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/** Whatever is posted to a callback route, it is refused the channel's way: never a 5xx, never a stack trace. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallbackGarbageTest {
  TestGateway g;
  ListAppender<ILoggingEvent> events;
  Logger root;

  @BeforeAll
  void start() throws Exception {
    g = Fixture.load(new TestGateway());
    LoggerContext lc = (LoggerContext) LoggerFactory.getILoggerFactory();
    events = LogCapture.appender();
    root = lc.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(events);
  }

  @AfterAll
  void stop() throws Exception {
    root.detachAppender(events);
    g.close();
  }

  HttpResponse<Buffer> post(String path, String type, Buffer body, String... headers) throws Exception {
    var req = g.http.post(path);
    if (type != null) {
      req.putHeader("Content-Type", type);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      req.putHeader(headers[i], headers[i + 1]);
    }
    return req.sendBuffer(body).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  int payments() throws Exception {
    try (Connection c = g.db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select count(*) from payment")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void garbageToAlipayIsAnsweredFailure() throws Exception {
    String form = "application/x-www-form-urlencoded";
    byte[] binary = new byte[512];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) (i * 37);
    }
    Map<String, Object[]> cases = new LinkedHashMap<>();
    cases.put("plain text", new Object[] {"text/plain", Buffer.buffer("hello")});
    cases.put("binary", new Object[] {"application/octet-stream", Buffer.buffer(binary)});
    cases.put("binary as a form", new Object[] {form, Buffer.buffer(binary)});
    cases.put("json", new Object[] {"application/json", Buffer.buffer("{\"sign\":\"x\",\"app_id\":\"y\"}")});
    cases.put("no content type", new Object[] {null, Buffer.buffer("sign=x")});
    cases.put("empty form", new Object[] {form, Buffer.buffer()});
    cases.put("duplicate fields", new Object[] {form, Buffer.buffer("sign=a&sign=b&app_id=1&app_id=2&out_trade_no=x&trade_status=TRADE_SUCCESS"
        + "&total_amount=1.00&total_amount=2.00")});
    cases.put("bad percent encoding", new Object[] {form, Buffer.buffer("sign=%zz&app_id=%&out_trade_no=%E9")});
    cases.put("huge field", new Object[] {form, Buffer.buffer("sign=" + "A".repeat(20_000) + "&app_id=1")});
    cases.put("many fields", new Object[] {form, Buffer.buffer(String.join("&", java.util.stream.IntStream.range(0, 2000)
        .mapToObj(i -> "f" + i + "=1").toList()))});
    cases.put("multipart", new Object[] {"multipart/form-data; boundary=xyz", Buffer.buffer("--xyz\r\nContent-Disposition: form-data; name=\"sign\"\r\n\r\nx\r\n--xyz--\r\n")});
    cases.put("bad multipart", new Object[] {"multipart/form-data", Buffer.buffer("garbage")});
    int before = payments();
    for (var e : cases.entrySet()) {
      HttpResponse<Buffer> r = post("/api/v1/callbacks/alipay", (String) e.getValue()[0], (Buffer) e.getValue()[1]);
      assertThat(r.statusCode()).as(e.getKey() + ": " + r.bodyAsString()).isEqualTo(200);
      assertThat(r.bodyAsString()).as(e.getKey()).isEqualTo("failure");
    }
    assertThat(payments()).isEqualTo(before);
    assertThat(events.list).filteredOn(e -> e.getThrowableProxy() != null).extracting(ILoggingEvent::getFormattedMessage).isEmpty();
  }

  @Test
  void garbageToWechatIsRefusedNeverA5xx() throws Exception {
    Map<String, Object[]> cases = new LinkedHashMap<>();
    cases.put("empty", new Object[] {"application/json", Buffer.buffer(), new String[0]});
    cases.put("not json", new Object[] {"application/json", Buffer.buffer("hello"), new String[0]});
    cases.put("no content type", new Object[] {null, Buffer.buffer("{}"), new String[0]});
    cases.put("a form", new Object[] {"application/x-www-form-urlencoded", Buffer.buffer("a=%zz&a=1"), new String[0]});
    cases.put("headers but garbage", new Object[] {"application/json", Buffer.buffer("[1,"), new String[] {"Wechatpay-Timestamp", "x",
        "Wechatpay-Nonce", "n", "Wechatpay-Signature", "!!not base64!!", "Wechatpay-Serial", "PUB_KEY_ID_0000"}});
    cases.put("headers, empty body", new Object[] {"application/json", Buffer.buffer(), new String[] {"Wechatpay-Timestamp",
        Long.toString(g.clock.instant().getEpochSecond()), "Wechatpay-Nonce", "n", "Wechatpay-Signature", "AAAA", "Wechatpay-Serial", "x"}});
    int before = payments();
    for (var e : cases.entrySet()) {
      HttpResponse<Buffer> r = post("/api/v1/callbacks/wechatpay", (String) e.getValue()[0], (Buffer) e.getValue()[1],
          (String[]) e.getValue()[2]);
      assertThat(r.statusCode()).as(e.getKey() + ": " + r.bodyAsString()).isBetween(400, 499);
    }
    assertThat(payments()).isEqualTo(before);
    assertThat(events.list).filteredOn(e -> e.getThrowableProxy() != null).extracting(ILoggingEvent::getFormattedMessage).isEmpty();
  }
}
