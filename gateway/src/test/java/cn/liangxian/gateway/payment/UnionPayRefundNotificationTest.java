package cn.liangxian.gateway.payment;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.operator.Scope;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.ChannelSandbox;
import cn.liangxian.sandbox.fault.SandboxFaults;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * UnionPay's notification of a refund (退货, txnType 04), signed by UnionPay all the same, confirms the refund its
 * request was made for only at that refund's amount: another amount is refused, kept and counted, and changes nothing.
 */
class UnionPayRefundNotificationTest {
  @Test
  void aRefundNotifiedAtAnotherAmountIsRefusedAndTheRightOneConfirmsIt() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway())) {
      ChannelSandbox sandbox = g.gateway.demo().sandbox();
      String url = "http://127.0.0.1:" + g.gateway.httpPort() + "/api/v1/callbacks/unionpay";
      JsonObject h = g.lookup(Fixture.ZHANG, "张三");
      HttpResponse<Buffer> r = g.orderUnpaidMedical(h, "unionpay", "qr");
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
      JsonObject o = r.bodyAsJsonObject();
      await(sandbox.pay(o.getString("outTradeNo")));
      g.awaitState(o.getString("id"), "PAID");
      Map<String, String> paid = await(sandbox.unionPayNotificationOf(o.getString("outTradeNo")));

      sandbox.faults(new SandboxFaults(0, 0, true, 0, false)); // the refund's notification is ours to send
      try {
        JsonObject body = new JsonObject().put("orderId", o.getString("id")).put("memberRef", TestGateway.ref(h, Fixture.LI))
            .put("insurance", "medical").put("reason", "death");
        HttpResponse<Buffer> refund = g.http.post("/api/v1/operator/refunds").putHeader("Content-Type", "application/json")
            .putHeader("Authorization", "Bearer " + g.operatorToken(Role.FINANCE, Scope.ALL)).sendBuffer(Buffer.buffer(body.encode()))
            .toCompletionStage().toCompletableFuture().get();
        assertThat(refund.statusCode()).as(refund.bodyAsString()).isEqualTo(200);
        String outRefundNo = refund.bodyAsJsonObject().getString("outRefundNo");
        long fen = refund.bodyAsJsonObject().getLong("amountFen");
        assertThat(scalar(g, "select state from refund where out_refund_no = '" + outRefundNo + "'")).isEqualTo("REQUESTED");

        Map<String, String> notified = new LinkedHashMap<>(paid);
        notified.put("orderId", scalar(g, "select order_id from unionpay_request where out_refund_no = '" + outRefundNo + "'"));
        notified.put("txnTime", scalar(g, "select txn_time from unionpay_request where out_refund_no = '" + outRefundNo + "'"));
        notified.put("txnType", "04");
        notified.put("origQryId", paid.get("queryId"));
        notified.put("queryId", "9" + paid.get("queryId").substring(1));

        Map<String, String> more = new LinkedHashMap<>(notified);
        more.put("txnAmt", Long.toString(fen + 100));
        sandbox.unionPayPlatform().sign(more);
        assertThat(await(sandbox.sendUnionPay(url, more))).isEqualTo(400);
        assertThat(scalar(g, "select outcome from callback_log where channel = 'unionpay' order by id desc limit 1"))
            .isEqualTo("amount_mismatch");
        assertThat(scalar(g, "select state from refund where out_refund_no = '" + outRefundNo + "'")).isEqualTo("REQUESTED");

        notified.put("txnAmt", Long.toString(fen));
        sandbox.unionPayPlatform().sign(notified);
        assertThat(await(sandbox.sendUnionPay(url, notified))).isEqualTo(200);
        assertThat(scalar(g, "select state from refund where out_refund_no = '" + outRefundNo + "'")).isEqualTo("SUCCESS");
      } finally {
        sandbox.faults(SandboxFaults.NONE);
      }
    }
  }

  static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static String scalar(TestGateway g, String sql) throws Exception {
    return g.text(sql);
  }
}
