package cn.liangxian.gateway.order;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.fault.HeldCall;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A kiosk sends its order again (its first request timed out on its side) while the channel is still making the
 * first one's QR code: it is told to try again shortly, never handed an order with nothing to scan. An order whose
 * instance stopped while making it is given up after {@link Orders#PREPARE_AT_MOST}: the repeat gets a new order,
 * and another order for the same members is taken, instead of both being turned away until it would have expired.
 */
class RepeatWhilePrepayingTest {
  @Test
  void aRepeatWhileTheChannelIsStillPreparingThePaymentIsARetryableConflictNotAnOrderWithoutIt() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway())) {
      JsonObject body = TestGateway.unpaidMedicalOrder(g.lookup(Fixture.ZHANG, "张三"), "wechat", "qr");
      String key = UUID.randomUUID().toString();
      String bearer = g.bearer("repeating-kiosk");
      HeldCall prepay = g.gateway.demo().sandbox().holdNext("POST /v3/pay/transactions/native");
      try {
        CompletableFuture<HttpResponse<Buffer>> first = order(g, body, key, bearer);
        prepay.arrived().get(30, TimeUnit.SECONDS);

        HttpResponse<Buffer> repeat = g.post("/api/v1/orders", body, "Idempotency-Key", key, "Authorization", bearer);
        assertThat(repeat.statusCode()).as(repeat.bodyAsString()).isEqualTo(409);
        assertThat(repeat.getHeader("Content-Type")).startsWith("application/problem+json");
        assertThat(repeat.getHeader("Retry-After")).isNotBlank();
        assertThat(repeat.bodyAsJsonObject().getString("type")).endsWith("/order-being-prepared");

        prepay.release();
        HttpResponse<Buffer> made = first.get(30, TimeUnit.SECONDS);
        assertThat(made.statusCode()).as(made.bodyAsString()).isEqualTo(201);
        assertThat(made.bodyAsJsonObject().getJsonObject("payment").getString("codeUrl")).isNotBlank();
        HttpResponse<Buffer> again = g.post("/api/v1/orders", body, "Idempotency-Key", key, "Authorization", bearer);
        assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(200);
        assertThat(again.bodyAsJsonObject().getString("id")).isEqualTo(made.bodyAsJsonObject().getString("id"));
        assertThat(again.bodyAsJsonObject().getJsonObject("payment")).isEqualTo(made.bodyAsJsonObject().getJsonObject("payment"));
      } finally {
        prepay.release();
      }
    }
  }

  /** The instance making the order "stops": its call to the channel is held, and the clock passes the time it may take. */
  @Test
  void anOrderLeftWithoutItsPaymentIsGivenUpAndTheRepeatGetsANewOne() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway())) {
      JsonObject body = TestGateway.unpaidMedicalOrder(g.lookup(Fixture.ZHANG, "张三"), "wechat", "qr");
      String key = UUID.randomUUID().toString();
      String bearer = g.bearer("repeating-kiosk");
      HeldCall prepay = g.gateway.demo().sandbox().holdNext("POST /v3/pay/transactions/native");
      try {
        CompletableFuture<HttpResponse<Buffer>> first = order(g, body, key, bearer);
        prepay.arrived().get(30, TimeUnit.SECONDS);
        String stranded = onlyOrder(g);
        g.clock.advance(Orders.PREPARE_AT_MOST.plusSeconds(1));

        HttpResponse<Buffer> repeat = g.post("/api/v1/orders", body, "Idempotency-Key", key, "Authorization", bearer);
        assertThat(repeat.statusCode()).as(repeat.bodyAsString()).isEqualTo(201);
        assertThat(repeat.bodyAsJsonObject().getString("id")).isNotEqualTo(stranded);
        assertThat(repeat.bodyAsJsonObject().getJsonObject("payment").getString("codeUrl")).isNotBlank();
        HttpResponse<Buffer> old = g.get("/api/v1/orders/" + stranded, "Authorization", bearer);
        assertThat(old.bodyAsJsonObject().getString("state")).isEqualTo("FAILED");
        assertThat(old.bodyAsJsonObject().containsKey("payment")).isFalse();

        // the channel's answer to the first call comes after all: it is not put on the order given up
        prepay.release();
        HttpResponse<Buffer> late = first.get(30, TimeUnit.SECONDS);
        assertThat(late.statusCode()).as(late.bodyAsString()).isEqualTo(503);
        assertThat(late.bodyAsJsonObject().getString("type")).endsWith("/channel-unavailable");
        assertThat(g.get("/api/v1/orders/" + stranded, "Authorization", bearer).bodyAsJsonObject().getString("state"))
            .isEqualTo("FAILED");
        // and the same key still names the new order
        HttpResponse<Buffer> again = g.post("/api/v1/orders", body, "Idempotency-Key", key, "Authorization", bearer);
        assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(200);
        assertThat(again.bodyAsJsonObject().getString("id")).isEqualTo(repeat.bodyAsJsonObject().getString("id"));
        assertThat(g.metrics()).contains("liangxian_order_events_total{channel=\"wechat\",event=\"stranded\",region=\"\"} 1.0");
      } finally {
        prepay.release();
      }
    }
  }

  @Test
  void theSweepFreesAStrandedOrdersMembersForAnotherOrderLongBeforeItWouldExpire() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway())) {
      JsonObject body = TestGateway.unpaidMedicalOrder(g.lookup(Fixture.ZHANG, "张三"), "wechat", "qr");
      HeldCall prepay = g.gateway.demo().sandbox().holdNext("POST /v3/pay/transactions/native");
      try {
        String key = UUID.randomUUID().toString();
        order(g, body, key, g.bearer("kiosk-that-stops"));
        prepay.arrived().get(30, TimeUnit.SECONDS);
        String stranded = onlyOrder(g);
        String phone = g.bearer("phone");
        HttpResponse<Buffer> meanwhile = g.post("/api/v1/orders", body, "Idempotency-Key", UUID.randomUUID().toString(),
            "Authorization", phone);
        assertThat(meanwhile.statusCode()).as(meanwhile.bodyAsString()).isEqualTo(409);
        assertThat(meanwhile.bodyAsJsonObject().getString("type")).endsWith("/being-paid-elsewhere");

        g.clock.advance(Orders.PREPARE_AT_MOST.plusSeconds(1)); // the expiry, 15 minutes, is far off still
        Eventually.until("the sweep to give the stranded order up", () -> scalar(g, "select state from orders where id = '"
            + stranded + "'"), "FAILED"::equals);
        HttpResponse<Buffer> taken = g.post("/api/v1/orders", body, "Idempotency-Key", UUID.randomUUID().toString(),
            "Authorization", phone);
        assertThat(taken.statusCode()).as(taken.bodyAsString()).isEqualTo(201);
        assertThat(taken.bodyAsJsonObject().getJsonObject("payment").getString("codeUrl")).isNotBlank();
        // the kiosk, restarted, asks what became of its request: the order given up, not "none" (which would have it
        // send the request again, for a new order only to cancel it)
        HttpResponse<Buffer> asked = g.get("/api/v1/orders?idempotencyKey=" + key, "Authorization", g.bearer("kiosk-that-stops"));
        assertThat(asked.statusCode()).as(asked.bodyAsString()).isEqualTo(200);
        assertThat(asked.bodyAsJsonObject().getString("id")).isEqualTo(stranded);
        assertThat(asked.bodyAsJsonObject().getString("state")).isEqualTo("FAILED");
      } finally {
        prepay.release();
      }
    }
  }

  /**
   * The repeat reads its key while the order is still paying, and the order is given up (by the sweep of another
   * instance) before the repeat reads the order itself: the key is free by then, and the repeat makes the order
   * again rather than answering with the order given up. The order's table is held locked to stop the repeat
   * between its two reads.
   */
  @Test
  void anOrderGivenUpBetweenTheRepeatsTwoReadsIsMadeAgain() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway())) {
      JsonObject body = TestGateway.unpaidMedicalOrder(g.lookup(Fixture.ZHANG, "张三"), "wechat", "qr");
      String key = UUID.randomUUID().toString();
      String bearer = g.bearer("repeating-kiosk");
      HeldCall prepay = g.gateway.demo().sandbox().holdNext("POST /v3/pay/transactions/native");
      try {
        CompletableFuture<HttpResponse<Buffer>> first = order(g, body, key, bearer);
        prepay.arrived().get(30, TimeUnit.SECONDS);
        String stranded = onlyOrder(g);

        CompletableFuture<HttpResponse<Buffer>> repeat;
        try (Connection sweep = g.db.connect(); Statement st = sweep.createStatement()) {
          sweep.setAutoCommit(false);
          st.execute("lock table orders in access exclusive mode");
          // what the sweep's give-up does (OrderStore.failStranded), not committed yet: the key is still the order's to read
          String id = "'" + stranded + "'";
          assertThat(st.executeUpdate(OrderStore.FAIL_STRANDED.replace("$1", id).replace("$2", "'infinity'::timestamptz")))
              .isEqualTo(1);
          st.executeUpdate(OrderStore.RELEASE.replace("$1", id));
          st.executeUpdate(OrderStore.FORGET_KEY.replace("$1", id));
          repeat = order(g, body, key, bearer);
          Eventually.until("the repeat to have read its key and wait to read the order", () -> waitingOnOrders(g) > 0);
          sweep.commit();
        }

        HttpResponse<Buffer> made = repeat.get(30, TimeUnit.SECONDS);
        assertThat(made.statusCode()).as(made.bodyAsString()).isEqualTo(201);
        assertThat(made.bodyAsJsonObject().getString("id")).isNotEqualTo(stranded);
        assertThat(made.bodyAsJsonObject().getJsonObject("payment").getString("codeUrl")).isNotBlank();

        prepay.release();
        assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(503);
        HttpResponse<Buffer> again = g.post("/api/v1/orders", body, "Idempotency-Key", key, "Authorization", bearer);
        assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(200);
        assertThat(again.bodyAsJsonObject().getString("id")).isEqualTo(made.bodyAsJsonObject().getString("id"));
      } finally {
        prepay.release();
      }
    }
  }

  /**
   * The channel made the payment, and the database would not record it (as one failing over would not): whether it was
   * recorded is not known, so the order is neither failed nor its key freed. The first answer says so (not "nothing was
   * charged"); the repeat with the key is told the order is being prepared, and once it has been left longer than
   * {@link Orders#PREPARE_AT_MOST} it gets a new order.
   */
  @Test
  void aPaymentMadeButNotRecordedLeavesTheOrderToTheRepeatNeitherFailedNorItsKeyFreed() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway())) {
      JsonObject body = TestGateway.unpaidMedicalOrder(g.lookup(Fixture.ZHANG, "张三"), "wechat", "qr");
      String key = UUID.randomUUID().toString();
      String bearer = g.bearer("repeating-kiosk");
      try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
        st.execute("create function refuse_payment() returns trigger language plpgsql as $$ begin"
            + " raise exception 'the database went away'; end $$");
        st.execute("create trigger refuse_payment before update of payment on orders for each row"
            + " when (new.payment is not null) execute function refuse_payment()");
      }
      HttpResponse<Buffer> first = g.post("/api/v1/orders", body, "Idempotency-Key", key, "Authorization", bearer);
      assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(503);
      assertThat(first.bodyAsJsonObject().getString("type")).endsWith("/order-not-confirmed");
      assertThat(first.bodyAsString()).doesNotContain("nothing was charged", "没有扣款");
      String made = onlyOrder(g);
      assertThat(scalar(g, "select state from orders where id = '" + made + "'")).isEqualTo("PAYING");
      assertThat(g.count("select count(*) from idempotency_key where order_id = '" + made + "' and freed_at is null")).isEqualTo(1);
      assertThat(g.count("select count(*) from reservation where order_id = '" + made + "'")).as("its items still held")
          .isEqualTo(body.getJsonArray("items").size());

      try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
        st.execute("drop trigger refuse_payment on orders");
      }
      HttpResponse<Buffer> repeat = g.post("/api/v1/orders", body, "Idempotency-Key", key, "Authorization", bearer);
      assertThat(repeat.statusCode()).as(repeat.bodyAsString()).isEqualTo(409);
      assertThat(repeat.bodyAsJsonObject().getString("type")).endsWith("/order-being-prepared");

      g.clock.advance(Orders.PREPARE_AT_MOST.plusSeconds(1));
      HttpResponse<Buffer> again = g.post("/api/v1/orders", body, "Idempotency-Key", key, "Authorization", bearer);
      assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(201);
      assertThat(again.bodyAsJsonObject().getString("id")).isNotEqualTo(made);
      assertThat(again.bodyAsJsonObject().getJsonObject("payment").getString("codeUrl")).isNotBlank();
      assertThat(scalar(g, "select state from orders where id = '" + made + "'")).isEqualTo("FAILED");
    }
  }

  /** Sessions waiting for a lock while reading an order as the API shows it. */
  private static long waitingOnOrders(TestGateway g) throws Exception {
    return g.count("select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%from orders o join region r on r.code = o.region_code where o.id = $1'");
  }

  /** The order, sent from another thread: its answer waits for the channel's. */
  private static CompletableFuture<HttpResponse<Buffer>> order(TestGateway g, JsonObject body, String key, String bearer) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return g.post("/api/v1/orders", body, "Idempotency-Key", key, "Authorization", bearer);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private static String onlyOrder(TestGateway g) throws Exception {
    return scalar(g, "select id::text from orders");
  }

  private static String scalar(TestGateway g, String sql) throws Exception {
    try (Connection c = g.db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      assertThat(rs.next()).as(sql).isTrue();
      return rs.getString(1);
    }
  }
}
