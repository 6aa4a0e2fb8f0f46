package cn.liangxian.gateway.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.ChannelSandbox;
import cn.liangxian.sandbox.fault.SandboxFaults;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Money a resident paid that its order cannot take never stays with the channel: paid with another
 * amount, paid after the order was cancelled, paid after it expired. Each is refunded through the channel
 * by itself, with its reason's code on the refund, and counted; the order ends REFUNDED and holds nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StrandedMoneyTest {
  TestGateway g;
  ChannelSandbox sandbox;

  @BeforeAll
  void start() throws Exception {
    g = new TestGateway();
    sandbox = g.gateway.demo().sandbox();
  }

  @AfterAll
  void stop() throws Exception {
    g.close();
  }

  @AfterEach
  void noFaults() {
    sandbox.faults(SandboxFaults.NONE);
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** The refunds of an order: reason code, amount, state, channel. */
  private String refunds(JsonObject o) throws Exception {
    return g.text("select string_agg(reason_code || ' ' || amount_fen || ' ' || state || ' ' || channel, ', ')"
        + " from refund where order_id = '" + o.getString("id") + "'");
  }

  /** What the channel itself says it refunded of the trade. */
  private long refundedAtChannel(JsonObject o) throws Exception {
    return await(sandbox.payments()).stream().filter(p -> p.getString("outTradeNo").equals(o.getString("outTradeNo")))
        .mapToLong(p -> p.getLong("refundedFen")).sum();
  }

  private double counted(String channel, String reason) throws Exception {
    String prefix = "liangxian_stranded_payments_total{channel=\"" + channel + "\",reason=\"" + reason + "\"} ";
    return g.metrics().lines().filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(l.substring(prefix.length())))
        .findFirst().orElseThrow(() -> new AssertionError("no series " + prefix));
  }

  private void refundedWhole(JsonObject o, String channel, String reason, long fen) throws Exception {
    g.awaitState(o.getString("id"), "REFUNDED");
    Eventually.until("the refund of " + o.getString("id") + " confirmed", () -> refunds(o),
        r -> (reason + " " + fen + " SUCCESS " + channel).equals(r));
    assertThat(refundedAtChannel(o)).as("the channel gave it all back").isEqualTo(fen);
    assertThat(CancellationTest.reservations(g, o)).as("the order holds no item").isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"wechat", "alipay", "unionpay"})
  void aPaymentOfAnotherAmountIsRefundedAndTheOrderFails(String channel) throws Exception {
    double before = counted(channel, "amount_mismatch");
    JsonObject o = CancellationTest.order(g, channel);
    long wrong = o.getLong("totalFen") - 1;
    await(sandbox.payAmount(o.getString("outTradeNo"), wrong));
    refundedWhole(o, channel, "amount_mismatch", wrong);
    JsonObject after = g.get("/api/v1/orders/" + o.getString("id")).bodyAsJsonObject();
    assertThat(after.getString("transactionId")).as("never paid").isNull();
    // the notification was answered with success once recorded: the channel stops sending it
    assertThat(g.paymentNotifications(o.getString("outTradeNo"))).anyMatch(d -> d.getInteger("status") / 100 == 2);
    assertThat(counted(channel, "amount_mismatch")).isEqualTo(before + 1);
    // the family may order again
    assertThat(g.get("/api/v1/orders/" + o.getString("id")).statusCode()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"wechat", "alipay"})
  void anotherAmountFoundByQueryingTheChannelIsRefundedToo(String channel) throws Exception {
    JsonObject o = CancellationTest.order(g, channel);
    long wrong = o.getLong("totalFen") + 100;
    sandbox.faults(new SandboxFaults(0, 0, true, 0, false)); // the notification never comes: the sweeper asks
    await(sandbox.payAmount(o.getString("outTradeNo"), wrong));
    g.clock.advance(Duration.ofSeconds(31));
    g.awaitState(o.getString("id"), "FAILED", "REFUNDED");
    // the refund's notification was lost too: the sweeper asks about it, two minutes after the channel took the
    // request (the clock moved on before the request was recorded would put that query out of reach)
    Eventually.until("the refund of " + o.getString("id") + " requested", () -> refunds(o),
        r -> r != null && (r.contains(" REQUESTED ") || r.contains(" SUCCESS ")));
    sandbox.faults(SandboxFaults.NONE);
    g.clock.advance(Duration.ofMinutes(3));
    refundedWhole(o, channel, "amount_mismatch", wrong);
    try (var c = g.db.connect(); var st = c.createStatement();
        var rs = st.executeQuery("select source from payment where order_id = '" + o.getString("id") + "'")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("query");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"wechat", "alipay"})
  void aPaymentLandingAfterTheCancelIsRefunded(String channel) throws Exception {
    double before = counted(channel, "order_cancelled");
    JsonObject o = CancellationTest.order(g, channel);
    HttpResponse<Buffer> r = CancellationTest.cancel(g, o);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    await(sandbox.payAfterClose(o.getString("outTradeNo")));
    refundedWhole(o, channel, "order_cancelled", o.getLong("totalFen"));
    assertThat(counted(channel, "order_cancelled")).isEqualTo(before + 1);
  }

  /** A household of one in 如皋, new to this test: its lookup. */
  private JsonObject household() throws Exception {
    int n = CancellationTest.COUNTER.incrementAndGet();
    String id = TestGateway.id("320682", "1972-03-03", 500 + 2 * n);
    var report = g.importCsv("taken-" + n + ".csv", "region_code,township,village,household,id_number,name,local,guardian_id_number,"
        + "guardian_name,guardian_phone,enrolled_elsewhere\n320682,如城街道,大明社区,TK" + n + "," + id + ",后付" + n + ",true,,,,false\n");
    assertThat(report.imported()).isEqualTo(1);
    return g.lookup(id, "后付" + n);
  }

  private JsonObject order(JsonObject h, String channel) throws Exception {
    JsonObject body = new JsonObject().put("householdRef", h.getJsonObject("household").getString("ref")).put("channel", channel)
        .put("mode", "qr").put("items", new io.vertx.core.json.JsonArray().add(new JsonObject()
            .put("memberRef", h.getJsonArray("members").getJsonObject(0).getString("ref")).put("insurance", "medical").put("year", 2020)));
    HttpResponse<Buffer> r = g.post("/api/v1/orders", body, "Idempotency-Key", java.util.UUID.randomUUID().toString());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  @ParameterizedTest
  @ValueSource(strings = {"wechat", "alipay"})
  void aLatePaymentForItemsAnotherOrderHasPaidIsRefundedAndThatOrderStaysPaid(String channel) throws Exception {
    JsonObject h = household();
    JsonObject first = order(h, channel);
    g.clock.advance(Duration.ofMinutes(16));
    g.awaitState(first.getString("id"), "EXPIRED");
    // the family orders again, on the other channel, and pays: the items are taken
    JsonObject second = order(h, channel.equals("wechat") ? "alipay" : "wechat");
    await(sandbox.pay(second.getString("outTradeNo")));
    g.awaitState(second.getString("id"), "PAID");
    // then the first code's payment lands
    await(sandbox.payAfterClose(first.getString("outTradeNo")));
    refundedWhole(first, channel, "order_expired", first.getLong("totalFen"));
    assertThat(g.get("/api/v1/orders/" + second.getString("id")).bodyAsJsonObject().getString("state")).isEqualTo("PAID");
    try (var c = g.db.connect(); var st = c.createStatement();
        var rs = st.executeQuery("select count(*) from reservation where paid and order_id = '" + second.getString("id") + "'")) {
      rs.next();
      assertThat(rs.getInt(1)).as("the paid order keeps its item").isEqualTo(1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"wechat", "alipay", "unionpay"})
  void aPaymentLandingAfterExpiryIsRefunded(String channel) throws Exception {
    double before = counted(channel, "order_expired");
    JsonObject o = CancellationTest.order(g, channel);
    g.clock.advance(Duration.ofMinutes(16));
    g.awaitState(o.getString("id"), "EXPIRED");
    await(sandbox.payAfterClose(o.getString("outTradeNo")));
    refundedWhole(o, channel, "order_expired", o.getLong("totalFen"));
    assertThat(counted(channel, "order_expired")).isEqualTo(before + 1);
  }
}
