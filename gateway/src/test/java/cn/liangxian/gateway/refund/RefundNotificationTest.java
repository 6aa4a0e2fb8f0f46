package cn.liangxian.gateway.refund;

import static cn.liangxian.gateway.support.TestGateway.ref;
import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.operator.Scope;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.fault.SandboxFaults;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * WeChat Pay's REFUND.SUCCESS, signed and encrypted by the channel all the same, confirms a refund only where it names
 * this merchant and the refund's own amount: another merchant's or another amount is refused (400), kept for audit,
 * counted, and changes nothing; one naming no refund of ours changes nothing either.
 */
class RefundNotificationTest {
  TestGateway g;
  String url;

  @BeforeEach
  void start() throws Exception {
    g = Fixture.load(new TestGateway());
    url = "http://127.0.0.1:" + g.gateway.httpPort() + "/api/v1/callbacks/wechatpay";
  }

  @AfterEach
  void stop() throws Exception {
    g.gateway.demo().sandbox().faults(SandboxFaults.NONE);
    g.close();
  }

  @Test
  void onlyThisMerchantsNotificationOfTheRefundsOwnAmountConfirmsIt() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    JsonArray items = new JsonArray();
    for (String id : new String[] {Fixture.ZHANG, Fixture.LI, Fixture.CHILD}) {
      items.add(new JsonObject().put("memberRef", ref(h, id)).put("insurance", "medical").put("year", 2020));
    }
    JsonObject o = g.post("/api/v1/orders", new JsonObject().put("householdRef", h.getJsonObject("household").getString("ref"))
        .put("channel", "wechat").put("mode", "qr").put("items", items), "Idempotency-Key", UUID.randomUUID().toString())
        .bodyAsJsonObject();
    assertThat(o.getString("outTradeNo")).as(o.encode()).isNotNull();
    g.gateway.demo().sandbox().pay(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get();
    g.awaitState(o.getString("id"), "PAID");
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false)); // the notifications are ours to send

    JsonObject body = new JsonObject().put("orderId", o.getString("id")).put("memberRef", ref(h, Fixture.LI))
        .put("insurance", "medical").put("reason", "death");
    var r = g.http.post("/api/v1/operator/refunds").putHeader("Content-Type", "application/json")
        .putHeader("Authorization", "Bearer " + g.operatorToken(Role.FINANCE, Scope.ALL)).sendBuffer(Buffer.buffer(body.encode()))
        .toCompletionStage().toCompletableFuture().get();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    String outRefundNo = r.bodyAsJsonObject().getString("outRefundNo");
    assertThat(r.bodyAsJsonObject().getString("state")).isEqualTo("REQUESTED");
    long fen = r.bodyAsJsonObject().getLong("amountFen");

    JsonObject refund = new JsonObject().put("mchid", "1900000001").put("out_trade_no", o.getString("outTradeNo"))
        .put("transaction_id", "4200000000000000001").put("out_refund_no", outRefundNo).put("refund_id", "50000000000000000001")
        .put("refund_status", "SUCCESS").put("success_time", "2019-12-15T10:05:00+08:00").put("user_received_account", "支付用户零钱")
        .put("amount", new JsonObject().put("total", 75000).put("refund", fen).put("payer_total", 75000).put("payer_refund", fen));

    assertThat(send(refund.copy().put("amount", refund.getJsonObject("amount").copy().put("refund", fen + 100)))).isEqualTo(400);
    assertThat(lastOutcome()).isEqualTo("amount_mismatch");
    assertThat(refundState(outRefundNo)).isEqualTo("REQUESTED");

    assertThat(send(refund.copy().put("mchid", "1900000099"))).isEqualTo(400);
    assertThat(lastOutcome()).isEqualTo("wrong_merchant");
    assertThat(refundState(outRefundNo)).isEqualTo("REQUESTED");

    assertThat(send(refund.copy().put("out_refund_no", o.getString("outTradeNo") + "R9"))).isEqualTo(204);
    assertThat(lastOutcome()).isEqualTo("refund unknown_refund");
    assertThat(refundState(outRefundNo)).isEqualTo("REQUESTED");
    assertThat(g.metrics()).contains("reason=\"amount_mismatch\"").contains("reason=\"wrong_merchant\"");

    assertThat(send(refund)).isEqualTo(204);
    assertThat(lastOutcome()).isEqualTo("refund confirmed");
    assertThat(refundState(outRefundNo)).isEqualTo("SUCCESS");
    assertThat(send(refund)).as("a repeat is answered as received").isEqualTo(204);
    assertThat(refundState(outRefundNo)).isEqualTo("SUCCESS");
  }

  private int send(JsonObject refund) throws Exception {
    return g.gateway.demo().sandbox().sendWechatRefund("1900000001", url, refund).toCompletionStage().toCompletableFuture().get();
  }

  private String lastOutcome() throws Exception {
    return scalar("select outcome from callback_log order by id desc limit 1");
  }

  private String refundState(String outRefundNo) throws Exception {
    return scalar("select state from refund where out_refund_no = '" + outRefundNo + "'");
  }

  private String scalar(String sql) throws Exception {
    return g.text(sql);
  }
}
