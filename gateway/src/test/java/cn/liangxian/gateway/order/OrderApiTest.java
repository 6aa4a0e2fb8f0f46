package cn.liangxian.gateway.order;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import static cn.liangxian.gateway.support.TestGateway.masked;
import static cn.liangxian.gateway.support.TestGateway.ref;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Orders end to end on a real database and the sandbox channels. */
class OrderApiTest {
  TestGateway g;

  @BeforeEach
  void start() throws Exception {
    g = Fixture.load(new TestGateway());
  }

  @AfterEach
  void stop() throws Exception {
    g.close();
  }



  static JsonObject order(JsonObject h, String channel, JsonArray items) {
    return new JsonObject().put("householdRef", h.getJsonObject("household").getString("ref")).put("channel", channel)
        .put("mode", "qr").put("items", items);
  }

  static JsonObject item(String memberRef, String insurance, int year, Integer tier) {
    JsonObject o = new JsonObject().put("memberRef", memberRef).put("insurance", insurance).put("year", year);
    return tier == null ? o : o.put("tier", tier);
  }

  /** 河东 medical must be paid for the whole family: the three who pay (the grandmother is paid for). */
  JsonArray hedongMedical(JsonObject h) {
    return new JsonArray(List.of(item(ref(h, Fixture.ZHANG), "medical", 2020, null), item(ref(h, Fixture.LI), "medical", 2020, null),
        item(ref(h, Fixture.CHILD), "medical", 2020, null)));
  }

  /** An order of the test's resident (the one whose session {@link TestGateway#get} reads orders with). */
  HttpResponse<Buffer> create(JsonObject body, String key) throws Exception {
    return g.post("/api/v1/orders", body, "Idempotency-Key", key);
  }

  /**
   * A household whose region this instance has no book for (its region added on another instance first, while a
   * configuration change rolls through them): its order is answered 503 region-not-served, as its lookup is, and nothing
   * is ordered.
   */
  @Test
  void anOrderForAHouseholdOfARegionNotServedHereIsAnswered503AndChangesNothing() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    try (java.sql.Connection c = g.db.connect(); java.sql.Statement st = c.createStatement()) {
      st.execute("insert into region (code, name, book) values ('999999', '别处', 'elsewhere')");
      st.execute("update village set region_code = '999999' where region_code = '371312'");
    }
    HttpResponse<Buffer> r = create(order(h, "wechat", hedongMedical(h)), "key-unserved");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(503);
    assertThat(r.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(r.bodyAsJsonObject().getString("type")).endsWith("/region-not-served");
    assertThat(g.count("select count(*) from orders")).isZero();
  }

  @Test
  void createPayReceive() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    HttpResponse<Buffer> r = create(order(h, "wechat", hedongMedical(h)), "key-1");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    JsonObject o = r.bodyAsJsonObject();
    assertThat(o.getString("state")).isEqualTo("PAYING");
    assertThat(o.getLong("totalFen")).isEqualTo(3 * 25000);
    assertThat(o.getJsonObject("payment").getString("codeUrl")).startsWith(g.gateway.demo().sandbox().baseUrl());
    assertThat(r.bodyAsString()).doesNotContain(Fixture.ZHANG, "张三");

    // before payment there is no receipt
    assertThat(g.get("/api/v1/orders/" + o.getString("id") + "/receipt").statusCode()).isEqualTo(409);

    g.gateway.demo().sandbox().pay(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get();
    JsonObject paid = g.awaitState(o.getString("id"), "PAID");
    assertThat(paid.getString("transactionId")).isNotBlank();

    JsonObject receipt = g.get("/api/v1/orders/" + o.getString("id") + "/receipt").bodyAsJsonObject();
    assertThat(receipt.getJsonArray("benefitYears")).containsExactly(2020);
    assertThat(receipt.getJsonArray("items")).hasSize(3);
    assertThat(receipt.getLong("totalFen")).isEqualTo(75000);
    assertThat(receipt.encode()).contains(masked(Fixture.ZHANG), "张*").doesNotContain(Fixture.ZHANG, "张三");

    // the household now shows them paid, and they cannot be ordered again
    JsonObject after = g.lookup(Fixture.LI, "李四");
    assertThat(after.encode()).contains("\"status\":\"paid\"");
    HttpResponse<Buffer> again = create(order(after, "alipay", hedongMedical(after)), "key-2");
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.bodyAsJsonObject().getString("type")).endsWith("/already-paid");

