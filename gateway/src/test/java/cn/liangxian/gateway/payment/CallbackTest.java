package cn.liangxian.gateway.payment;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.fault.SandboxFaults;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Callbacks signed by the channel's real key but wrong in what they say, and ones that fail
 * verification: each changes nothing, is stored for audit, counted, and answered with failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallbackTest {
  TestGateway g;
  JsonObject order;
  JsonObject paid;
  String url;

  @BeforeAll
  void start() throws Exception {
    g = Fixture.load(new TestGateway());
    JsonObject h = g.lookup(Fixture.CHEN, "陈一");
    order = g.post("/api/v1/orders", new JsonObject().put("householdRef", h.getJsonObject("household").getString("ref"))
        .put("channel", "wechat").put("mode", "qr").put("items", new JsonArray().add(new JsonObject()
            .put("memberRef", h.getJsonArray("members").getJsonObject(0).getString("ref")).put("insurance", "medical").put("year", 2020))),
        "Idempotency-Key", UUID.randomUUID().toString()).bodyAsJsonObject();
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false)); // the resident pays; we craft the callbacks
    g.gateway.demo().sandbox().pay(order.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get();
    paid = g.gateway.demo().sandbox().transactionOf(order.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get();
    url = "http://127.0.0.1:" + g.gateway.httpPort() + "/api/v1/callbacks/wechatpay";
  }

  @AfterAll
  void stop() throws Exception {
    g.close();
  }

  int send(JsonObject transaction, long skew, String serial, boolean tamper) throws Exception {
    return g.gateway.demo().sandbox().sendWechat("1900000001", url, transaction, skew, serial, tamper).toCompletionStage().toCompletableFuture().get();
  }

  String state() throws Exception {
    return g.get("/api/v1/orders/" + order.getString("id")).bodyAsJsonObject().getString("state");
  }

  String lastOutcome() throws Exception {
    try (Connection c = g.db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select outcome, verified from callback_log order by id desc limit 1")) {
      rs.next();
      return rs.getString(1) + (rs.getBoolean(2) ? "" : " (unverified)");
    }
  }

  /** A post naming a merchant we do not have is nobody's: never counted as a verified notification's wrong merchant. */
  @Test
  void aPostToAnUnknownMerchantsPathIsRefusedAsUnknown() throws Exception {
    var r = g.http.post("/api/v1/callbacks/wechatpay/1999999999").putHeader("Content-Type", "application/json")
        .sendBuffer(io.vertx.core.buffer.Buffer.buffer("{\"id\":\"EV-x\"}")).toCompletionStage().toCompletableFuture().get();
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(lastOutcome()).isEqualTo("unknown_merchant (unverified)");
    assertThat(g.get("/metrics").bodyAsString())
        .contains("liangxian_callbacks_refused_total{channel=\"wechat\",reason=\"unknown_merchant\"");
  }

  @Test
  void mismatchedOrUnverifiableCallbacksAreRefusedThenTheRealOneIsAppliedOnce() throws Exception {
    // (a verified payment of another amount is recorded and refunded: StrandedMoneyTest)
    assertThat(send(paid.copy().put("mchid", "1900000099"), 0, null, false)).isEqualTo(400);
    assertThat(lastOutcome()).isEqualTo("wrong_merchant");

    assertThat(send(paid.copy().put("out_trade_no", UUID.randomUUID().toString().replace("-", "")), 0, null, false)).isEqualTo(400);
    assertThat(lastOutcome()).isEqualTo("unknown_order");

    // the right amount in another currency is not the order's amount
    JsonObject dollars = paid.copy().put("amount", paid.getJsonObject("amount").copy().put("currency", "USD").put("payer_currency", "USD"));
    assertThat(send(dollars, 0, null, false)).isEqualTo(400);
    assertThat(lastOutcome()).isEqualTo("wrong_currency");
    // a total in yuan the payer paid in dollars is not the order's payment either
    JsonObject payerInDollars = paid.copy().put("amount", paid.getJsonObject("amount").copy().put("payer_currency", "USD"));
    assertThat(send(payerInDollars, 0, null, false)).isEqualTo(400);
    assertThat(lastOutcome()).isEqualTo("wrong_currency");
    // signed, but without the payment's name at WeChat Pay: it could not be told from its own re-delivery, nor matched
    // in the bill (the stuck-order query books the payment with its name)
    assertThat(send(paid.copy().put("transaction_id", ""), 0, null, false)).isEqualTo(400);
    assertThat(lastOutcome()).isEqualTo("malformed");
    JsonObject nameless = paid.copy();
    nameless.remove("transaction_id");
    assertThat(send(nameless, 0, null, false)).isEqualTo(400);
    assertThat(lastOutcome()).isEqualTo("malformed");
    assertThat(state()).isEqualTo("PAYING");

    assertThat(send(paid, -400, null, false)).isEqualTo(401);
    assertThat(lastOutcome()).isEqualTo("stale_timestamp (unverified)");

    assertThat(send(paid, 0, "PUB_KEY_ID_UNKNOWN", false)).isEqualTo(401);
    assertThat(lastOutcome()).isEqualTo("unknown_serial (unverified)");

    assertThat(send(paid, 0, null, true)).isEqualTo(401);
    assertThat(lastOutcome()).isEqualTo("decrypt_failed (unverified)");

    assertThat(state()).isEqualTo("PAYING");
    assertThat(g.get("/metrics").bodyAsString()).contains("liangxian_callbacks_refused_total{channel=\"wechat\",reason=\"wrong_merchant\"");

    // the genuine one, then its duplicate: applied once, both answered with success
    assertThat(send(paid, 0, null, false)).isEqualTo(204);
    assertThat(send(paid, 0, null, false)).isEqualTo(204);
    // payer_currency is checked where it is given: a re-delivery without it is the same payment
    JsonObject noPayerCurrency = paid.copy().put("amount", paid.getJsonObject("amount").copy());
    noPayerCurrency.getJsonObject("amount").remove("payer_currency");
    assertThat(send(noPayerCurrency, 0, null, false)).isEqualTo(204);
    assertThat(lastOutcome()).isEqualTo("duplicate");
    assertThat(state()).isEqualTo("PAID");
    try (Connection c = g.db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select count(*) from payment")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }
  }
}
