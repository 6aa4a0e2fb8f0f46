package cn.liangxian.gateway.payment;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.ChannelSandbox;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A resident scans a UnionPay code a moment before its time is up and pays; the issuer has not answered when the
 * order's time passes, and UnionPay's query says 05 (交易处理中). The order is not expired under the payment: it
 * waits for the answer, and is paid when it comes, its items never released nor its money sent back.
 */
class UnionPayPendingAtTimeoutTest {
  @Test
  void anOrderWhosePaymentIsStillProcessingAtItsTimeIsPaidNotExpired() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway())) {
      ChannelSandbox sandbox = g.gateway.demo().sandbox();
      HttpResponse<Buffer> r = g.orderUnpaidMedical(g.lookup(Fixture.CHEN, "陈一"), "unionpay", "qr");
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
      JsonObject o = r.bodyAsJsonObject();
      String id = o.getString("id");
      sandbox.payPending(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      // cancelled while its code is still payable: the payment being processed is said, never that nothing is charged
      var early = g.post("/api/v1/orders/" + id + "/cancel", new JsonObject());
      assertThat(early.statusCode()).as(early.bodyAsString()).isEqualTo(409);
      assertThat(early.bodyAsJsonObject().getString("type")).endsWith("/payment-processing");

      g.clock.advance(Duration.ofMinutes(16)); // past the order's 15 minutes and the code's payTimeout
      Eventually.until("the sweep to have tried to close it", () -> g.count("select expiry_attempts from orders where id = '"
          + id + "'") > 0);
      assertThat(g.get("/api/v1/orders/" + id).bodyAsJsonObject().getString("state")).isEqualTo("PAYING");
      assertThat(g.count("select count(*) from reservation where order_id = '" + id + "'")).isPositive();
      // nor can the resident cancel it meanwhile: whether the money is taken is not known yet, and no one says it is not
      var cancel = g.post("/api/v1/orders/" + id + "/cancel", new JsonObject());
      assertThat(cancel.statusCode()).as(cancel.bodyAsString()).isEqualTo(409);
      assertThat(cancel.bodyAsJsonObject().getString("type")).endsWith("/payment-processing");
      assertThat(cancel.bodyAsJsonObject().getString("title")).isEqualTo("付款正在处理中");

      // the issuer answers: UnionPay completes the payment and notifies it
      sandbox.payAfterClose(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      g.awaitNotified(o.getString("outTradeNo"), 1);
      assertThat(g.awaitState(id, "PAID", "EXPIRED", "REFUNDED").getString("state")).isEqualTo("PAID");
      assertThat(g.count("select count(*) from refund where order_id = '" + id + "'")).isZero();
    }
  }
}
