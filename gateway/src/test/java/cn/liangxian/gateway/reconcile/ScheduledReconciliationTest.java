package cn.liangxian.gateway.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.operator.Scope;
import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.ChannelSandbox;
import cn.liangxian.sandbox.fault.SandboxFaults;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The daily reconciliation runs by itself once the bills are out (10:00 Beijing the next day), once per
 * channel and day across the instances of a deployment, and a payment at 23:59:59 Beijing time is in the
 * bill of the day its channel booked it on, however late its notification arrived: that day for WeChat Pay
 * and Alipay, the next for UnionPay (its settlement day turns at 23:00); no false difference either day.
 */
class ScheduledReconciliationTest {
  static final List<String> CHANNELS = List.of("wechat", "alipay", "unionpay");


  static long billDownloads(TestGateway... gateways) {
    long n = 0;
    for (TestGateway g : gateways) {
      n += g.gateway.demo().sandbox().calls().stream().filter(c -> c.startsWith("GET /v3/bill/tradebill")).count();
    }
    return n;
  }

  @Test
  void twoInstancesOnOneDatabaseRunEachChannelsDayOnce() throws Exception {
    try (TestGateway a = new TestGateway(); TestGateway b = TestGateway.beside(a)) {
      // started at 10:00 Beijing on 2019-12-15: yesterday's bills are due at once
      Eventually.until("the 14th reconciled", () -> a.count("select count(*) from channel_reconciliation"
          + " where day = '2019-12-14' and state = 'DONE'") == CHANNELS.size());
      // a day later both instances find the 15th due at the same sweep
      a.clock.advance(Duration.ofDays(1));
      Eventually.until("the 15th reconciled", () -> a.count("select count(*) from channel_reconciliation"
          + " where day = '2019-12-15' and state = 'DONE'") == CHANNELS.size());
      assertThat(a.count("select count(*) from channel_reconciliation where attempts <> 1")).isZero();
      assertThat(a.count("select count(*) from channel_reconciliation where run_by <> 'schedule'")).isZero();
      assertThat(a.count("select count(*) from audit_log where action = 'reconciliation.run' and actor = 'schedule'"
          + " and subject like '%/2019-12-15'")).isEqualTo(CHANNELS.size());
      // WeChat Pay's bill of each day was fetched by one instance only
      assertThat(billDownloads(a, b)).isEqualTo(2);
    }
  }

  static JsonObject order(TestGateway g, String id, String name, String channel) throws Exception {
    JsonObject h = g.lookup(id, name);
    HttpResponse<Buffer> r = g.orderUnpaidMedical(h, channel, "qr");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  @Test
  void aPaymentAt235959BeijingIsInThatDaysBillAndNotTheNext() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway())) {
      ChannelSandbox sandbox = g.gateway.demo().sandbox();
      g.clock.advance(Duration.ofHours(13).plusMinutes(50)); // 23:50 Beijing, 2019-12-15
      Map<String, JsonObject> orders = new LinkedHashMap<>();
      orders.put("wechat", order(g, Fixture.ZHANG, "张三", "wechat"));
      orders.put("alipay", order(g, Fixture.LIU1, "刘一", "alipay"));
      orders.put("unionpay", order(g, Fixture.CHEN, "陈一", "unionpay"));
      g.clock.advance(Duration.ofMinutes(9).plusSeconds(59)); // 23:59:59
      sandbox.faults(new SandboxFaults(0, 0, true, 0, false));
      for (JsonObject o : orders.values()) {
        sandbox.pay(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      }
      // the notifications reach us after midnight
      g.clock.advance(Duration.ofSeconds(2));
      sandbox.faults(SandboxFaults.NONE);
      for (JsonObject o : orders.values()) {
        sandbox.renotify(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        g.awaitNotified(o.getString("outTradeNo"), 1);
      }
      assertThat(g.count("select count(*) from payment where (received_at at time zone 'Asia/Shanghai')::date = '2019-12-16'"
          + " and channel_day = '2019-12-15' and channel <> 'unionpay'")).isEqualTo(2);
      assertThat(g.count("select count(*) from payment where channel = 'unionpay' and channel_day = '2019-12-16'")).isEqualTo(1);

      // 10:00 the next day: the schedule reconciles the 15th
      g.clock.advance(Duration.ofHours(10));
      Eventually.until("the 15th reconciled", () -> g.count("select count(*) from channel_reconciliation"
          + " where day = '2019-12-15' and state = 'DONE'") == CHANNELS.size());
      String token = g.operatorToken(Role.FINANCE, Scope.ALL);
      for (String channel : CHANNELS) {
        JsonObject report = read(g, token, channel, "2019-12-15");
        assertThat(report.getString("runBy")).isEqualTo("schedule");
        assertThat(report.getInteger("matched")).as(channel).isEqualTo(channel.equals("unionpay") ? 0 : 1);
        assertThat(report.getJsonArray("differences")).as(channel).isEmpty();
        assertThat(report.getJsonArray("deferred")).as(channel).isEmpty();
        // the 16th, run now by an operator (its bill holds nothing yet but UnionPay's payment): nothing is missing
        HttpResponse<Buffer> next = g.http.post("/api/v1/operator/reconciliation/" + channel + "/2019-12-16")
            .putHeader("Authorization", "Bearer " + token).send().toCompletionStage().toCompletableFuture().get();
        assertThat(next.statusCode()).as(next.bodyAsString()).isEqualTo(200);
        assertThat(next.bodyAsJsonObject().getJsonArray("differences")).as(channel).isEmpty();
        assertThat(next.bodyAsJsonObject().getInteger("matched")).as(channel).isEqualTo(channel.equals("unionpay") ? 1 : 0);
      }
    }
  }

  static JsonObject read(TestGateway g, String token, String channel, String day) throws Exception {
    HttpResponse<Buffer> r = g.http.get("/api/v1/operator/reconciliation/" + channel + "/" + day)
        .putHeader("Authorization", "Bearer " + token).send().toCompletionStage().toCompletableFuture().get();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }
}