    // the channel renotifies for hours: a duplicate changes nothing and is answered with success
    g.gateway.demo().sandbox().renotify(o.getString("outTradeNo"));
    g.awaitNotified(o.getString("outTradeNo"), 2); // the first and the duplicate, both handled
    try (var c = g.db.connect(); var st = c.createStatement();
        var rs = st.executeQuery("select count(*) from payment where order_id = '" + o.getString("id") + "'")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }
    assertThat(g.gateway.demo().sandbox().deliveries()).allSatisfy(d -> assertThat(d.getInteger("status")).isEqualTo(204));
    // counted once for its region (the duplicate not), for the progress dashboard's throughput by region
    assertThat(g.metrics()).contains("liangxian_region_payments_total{region=\"371312\"} 1.0",
        "liangxian_region_paid_fen_total{region=\"371312\"} 75000.0");
  }

  @Test
  void theSameKeyAndBodyIsTheSameOrderAnotherBodyIs422() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    JsonObject body = order(h, "alipay", hedongMedical(h));
    HttpResponse<Buffer> first = create(body, "retry-me");
    HttpResponse<Buffer> second = create(body, "retry-me");
    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.bodyAsJsonObject().getString("id")).isEqualTo(first.bodyAsJsonObject().getString("id"));

    JsonObject other = order(h, "wechat", hedongMedical(h));
    HttpResponse<Buffer> reused = create(other, "retry-me");
    assertThat(reused.statusCode()).isEqualTo(422);
    assertThat(reused.bodyAsJsonObject().getString("type")).endsWith("/idempotency-key-reused");

    HttpResponse<Buffer> noKey = g.post("/api/v1/orders", body);
    assertThat(noKey.statusCode()).isEqualTo(400);
    assertThat(noKey.bodyAsJsonObject().getString("type")).endsWith("/idempotency-key-required");
  }

  /** A caller that lost the answer to its create finds the order by its key, and nothing is made by asking. */
  @Test
  void anOrderIsFoundByItsKeyByTheCallerWhoMadeItOnly() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    HttpResponse<Buffer> made = create(order(h, "alipay", hedongMedical(h)), "lost-answer");
    assertThat(made.statusCode()).as(made.bodyAsString()).isEqualTo(201);
    long orders = g.count("select count(*) from orders");

    HttpResponse<Buffer> found = g.get("/api/v1/orders?idempotencyKey=lost-answer");
    assertThat(found.statusCode()).as(found.bodyAsString()).isEqualTo(200);
    assertThat(found.bodyAsJsonObject().getString("id")).isEqualTo(made.bodyAsJsonObject().getString("id"));
    assertThat(found.bodyAsJsonObject().getString("state")).isEqualTo("PAYING");

    // another caller's key, or a key that made nothing: the same 404, in the resident's words
    HttpResponse<Buffer> other = g.get("/api/v1/orders?idempotencyKey=lost-answer", "Authorization", g.bearer("someone-else"));
    HttpResponse<Buffer> none = g.get("/api/v1/orders?idempotencyKey=never-sent");
    for (HttpResponse<Buffer> r : List.of(other, none)) {
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(404);
      assertThat(r.getHeader("Content-Type")).startsWith("application/problem+json");
      assertThat(r.bodyAsJsonObject().getString("type")).endsWith("/order-not-found");
      assertThat(r.bodyAsJsonObject().getString("title")).isEqualTo("没有这笔订单");
    }
    HttpResponse<Buffer> noKey = g.get("/api/v1/orders");
    assertThat(noKey.statusCode()).as(noKey.bodyAsString()).isEqualTo(400);
    assertThat(noKey.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(g.get("/api/v1/orders?idempotencyKey=" + "k".repeat(129)).statusCode()).isEqualTo(400);
    assertThat(g.count("select count(*) from orders")).isEqualTo(orders);
  }

  @Test
  void aSecondLiveOrderForTheSameItemsIs409UntilTheFirstIsCancelledOrExpires() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    HttpResponse<Buffer> first = create(order(h, "wechat", hedongMedical(h)), "a");
    assertThat(first.statusCode()).isEqualTo(201);
    HttpResponse<Buffer> phone = create(order(h, "alipay", hedongMedical(h)), "b");
    assertThat(phone.statusCode()).isEqualTo(409);
    assertThat(phone.bodyAsJsonObject().getString("type")).endsWith("/being-paid-elsewhere");
    assertThat(g.lookup(Fixture.LI, "李四").encode()).contains("\"status\":\"in-progress\"");

    HttpResponse<Buffer> cancelled = g.post("/api/v1/orders/" + first.bodyAsJsonObject().getString("id") + "/cancel", new JsonObject());
    assertThat(cancelled.bodyAsJsonObject().getString("state")).isEqualTo("CANCELLED");
    HttpResponse<Buffer> retry = create(order(h, "alipay", hedongMedical(h)), "c");
    assertThat(retry.statusCode()).isEqualTo(201);
    g.scan(retry.bodyAsJsonObject()); // Alipay has the trade once its code is scanned, and it is closed at the end
    // cancelled again (a kiosk asking once more after an answer lost on the way): done already, the order as it is
    HttpResponse<Buffer> again = g.post("/api/v1/orders/" + first.bodyAsJsonObject().getString("id") + "/cancel", new JsonObject());
    assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(200);
    assertThat(again.bodyAsJsonObject().getString("state")).isEqualTo("CANCELLED");
    assertThat(g.lookup(Fixture.LI, "李四").encode()).as("the new order's hold untouched").contains("\"status\":\"in-progress\"");

    // fifteen minutes later the order is closed at the channel, expired, and the items are free again
    g.clock.advance(Duration.ofMinutes(16));
    JsonObject expired = g.awaitState(retry.bodyAsJsonObject().getString("id"), "EXPIRED");
    assertThat(expired.containsKey("payment")).isFalse();
    HttpResponse<Buffer> later = create(order(h, "wechat", hedongMedical(h)), "d");
    assertThat(later.statusCode()).as(later.bodyAsString()).isEqualTo(201);
    // the channel was told first: a resident scanning the old code now cannot pay it
    assertThat(g.gateway.channels().get("alipay").query(retry.bodyAsJsonObject().getString("outTradeNo"))
        .toCompletionStage().toCompletableFuture().get().state()).isEqualTo(cn.liangxian.gateway.channel.PaymentChannel.Trade.State.CLOSED);
  }

  @Test
  void theSweeperExpiresOrdersAndReleasesTheirItems() throws Exception {
    JsonObject h = g.lookup(Fixture.CHEN, "陈一");
    HttpResponse<Buffer> r = create(order(h, "wechat", new JsonArray().add(item(ref(h, Fixture.CHEN), "medical", 2020, null))), "x");
    assertThat(r.statusCode()).isEqualTo(201);
    g.clock.advance(Duration.ofMinutes(15).plusSeconds(1));
    g.awaitState(r.bodyAsJsonObject().getString("id"), "EXPIRED");
    try (var c = g.db.connect(); var st = c.createStatement(); var rs = st.executeQuery("select count(*) from reservation")) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
  }

  @Test
  void theWholeFamilyRuleAndWhatCannotBePaid() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    HttpResponse<Buffer> partial = create(order(h, "wechat", new JsonArray().add(item(ref(h, Fixture.ZHANG), "medical", 2020, null))),
        "w1");
    assertThat(partial.statusCode()).isEqualTo(422);
    assertThat(partial.bodyAsJsonObject().getString("type")).endsWith("/whole-family");
    assertThat(partial.bodyAsJsonObject().getJsonArray("missingMemberRefs")).hasSize(2);

    // pension is per person; the server decides the amounts from the tier
    HttpResponse<Buffer> pension = create(order(h, "wechat", new JsonArray().add(item(ref(h, Fixture.ZHANG), "pension", 2020, 500))),
        "w2");
    assertThat(pension.statusCode()).as(pension.bodyAsString()).isEqualTo(201);
    assertThat(pension.bodyAsJsonObject().getLong("totalFen")).isEqualTo(50000);
    assertThat(pension.bodyAsJsonObject().getJsonArray("items").getJsonObject(0).getLong("subsidyFen")).isEqualTo(6000);

    record Bad(JsonObject item, int status, String slug) {}
    for (Bad b : List.of(
        new Bad(item(ref(h, Fixture.LI), "pension", 2020, 100), 422, "not-payable"),          // 100 is for hardship groups
        new Bad(item(ref(h, Fixture.LI), "pension", 2020, 700), 422, "not-payable"),          // not a tier
        new Bad(item(ref(h, Fixture.LI), "pension", 2021, 300), 422, "wrong-year"),
        new Bad(item(ref(h, Fixture.CHILD), "pension", 2020, 300), 422, "not-payable"),       // under 16
        new Bad(item(ref(h, Fixture.GRANNY), "medical", 2020, null), 422, "paid-by-government"),
        new Bad(item(UUID.randomUUID().toString(), "medical", 2020, null), 422, "unknown-member"),
        new Bad(item("not-a-ref", "medical", 2020, null), 400, "invalid-request"),
        new Bad(item(ref(h, Fixture.LI), "medical", 2020, -5), 400, "invalid-request"),              // medical has no tiers
        new Bad(new JsonObject().put("memberRef", ref(h, Fixture.LI)).put("insurance", "medical").put("year", 2020)
            .put("personalFen", 1), 400, "invalid-request"))) {
      HttpResponse<Buffer> resp = create(order(h, "wechat", new JsonArray().add(b.item())), UUID.randomUUID().toString());
      assertThat(resp.statusCode()).as(b + " " + resp.bodyAsString()).isEqualTo(b.status());
      assertThat(resp.bodyAsJsonObject().getString("type")).endsWith("/" + b.slug());
    }
    HttpResponse<Buffer> badChannel = create(order(h, "bankcard", hedongMedical(h)), "w3");
    assertThat(badChannel.statusCode()).isEqualTo(400);
    HttpResponse<Buffer> noOrder = g.get("/api/v1/orders/" + UUID.randomUUID());
    assertThat(noOrder.statusCode()).isEqualTo(404);
    assertThat(g.get("/api/v1/orders/not-an-id").statusCode()).isEqualTo(404);
  }

  @Test
  void forgedAndMismatchedCallbacksChangeNothingAndAreStored() throws Exception {
    JsonObject h = g.lookup(Fixture.CHEN, "陈一");
    JsonObject o = create(order(h, "wechat", new JsonArray().add(item(ref(h, Fixture.CHEN), "medical", 2020, null))), "f")
        .bodyAsJsonObject();
    HttpResponse<Buffer> forged = g.http.post("/api/v1/callbacks/wechatpay").putHeader("Content-Type", "application/json")
        .putHeader("Wechatpay-Timestamp", Long.toString(g.clock.instant().getEpochSecond()))
        .putHeader("Wechatpay-Nonce", "n").putHeader("Wechatpay-Signature", "Zm9yZ2Vk")
        .putHeader("Wechatpay-Serial", g.gateway.demo().sandbox().wechatSerial())
        .sendBuffer(Buffer.buffer("{\"id\":\"EV-1\",\"event_type\":\"TRANSACTION.SUCCESS\",\"resource\":{}}"))
        .toCompletionStage().toCompletableFuture().get();
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.bodyAsJsonObject().getString("code")).isEqualTo("FAIL");

    HttpResponse<Buffer> alipayForged = g.http.post("/api/v1/callbacks/alipay")
        .putHeader("Content-Type", "application/x-www-form-urlencoded")
        .sendBuffer(Buffer.buffer("notify_time=" + java.net.URLEncoder.encode(java.time.format.DateTimeFormatter
                .ofPattern("yyyy-MM-dd HH:mm:ss").format(g.clock.instant().atZone(java.time.ZoneId.of("Asia/Shanghai"))),
                java.nio.charset.StandardCharsets.UTF_8)
            + "&app_id=2021000000000001&out_trade_no=" + o.getString("outTradeNo")
            + "&trade_status=TRADE_SUCCESS&total_amount=360.00&trade_no=T1&sign_type=RSA2&sign=Zm9yZ2Vk"))
        .toCompletionStage().toCompletableFuture().get();
    assertThat(alipayForged.bodyAsString()).isEqualTo("failure");

    assertThat(g.get("/api/v1/orders/" + o.getString("id")).bodyAsJsonObject().getString("state")).isEqualTo("PAYING");
    try (var c = g.db.connect(); var st = c.createStatement();
        var rs = st.executeQuery("select channel, verified, outcome from callback_log order by id")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("wechat");
      assertThat(rs.getBoolean(2)).isFalse();
      assertThat(rs.getString(3)).isEqualTo("bad_signature");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(3)).isEqualTo("bad_signature");
    }
    assertThat(g.get("/metrics").bodyAsString()).contains("liangxian_callbacks_refused_total");
  }

}
