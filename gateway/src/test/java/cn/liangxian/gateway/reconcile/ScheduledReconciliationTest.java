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
      // WeChat Pay had no bill of the 14th (no trade): looked at once more a day after it was due, by one instance
      Eventually.until("the 14th looked at once more", () -> a.count("select count(*) from channel_reconciliation"
          + " where channel = 'wechat' and day = '2019-12-14' and attempts = 2 and state = 'DONE'") == 1);
      assertThat(a.count("select count(*) from channel_reconciliation where attempts <> 1"
          + " and not (channel = 'wechat' and day = '2019-12-14')")).isZero();
      assertThat(a.count("select count(*) from channel_reconciliation where run_by <> 'schedule'")).isZero();
      assertThat(a.count("select count(*) from audit_log where action = 'reconciliation.run' and actor = 'schedule'"
          + " and subject like '%/2019-12-15'")).isEqualTo(CHANNELS.size());
      // WeChat Pay's bill of each day was asked for by one instance only: the 14th's twice, the 15th's once
      assertThat(billDownloads(a, b)).isEqualTo(3);
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
      // the sweep never asks the channels about them: a query answered between the payment and the step past midnight
      // would book it at 23:59:59, before the notification this test is about
      for (JsonObject o : orders.values()) {
        g.neverAsked(o.getString("id"));
      }
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

  /**
   * Finance runs the 15th's Alipay reconciliation at 08:00 the next day, before Alipay has made the bill (a late one:
   * isp.bill_not_exist). The day is recorded with our payment missing at the channel, and that it had no bill. At its
   * due time the schedule looks at it again: the bill still late, the day fails and is tried again; once the bill is
   * out, the payment matched, the false difference gone. Had the channel held a payment we never heard of, it would
   * have been booked then.
   */
  @Test
  void aDayReconciledBeforeItsLateBillWasOutIsLookedAtOnceMoreWhenItIsDue() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway())) {
      ChannelSandbox sandbox = g.gateway.demo().sandbox();
      java.time.LocalDate day = java.time.LocalDate.parse("2019-12-15");
      JsonObject o = g.payWholeHousehold(Fixture.LIU1, "刘一", "medical", 2020, "alipay");
      g.awaitState(o.getString("id"), "PAID");
      Eventually.until("the 14th reconciled", () -> g.count("select count(*) from channel_reconciliation"
          + " where day = '2019-12-14' and state = 'DONE'") == CHANNELS.size());
      // 08:00 on the 16th: Alipay's bill of the 15th is not out
      g.clock.advance(Duration.ofHours(22));
      sandbox.alipayBillNotOut((app, d) -> d.equals(day));
      String token = g.operatorToken(Role.FINANCE, Scope.ALL);
      HttpResponse<Buffer> early = g.http.post("/api/v1/operator/reconciliation/alipay/2019-12-15")
          .putHeader("Authorization", "Bearer " + token).send().toCompletionStage().toCompletableFuture().get();
      assertThat(early.statusCode()).as(early.bodyAsString()).isEqualTo(200);
      assertThat(early.bodyAsJsonObject().getBoolean("noBill")).isTrue();
      assertThat(early.bodyAsJsonObject().getJsonArray("differences").encode()).contains("here-not-at-channel");
      // at 10:00, when the day is due, the bill is still late: the day is tried again, as any day whose bill is late,
      // not written done with every payment of ours missing at the channel
      g.clock.advance(Duration.ofHours(2));
      Eventually.until("the 15th failed for now", () -> g.count("select count(*) from channel_reconciliation"
          + " where channel = 'alipay' and day = '2019-12-15' and state = 'FAILED'") == 1);
      // the bill out half an hour later, when the day is tried again
      sandbox.alipayBillNotOut((app, d) -> false);
      g.clock.advance(Duration.ofMinutes(30));
      Eventually.until("the 15th looked at again", () -> g.count("select count(*) from channel_reconciliation"
          + " where channel = 'alipay' and day = '2019-12-15' and state = 'DONE' and not no_bill") == 1);
      JsonObject report = read(g, token, "alipay", "2019-12-15");
      assertThat(report.getString("runBy")).isEqualTo("schedule");
      assertThat(report.getInteger("matched")).isEqualTo(1);
      assertThat(report.getJsonArray("differences")).isEmpty();
      // read once more, never again: a day later it is not asked for
      assertTheFifteenthNotRunTheNextDay(g, "alipay");
    }
  }

  /**
   * Finance runs the 15th on the 15th itself, before its bills are due, and a bill answers with the payments made so far:
   * the day is done as far as it goes. A payment made later that day, never notified nor asked about, is in the day's
   * whole bill only: once the bills are due, the schedule runs the day once more and books it, never again after.
   */
  @Test
  void aDayReconciledBeforeItsBillsWereDueIsRunOnceMoreWhenTheyAre() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway())) {
      ChannelSandbox sandbox = g.gateway.demo().sandbox();
      String token = g.operatorToken(Role.FINANCE, Scope.ALL);
      JsonObject first = order(g, Fixture.ZHANG, "张三", "wechat");
      sandbox.pay(first.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      g.awaitState(first.getString("id"), "PAID");
      Eventually.until("the 14th reconciled", () -> g.count("select count(*) from channel_reconciliation"
          + " where day = '2019-12-14' and state = 'DONE'") == CHANNELS.size());
      HttpResponse<Buffer> early = g.http.post("/api/v1/operator/reconciliation/wechat/2019-12-15")
          .putHeader("Authorization", "Bearer " + token).send().toCompletionStage().toCompletableFuture().get();
      assertThat(early.statusCode()).as(early.bodyAsString()).isEqualTo(200);
      assertThat(early.bodyAsJsonObject().getInteger("matched")).isEqualTo(1);

      // later that day: a payment whose notification is lost, and which the sweep never asks about
      g.clock.advance(Duration.ofHours(5));
      JsonObject later = order(g, Fixture.CHEN, "陈一", "wechat");
      g.neverAsked(later.getString("id"));
      sandbox.faults(new SandboxFaults(0, 0, true, 0, false));
      sandbox.pay(later.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      sandbox.faults(SandboxFaults.NONE);
      assertThat(g.get("/api/v1/orders/" + later.getString("id")).bodyAsJsonObject().getString("state")).isEqualTo("PAYING");

      // 10:00 on the 16th: the 15th's bills are due, and the schedule runs the day once more
      g.clock.advance(Duration.ofHours(19));
      g.awaitState(later.getString("id"), "PAID");
      Eventually.until("the 15th run by the schedule", () -> g.count("select count(*) from channel_reconciliation"
          + " where channel = 'wechat' and day = '2019-12-15' and state = 'DONE' and run_by = 'schedule'") == 1);
      // (a login of the day before has run out)
      assertThat(read(g, g.operatorToken(Role.FINANCE, Scope.ALL), "wechat", "2019-12-15").getInteger("billLines")).isEqualTo(2);
      // never again: a day later it is not run
      assertTheFifteenthNotRunTheNextDay(g, "wechat");
    }
  }

  /** A day later, once the schedule has reconciled the 16th, the channel's 15th was not run again. */
  static void assertTheFifteenthNotRunTheNextDay(TestGateway g, String channel) throws Exception {
    String attempts = "select attempts from channel_reconciliation where channel = '" + channel + "' and day = '2019-12-15'";
    long before = g.count(attempts);
    g.clock.advance(Duration.ofDays(1));
    Eventually.until("the 16th reconciled", () -> g.count("select count(*) from channel_reconciliation"
        + " where day = '2019-12-16' and state = 'DONE'") == CHANNELS.size());
    assertThat(g.count(attempts)).as("runs of the 15th").isEqualTo(before);
  }

  static JsonObject read(TestGateway g, String token, String channel, String day) throws Exception {
    HttpResponse<Buffer> r = g.http.get("/api/v1/operator/reconciliation/" + channel + "/" + day)
        .putHeader("Authorization", "Bearer " + token).send().toCompletionStage().toCompletableFuture().get();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }
}
