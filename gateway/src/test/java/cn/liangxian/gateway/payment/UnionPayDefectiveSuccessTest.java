package cn.liangxian.gateway.payment;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.channel.PaymentChannel;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A UnionPay payment carried without the issuer's answer is a success with defects (有缺陷的成功, respCode or
 * origRespCode A6): it settles, and is a payment as 00 is, from the notification and from the query alike. Taken as
 * a failure, its order would be released unpaid and its refund refused.
 */
class UnionPayDefectiveSuccessTest {
  TestGateway g;
  ChannelSandbox sandbox;

  @BeforeEach
  void start() throws Exception {
    g = Fixture.load(new TestGateway());
    sandbox = g.gateway.demo().sandbox();
  }

  @AfterEach
  void stop() throws Exception {
    g.close();
  }

  static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private JsonObject order(JsonObject household) throws Exception {
    HttpResponse<Buffer> r = g.orderUnpaidMedical(household, "unionpay", "qr");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  private long payments(JsonObject o) throws Exception {
    return g.count("select count(*) from payment where order_id = '" + o.getString("id") + "'");
  }

  @Test
  void itsNotificationPaysTheOrderAndItIsRefundedAsAnyPayment() throws Exception {
    JsonObject h = g.lookup(Fixture.CHEN, "陈一");
    JsonObject o = order(h);
    await(sandbox.payWithDefects(o.getString("outTradeNo")));
    // the gateway answers a notification only once it has applied it
    g.awaitNotified(o.getString("outTradeNo"), 1);
    assertThat(g.get("/api/v1/orders/" + o.getString("id")).bodyAsJsonObject().getString("state")).isEqualTo("PAID");
    assertThat(payments(o)).isEqualTo(1);
    assertThat(g.count("select count(*) from callback_log where channel = 'unionpay' and outcome = 'paid'")).isEqualTo(1);

    // UnionPay's query says the same: the payment is one a refund can go back through
    String token = g.operatorToken(Role.FINANCE, Scope.ALL);
    HttpResponse<Buffer> refund = g.refundFirstMembersMedical(token, h, o.getString("id"), "death");
    assertThat(refund.statusCode()).as(refund.bodyAsString()).isEqualTo(200);
    // taken by UnionPay (its notification may have confirmed it already)
    assertThat(refund.bodyAsJsonObject().getString("state")).isIn("REQUESTED", "SUCCESS");
    Eventually.until("the refund confirmed", () -> g.count("select count(*) from refund where state = 'SUCCESS' and order_id = '"
        + o.getString("id") + "'") == 1);
  }

  @Test
  void foundByTheQueryItIsPaidNotReleasedPastItsTime() throws Exception {
    JsonObject o = order(g.lookup(Fixture.LIU1, "刘一"));
    sandbox.faults(new SandboxFaults(0, 0, true, 0, false)); // its notification is lost
    try {
      await(sandbox.payWithDefects(o.getString("outTradeNo")));
    } finally {
      sandbox.faults(SandboxFaults.NONE);
    }
    assertThat(await(g.gateway.channels().get("unionpay").query(o.getString("outTradeNo"))).state())
        .isEqualTo(PaymentChannel.Trade.State.PAID);

    // past the QR code's payTimeout, where a trade UnionPay does not call paid may be closed and its items released
    g.clock.advance(Duration.ofMinutes(16));
    assertThat(g.awaitState(o.getString("id"), "PAID", "EXPIRED").getString("state")).isEqualTo("PAID");
    assertThat(payments(o)).isEqualTo(1);
    assertThat(g.count("select count(*) from refund where order_id = '" + o.getString("id") + "'")).isZero();
  }
}
