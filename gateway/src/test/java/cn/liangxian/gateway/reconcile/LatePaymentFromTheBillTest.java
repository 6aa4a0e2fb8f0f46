package cn.liangxian.gateway.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.operator.Scope;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.fault.SandboxFaults;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A payment only the bill tells of (its notification lost, no query of it made) is dated by the time the bill gives, not
 * by the bill's day: UnionPay settles a payment made after 23:00 on the next day, so that day's file lists it.
 */
class LatePaymentFromTheBillTest {
  TestGateway g;
  String token;

  @BeforeEach
  void start() throws Exception {
    // no sweep: the stuck order is not queried, only the bill can book it
    g = Fixture.load(new TestGateway(Map.of("GATEWAY_SWEEP_MILLIS", "3600000")));
  }

  @AfterEach
  void stop() throws Exception {
    g.close();
  }

  @Test
  void aUnionPayPaymentAt2330IsBookedFromTheNextDaysSettlementFileAtItsOwnTime() throws Exception {
    g.clock.advance(Duration.ofHours(13).plusMinutes(30)); // 2019-12-15 23:30 Beijing time
    JsonObject h = g.lookup(Fixture.LIU1, "刘一");
    HttpResponse<Buffer> r = g.orderUnpaidMedical(h, "unionpay", "qr");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    JsonObject o = r.bodyAsJsonObject();
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false)); // its notification lost
    g.gateway.demo().sandbox().pay(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get();
    g.gateway.demo().sandbox().faults(SandboxFaults.NONE);

    g.clock.advance(Duration.ofHours(11)); // 2019-12-16 10:30 Beijing time
    token = g.operatorToken(Role.FINANCE, Scope.ALL); // finance's morning session
    // the 15th's file does not list it (settled on the 16th); the 16th's does, and books it
    assertThat(reconcile("2019-12-15").getInteger("billLines")).isZero();
    JsonObject report = reconcile("2019-12-16");
    assertThat(report.getJsonArray("differences")).as(report.encodePrettily()).singleElement()
        .satisfies(d -> assertThat(((JsonObject) d).getString("kind")).isEqualTo("paid-at-channel-not-here"))
        .satisfies(d -> assertThat(((JsonObject) d).getString("repair")).isEqualTo("paid"));
    JsonObject paid = g.get("/api/v1/orders/" + o.getString("id")).bodyAsJsonObject();
    assertThat(paid.getString("state")).isEqualTo("PAID");
    // when it was paid, as the file says, not 2019-12-16T23:59:59+08:00 (the last second of the bill's day)
    assertThat(paid.getString("paidAt")).isEqualTo("2019-12-15T23:30:00+08:00");
    assertThat(g.count("select count(*) from payment where channel = 'unionpay' and channel_day = '2019-12-16'")).isEqualTo(1);
  }

  /**
   * A WeChat payment made with a coupon the channel did not fund (免充值券) is settled less than the order (应结订单金额):
   * the bill books it at the order's amount (订单金额), what its notification would have said, and refunds nothing.
   */
  @Test
  void aWechatPaymentWithACouponIsBookedAtTheOrdersAmountNotRefunded() throws Exception {
    g.clock.advance(Duration.ofHours(2)); // 2019-12-15 12:00 Beijing time
    JsonObject h = g.lookup(Fixture.LIU1, "刘一");
    HttpResponse<Buffer> r = g.orderUnpaidMedical(h, "wechat", "qr");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    JsonObject o = r.bodyAsJsonObject();
    long total = o.getLong("totalFen");
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false)); // its notification lost
    g.gateway.demo().sandbox().pay(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get();
    g.gateway.demo().sandbox().faults(SandboxFaults.NONE);
    // a one-yuan coupon: 应结订单金额 (column 13) one yuan less, 代金券金额 (14) one yuan, 订单金额 the order's
    String order = cn.liangxian.channel.Money.fenToYuan(total);
    String settled = cn.liangxian.channel.Money.fenToYuan(total - 100);
    g.gateway.demo().sandbox().editWechatBill(bill -> bill.lines().map(l -> {
      if (!l.contains(o.getString("outTradeNo"))) {
        return l;
      }
      String[] f = l.split(",", -1);
      assertThat(f[12]).isEqualTo("`" + order);
      f[12] = "`" + settled;
      f[13] = "`1.00";
      return String.join(",", f);
    }).collect(java.util.stream.Collectors.joining("\n", "", "\n")));

    g.clock.advance(Duration.ofHours(22)); // 2019-12-16 10:00 Beijing time
    token = g.operatorToken(Role.FINANCE, Scope.ALL);
    JsonObject report = reconcile("wechat", "2019-12-15");
    assertThat(report.getJsonArray("differences")).as(report.encodePrettily()).singleElement()
        .satisfies(d -> assertThat(((JsonObject) d).getString("kind")).isEqualTo("paid-at-channel-not-here"))
        .satisfies(d -> assertThat(((JsonObject) d).getString("repair")).isEqualTo("paid"));
    assertThat(g.get("/api/v1/orders/" + o.getString("id")).bodyAsJsonObject().getString("state")).isEqualTo("PAID");
    assertThat(g.count("select amount_fen from payment where order_id = '" + o.getString("id") + "'")).isEqualTo(total);
    assertThat(g.count("select count(*) from refund where order_id = '" + o.getString("id") + "'")).as("nothing refunded").isZero();
  }

  private JsonObject reconcile(String date) throws Exception {
    return reconcile("unionpay", date);
  }

  private JsonObject reconcile(String channel, String date) throws Exception {
    HttpResponse<Buffer> r = g.http.post("/api/v1/operator/reconciliation/" + channel + "/" + date).putHeader("Authorization", "Bearer " + token)
        .send().toCompletionStage().toCompletableFuture().get();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }
}
