package cn.liangxian.gateway.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.channel.PaymentChannel;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.fault.SandboxFaults;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Cancel closes the trade at the channel before it releases anything, as expiry does. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CancellationTest {
  TestGateway g;

  @BeforeAll
  void start() throws Exception {
    g = new TestGateway();
  }

  @AfterAll
  void stop() throws Exception {
    g.close();
  }

  @AfterEach
  void noFaults() {
    g.gateway.demo().sandbox().faults(SandboxFaults.NONE);
  }

  /**
   * An order for the medical contribution of a household of one, new to this test, its code shown and scanned (an Alipay
   * code nobody has scanned: {@link #anAlipayCodeNobodyHasScannedIsNotVoidedButStaysPayableUntilTheOrdersEnd}).
   */
  static JsonObject order(TestGateway g, String channel) throws Exception {
    JsonObject o = unscannedOrder(g, channel);
    g.scan(o);
    return o;
  }

  /** As {@link #order}, its code shown and not scanned. */
  static JsonObject unscannedOrder(TestGateway g, String channel) throws Exception {
    int n = COUNTER.incrementAndGet();
    String id = TestGateway.id("320682", "1970-01-01", 100 + 2 * n);
    var report = g.importCsv("cancel-" + n + ".csv", "region_code,township,village,household,id_number,name,local,guardian_id_number,"
        + "guardian_name,guardian_phone,enrolled_elsewhere\n320682,如城街道,大明社区,CX" + n + "," + id + ",取消" + n + ",true,,,,false\n");
    assertThat(report.imported()).isEqualTo(1);
    JsonObject h = g.lookup(id, "取消" + n);
    JsonObject body = new JsonObject().put("householdRef", h.getJsonObject("household").getString("ref")).put("channel", channel)
        .put("mode", "qr").put("items", new JsonArray().add(new JsonObject().put("memberRef", TestGateway.ref(h, id))
            .put("insurance", "medical").put("year", 2020)));
    HttpResponse<Buffer> r = g.post("/api/v1/orders", body, "Idempotency-Key", UUID.randomUUID().toString());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  static HttpResponse<Buffer> cancel(TestGateway g, JsonObject o) throws Exception {
    return g.post("/api/v1/orders/" + o.getString("id") + "/cancel", new JsonObject());
  }

  static final AtomicInteger COUNTER = new AtomicInteger();

  static int reservations(TestGateway g, JsonObject o) throws Exception {
    try (var c = g.db.connect(); var st = c.createStatement();
        var rs = st.executeQuery("select count(*) from reservation where order_id = '" + o.getString("id") + "'")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"wechat", "alipay"})
  void aCancelledOrdersCodeCanNoLongerBePaid(String channel) throws Exception {
    JsonObject o = order(g, channel);
    HttpResponse<Buffer> r = cancel(g, o);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getString("state")).isEqualTo("CANCELLED");
    assertThat(reservations(g, o)).isZero();
    // closed at the channel before the items were free: the resident's scan of the old code fails
    assertThat(g.gateway.channels().get(channel).query(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture()
        .get(20, TimeUnit.SECONDS).state()).isEqualTo(PaymentChannel.Trade.State.CLOSED);
    var paid = g.gateway.demo().sandbox().pay(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture()
        .handle((x, e) -> e).get(20, TimeUnit.SECONDS);
    assertThat(paid).as("paying a closed trade").isNotNull();
    // cancelling again (an answer lost on the way, the kiosk asks once more): what it asks for is done, nothing changes
    HttpResponse<Buffer> again = cancel(g, o);
    assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(200);
    assertThat(again.bodyAsJsonObject().getString("state")).isEqualTo("CANCELLED");
    assertThat(reservations(g, o)).isZero();
  }

  /**
   * Alipay opens a QR code's trade only when the code is scanned: a code nobody has scanned has no trade to close, and
   * can still be scanned and paid until its time_expire, the order's end. Its cancel is refused (409 code-still-payable,
   * with until when) and its items stay held, so no second order can be paid beside it; a payment made then is the
   * order's one. A code nobody scans expires at the order's end, its items free.
   */
  @org.junit.jupiter.api.Test
  void anAlipayCodeNobodyHasScannedIsNotVoidedButStaysPayableUntilTheOrdersEnd() throws Exception {
    JsonObject o = unscannedOrder(g, "alipay");
    HttpResponse<Buffer> r = cancel(g, o);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(409);
    JsonObject p = r.bodyAsJsonObject();
    assertThat(p.getString("type")).endsWith("/code-still-payable");
    assertThat(p.getString("state")).isEqualTo("PAYING");
    assertThat(p.getString("payableUntil")).isEqualTo(o.getString("expiresAt"));
    assertThat(p.getString("detail")).contains("以前仍然可以付款").doesNotContainPattern("[A-Za-z]");
    assertThat(reservations(g, o)).as("its items held while its code can be paid").isEqualTo(1);
    // the resident scans it and pays after all: the order's one payment, nothing to give back
    g.gateway.demo().sandbox().pay(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    g.awaitState(o.getString("id"), "PAID");
    assertThat(g.count("select count(*) from refund where order_id = '" + o.getString("id") + "'")).isZero();

    // a code nobody scans: at the order's end it expires, and its items are free
    JsonObject never = unscannedOrder(g, "alipay");
    g.clock.advance(java.time.Duration.ofMinutes(16));
    g.awaitState(never.getString("id"), "EXPIRED");
    assertThat(reservations(g, never)).isZero();
    var paid = g.gateway.demo().sandbox().pay(never.getString("outTradeNo")).toCompletionStage().toCompletableFuture()
        .handle((x, e) -> e).get(20, TimeUnit.SECONDS);
    assertThat(paid).as("paying the code past its time_expire").isNotNull();
  }

  /**
   * A code's time at the channel ends 30 s before its order does: the channel stops by its own clock and the order ends
   * by ours, so a code nobody scanned is never paid after its items were freed, the clocks a little apart.
   */
  @ParameterizedTest
  @ValueSource(strings = {"alipay", "unionpay"})
  void aCodeStopsTakingPaymentBeforeItsOrderEnds(String channel) throws Exception {
    JsonObject o = unscannedOrder(g, channel);
    g.clock.advance(java.time.Duration.ofMinutes(15).minusSeconds(20)); // 20 s before the order's end
    var paid = g.gateway.demo().sandbox().pay(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture()
        .handle((x, e) -> e).get(20, TimeUnit.SECONDS);
    assertThat(paid).as("paying the code in its order's last 30 s").isNotNull();
    assertThat(paid.getMessage()).contains("past its payTimeout");
    assertThat(g.get("/api/v1/orders/" + o.getString("id")).bodyAsJsonObject().getString("state")).isEqualTo("PAYING");
  }

  /** An order that ended another way (its time ran out) is not cancelled: refused, in the resident's words. */
  @org.junit.jupiter.api.Test
  void anOrderThatExpiredIsNotCancelledAndSaysWhyInChinese() throws Exception {
    JsonObject o = order(g, "wechat");
    try (var c = g.db.connect(); var st = c.createStatement()) {
      st.execute("update orders set state = 'EXPIRED' where id = '" + o.getString("id") + "'");
    }
    HttpResponse<Buffer> r = cancel(g, o);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(409);
    assertThat(r.bodyAsJsonObject().getString("state")).isEqualTo("EXPIRED");
    // in the resident's words, the state's code left to the field for programs
    assertThat(r.bodyAsJsonObject().getString("detail")).isEqualTo("这笔订单已超过支付时间，不能取消。").doesNotContainPattern("[A-Za-z]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"wechat", "alipay"})
  void anOrderTheChannelSaysIsPaidBecomesPaidNotCancelled(String channel) throws Exception {
    JsonObject o = order(g, channel);
    // the resident paid, and the notification has not arrived (it never will here)
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, true, 0, false));
    g.gateway.demo().sandbox().pay(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    HttpResponse<Buffer> r = cancel(g, o);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(409);
    assertThat(r.bodyAsJsonObject().getString("state")).isEqualTo("PAID");
    assertThat(r.bodyAsJsonObject().getString("title")).isEqualTo("订单不能取消");
    JsonObject now = g.get("/api/v1/orders/" + o.getString("id")).bodyAsJsonObject();
    assertThat(now.getString("state")).isEqualTo("PAID");
    assertThat(now.getString("transactionId")).isNotBlank();
    try (var c = g.db.connect(); var st = c.createStatement();
        var rs = st.executeQuery("select count(*) filter (where paid), (select count(*) from refund where order_id = '"
            + o.getString("id") + "') from reservation where order_id = '" + o.getString("id") + "'")) {
      rs.next();
      assertThat(rs.getInt(1)).as("the item stays paid").isEqualTo(1);
      assertThat(rs.getInt(2)).as("nothing to refund").isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"wechat", "alipay"})
  void whileTheChannelCannotBeReachedNothingChanges(String channel) throws Exception {
    JsonObject o = order(g, channel);
    g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, false, 1000, false));
    HttpResponse<Buffer> r = cancel(g, o);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(503);
    assertThat(r.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(r.bodyAsJsonObject().getString("title")).contains("稍后再试");
    assertThat(g.get("/api/v1/orders/" + o.getString("id")).bodyAsJsonObject().getString("state")).isEqualTo("PAYING");
    assertThat(reservations(g, o)).isEqualTo(1);
    g.gateway.demo().sandbox().faults(SandboxFaults.NONE);
    assertThat(cancel(g, o).bodyAsJsonObject().getString("state")).isEqualTo("CANCELLED");
    assertThat(reservations(g, o)).isZero();
  }
}
