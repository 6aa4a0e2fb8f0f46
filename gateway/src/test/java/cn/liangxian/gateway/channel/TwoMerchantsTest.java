package cn.liangxian.gateway.channel;

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
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two collecting bodies: 如皋 (320682) receives into WeChat Pay merchant 1900000002, Alipay app
 * 2021000000000002 and UnionPay merchant 777290058110077 of its own, every other region into the default
 * merchants. Orders, notifications,
 * stranded-money refunds and each merchant's daily bill all land on the right merchant, end to end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoMerchantsTest {
  static final String BODY_MCHID = "1900000002";
  static final String BODY_APP = "2021000000000002";
  static final String BODY_MER_ID = "777290058110077";
  TestGateway g;
  ChannelSandbox sandbox;
  int households;

  @BeforeAll
  void start() throws Exception {
    Path config = TestGateway.configWithMerchants("""
            - name: rugao
              regions: ["320682"]
              wechat: {mchid: "%s", appId: wxrugao0000000002}
              alipay: {appId: "%s"}
              unionpay: {merId: "%s"}
        """.formatted(BODY_MCHID, BODY_APP, BODY_MER_ID));
    g = Fixture.load(new TestGateway(Map.of("GATEWAY_CONFIG", config.toString())));
    sandbox = g.gateway.demo().sandbox();
  }

  @AfterAll
  void stop() throws Exception {
    g.close();
  }

  /** An order for a household of one in 如皋, new to this test. */
  JsonObject rugaoOrder(String channel) throws Exception {
    int n = ++households;
    String id = TestGateway.id("320682", "1971-02-02", 300 + 2 * n);
    var report = g.importCsv("rugao-" + n + ".csv", "region_code,township,village,household,id_number,name,local,guardian_id_number,"
        + "guardian_name,guardian_phone,enrolled_elsewhere\n320682,如城街道,大明社区,RG" + n + "," + id + ",如皋" + n + ",true,,,,false\n");
    assertThat(report.imported()).isEqualTo(1);
    return order(g.lookup(id, "如皋" + n), channel);
  }

  JsonObject order(JsonObject h, String channel) throws Exception {
    HttpResponse<Buffer> r = g.orderUnpaidMedical(h, channel, "qr");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void eachRegionPaysIntoItsBodysMerchantAndEachMerchantsBillReconciles() throws Exception {
    JsonObject rugaoWechat = rugaoOrder("wechat");
    JsonObject rugaoAlipay = rugaoOrder("alipay");
    JsonObject rugaoUnionPay = rugaoOrder("unionpay");
    JsonObject hedong = order(g.lookup(Fixture.ZHANG, "张三"), "wechat");
    for (JsonObject o : new JsonObject[] {rugaoWechat, rugaoAlipay, rugaoUnionPay, hedong}) {
      await(sandbox.pay(o.getString("outTradeNo")));
    }
    for (JsonObject o : new JsonObject[] {rugaoWechat, rugaoAlipay, rugaoUnionPay, hedong}) {
      g.awaitState(o.getString("id"), "PAID");
    }
    // the trades were opened at, paid into and notified by the right merchant
    assertThat(await(sandbox.transactionOf(rugaoWechat.getString("outTradeNo"))).getString("mchid")).isEqualTo(BODY_MCHID);
    assertThat(await(sandbox.transactionOf(hedong.getString("outTradeNo"))).getString("mchid"))
        .isEqualTo(cn.liangxian.sandbox.DemoMerchant.MCHID);
    assertThat(g.count("select count(*) from orders where merchant = '" + BODY_MCHID + "' and state = 'PAID' and id = '"
        + rugaoWechat.getString("id") + "'")).isEqualTo(1);
    assertThat(g.count("select count(*) from orders where merchant = '" + BODY_APP + "' and state = 'PAID' and id = '"
        + rugaoAlipay.getString("id") + "'")).isEqualTo(1);
    assertThat(g.count("select count(*) from orders where merchant = '" + BODY_MER_ID + "' and state = 'PAID' and id = '"
        + rugaoUnionPay.getString("id") + "'")).isEqualTo(1);

    // each merchant's bill of the day holds its own payments only, and matches
    String token = g.operatorToken(Role.FINANCE, Scope.ALL);
    JsonObject bodyWechat = reconcile(token, "wechat", BODY_MCHID);
    assertThat(bodyWechat.getInteger("matched")).isGreaterThanOrEqualTo(1);
    assertThat(bodyWechat.getJsonArray("differences")).isEmpty();
    JsonObject defaultWechat = reconcile(token, "wechat", null);
    assertThat(defaultWechat.getString("merchant")).isEqualTo(cn.liangxian.sandbox.DemoMerchant.MCHID);
    assertThat(defaultWechat.getInteger("matched")).isEqualTo(1);
    assertThat(defaultWechat.getJsonArray("differences")).isEmpty();
    JsonObject bodyAlipay = reconcile(token, "alipay", BODY_APP);
    assertThat(bodyAlipay.getInteger("matched")).isGreaterThanOrEqualTo(1);
    assertThat(bodyAlipay.getJsonArray("differences")).isEmpty();
    assertThat(reconcile(token, "alipay", null).getJsonArray("differences")).isEmpty();
    JsonObject bodyUnionPay = reconcile(token, "unionpay", BODY_MER_ID);
    assertThat(bodyUnionPay.getInteger("matched")).isGreaterThanOrEqualTo(1);
    assertThat(bodyUnionPay.getJsonArray("differences")).isEmpty();
    assertThat(reconcile(token, "unionpay", null).getJsonArray("differences")).isEmpty();
    // the schedule runs every merchant's bill of the day before: two of each channel
    Eventually.until("every merchant's bill of the 14th reconciled", () -> g.count("select count(*) from channel_reconciliation"
        + " where day = '2019-12-14' and state = 'DONE'") == 6);
    assertThat(g.count("select count(*) from channel_reconciliation where day = '2019-12-14' and merchant = '" + BODY_MCHID + "'"))
        .isEqualTo(1);
  }

  @Test
  void moneyAnOrderCannotTakeGoesBackThroughTheBodysMerchant() throws Exception {
    for (String channel : new String[] {"wechat", "alipay", "unionpay"}) {
      JsonObject o = rugaoOrder(channel);
      await(sandbox.payAmount(o.getString("outTradeNo"), o.getLong("totalFen") - 1));
      g.awaitState(o.getString("id"), "REFUNDED");
      String merchant = channel.equals("wechat") ? BODY_MCHID : channel.equals("alipay") ? BODY_APP : BODY_MER_ID;
      Eventually.until("the refund of " + channel + " confirmed", () -> g.count("select count(*) from refund where state = 'SUCCESS'"
          + " and reason_code = 'amount_mismatch' and merchant = '" + merchant + "' and order_id = '" + o.getString("id") + "'") == 1);
      long refunded = await(sandbox.payments()).stream().filter(p -> p.getString("outTradeNo").equals(o.getString("outTradeNo")))
          .mapToLong(p -> p.getLong("refundedFen")).sum();
      assertThat(refunded).isEqualTo(o.getLong("totalFen") - 1);
    }
  }

  @Test
  void aRefundNotifiedByAnotherMerchantIsRefusedAndOnlyItsOwnMerchantConfirmsIt() throws Exception {
    int n = ++households;
    String id = TestGateway.id("320682", "1968-05-05", 300 + 2 * n);
    assertThat(g.importCsv("rugao-" + n + ".csv", "region_code,township,village,household,id_number,name,local,guardian_id_number,"
        + "guardian_name,guardian_phone,enrolled_elsewhere\n320682,如城街道,大明社区,RG" + n + "," + id + ",如皋" + n + ",true,,,,false\n")
        .imported()).isEqualTo(1);
    JsonObject h = g.lookup(id, "如皋" + n);
    JsonObject o = order(h, "wechat");
    await(sandbox.pay(o.getString("outTradeNo")));
    g.awaitState(o.getString("id"), "PAID");
    sandbox.faults(new SandboxFaults(0, 0, true, 0, false)); // the refund's notifications are the test's to send
    try {
      HttpResponse<Buffer> r = g.http.post("/api/v1/operator/refunds").putHeader("Content-Type", "application/json")
          .putHeader("Authorization", "Bearer " + g.operatorToken(Role.FINANCE, Scope.ALL))
          .sendBuffer(Buffer.buffer(new JsonObject().put("orderId", o.getString("id")).put("memberRef", TestGateway.ref(h, id))
              .put("insurance", "medical").put("reason", "death").encode()))
          .toCompletionStage().toCompletableFuture().get();
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      String outRefundNo = r.bodyAsJsonObject().getString("outRefundNo");
      long fen = r.bodyAsJsonObject().getLong("amountFen");
      String base = "http://127.0.0.1:" + g.gateway.httpPort() + "/api/v1/callbacks/wechatpay";
      JsonObject refund = new JsonObject().put("out_trade_no", o.getString("outTradeNo"))
          .put("transaction_id", "4200000000000000002").put("out_refund_no", outRefundNo).put("refund_id", "50000000000000000002")
          .put("refund_status", "SUCCESS").put("success_time", "2019-12-15T10:05:00+08:00").put("user_received_account", "支付用户零钱")
          .put("amount", new JsonObject().put("total", o.getLong("totalFen")).put("refund", fen)
              .put("payer_total", o.getLong("totalFen")).put("payer_refund", fen));
      String defaultMchid = cn.liangxian.sandbox.DemoMerchant.MCHID;

      // the default merchant's own, well-signed notification naming the body's refund: not that merchant's refund
      assertThat(await(sandbox.sendWechatRefund(defaultMchid, base, refund.copy().put("mchid", defaultMchid)))).isEqualTo(400);
      assertThat(g.count("select count(*) from callback_log where outcome = 'wrong_merchant' and order_id = '"
          + o.getString("id") + "'")).isEqualTo(1);
      assertThat(g.count("select count(*) from refund where out_refund_no = '" + outRefundNo + "' and state = 'REQUESTED'"))
          .isEqualTo(1);

      // the body's merchant, at its own route: confirmed
      assertThat(await(sandbox.sendWechatRefund(BODY_MCHID, base + "/" + BODY_MCHID, refund.copy().put("mchid", BODY_MCHID))))
          .isEqualTo(204);
      assertThat(g.count("select count(*) from refund where out_refund_no = '" + outRefundNo + "' and state = 'SUCCESS'"))
          .isEqualTo(1);
    } finally {
      sandbox.faults(SandboxFaults.NONE);
    }
  }

  JsonObject reconcile(String token, String channel, String merchant) throws Exception {
    HttpResponse<Buffer> r = g.http.post("/api/v1/operator/reconciliation/" + channel + "/2019-12-15"
            + (merchant == null ? "" : "?merchant=" + merchant))
        .putHeader("Authorization", "Bearer " + token).send().toCompletionStage().toCompletableFuture().get();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }
}
