package cn.liangxian.gateway.payment;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.ChannelSandbox;
import cn.liangxian.sandbox.fault.SandboxFaults;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A genuine notification posted again and again, by the channel that re-delivers it or by whoever has seen it:
 * every copy is answered with the success the channel expects, the payment is booked once, and the callback log
 * keeps one row for it, which counts the repeats, instead of a full row per copy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallbackReplayTest {
  static final int REPLAYS = 30;

  TestGateway g;
  ChannelSandbox sandbox;

  @BeforeAll
  void start() throws Exception {
    g = Fixture.load(new TestGateway());
    sandbox = g.gateway.demo().sandbox();
  }

  @AfterEach
  void noFaults() {
    sandbox.faults(SandboxFaults.NONE);
  }

  @AfterAll
  void stop() throws Exception {
    g.close();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  JsonObject order(String id, String name, String channel) throws Exception {
    HttpResponse<Buffer> r = g.orderUnpaidMedical(g.lookup(id, name), channel, "qr");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  long rows(String channel) throws Exception {
    return g.count("select count(*) from callback_log where channel = '" + channel + "'");
  }

  long rowsOf(JsonObject order) throws Exception {
    return g.count("select count(*) from callback_log where order_id = '" + order.getString("id") + "'");
  }

  long repeatsOf(JsonObject order) throws Exception {
    return g.count("select sum(repeats) from callback_log where order_id = '" + order.getString("id") + "'");
  }

  long paymentsOf(JsonObject order) throws Exception {
    return g.count("select count(*) from payment where order_id = '" + order.getString("id") + "'");
  }

  long bookedFen(JsonObject order) throws Exception {
    return g.count("select coalesce(sum(amount_fen), 0) from payment where order_id = '" + order.getString("id") + "'");
  }

  String outcomeOf(JsonObject order) throws Exception {
    try (var c = g.db.connect(); var st = c.createStatement();
        var rs = st.executeQuery("select outcome from callback_log where order_id = '" + order.getString("id") + "'")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** The very same request (headers, nonce, signature and body), as anyone who has seen it may post it. */
  HttpResponse<Buffer> post(JsonObject signed) throws Exception {
    return post(g, signed);
  }

  /** As above, to the gateway {@code g}. */
  static HttpResponse<Buffer> post(TestGateway g, JsonObject signed) throws Exception {
    var req = g.http.post("/api/v1/callbacks/wechatpay");
    signed.getJsonObject("headers").forEach(e -> req.putHeader(e.getKey(), String.valueOf(e.getValue())));
    return await(req.sendBuffer(Buffer.buffer(signed.getString("body"))));
  }

  @Test
  void theSameWechatRequestReplayedIsAnsweredWithSuccessBookedOnceAndCountedOnOneRow() throws Exception {
    sandbox.faults(new SandboxFaults(0, 0, true, 0, false)); // the resident pays; the test posts the notification
    JsonObject order = order(Fixture.CHEN, "陈一", "wechat");
    await(sandbox.pay(order.getString("outTradeNo")));
    JsonObject signed = await(sandbox.signedWechat("1900000001", await(sandbox.transactionOf(order.getString("outTradeNo")))));
    long before = rows("wechat");

    assertThat(post(signed).statusCode()).isEqualTo(204);
    assertThat(g.awaitState(order.getString("id"), "PAID").getString("state")).isEqualTo("PAID");
    assertThat(rows("wechat")).isEqualTo(before + 1);
    for (int i = 0; i < REPLAYS; i++) {
      HttpResponse<Buffer> r = post(signed);
      assertThat(r.statusCode()).as("replay %d: %s", i, r.bodyAsString()).isEqualTo(204);
    }

    assertThat(rows("wechat")).isEqualTo(before + 1);
    assertThat(repeatsOf(order)).isEqualTo(REPLAYS);
    assertThat(g.count("select count(*) from callback_log where order_id = '" + order.getString("id")
        + "' and last_seen_at >= received_at")).isEqualTo(1);
    assertBookedOnce(order);
  }

  @Test
  void wechatsOwnRedeliveriesOfOneNotificationKeepOneRow() throws Exception {
    // WeChat Pay signs each delivery anew (its own timestamp and nonce) over the same body; here all at once
    sandbox.faults(new SandboxFaults(0, REPLAYS - 1, false, 0, false));
    JsonObject order = order(Fixture.LIU1, "刘一", "wechat");
    await(sandbox.pay(order.getString("outTradeNo")));

    List<JsonObject> attempts = g.awaitNotified(order.getString("outTradeNo"), REPLAYS);

    assertThat(attempts).hasSize(REPLAYS).allSatisfy(a -> assertThat(a.getInteger("status")).isEqualTo(204));
    assertThat(rowsOf(order)).isEqualTo(1);
    assertThat(repeatsOf(order)).isEqualTo(REPLAYS - 1);
    // whichever delivery was logged first, the kept row says that this notification booked the payment
    assertBookedOnce(order);
  }

  @Test
  void theSameAlipayNotificationPostedAgainAndAgainIsAnsweredSuccessAndKeptOnce() throws Exception {
    // Alipay's notification is signed once: every delivery of it is the very same form, as a replay of it would be
    sandbox.faults(new SandboxFaults(0, REPLAYS - 1, false, 0, false));
    JsonObject order = order(Fixture.ZHANG, "张三", "alipay");
    long before = rows("alipay");
    await(sandbox.pay(order.getString("outTradeNo")));

    List<JsonObject> attempts = g.awaitNotified(order.getString("outTradeNo"), REPLAYS);

    // the sandbox counts a delivery as answered (200) only where the body is the text "success"
    assertThat(attempts).hasSize(REPLAYS).allSatisfy(a -> assertThat(a.getInteger("status")).isEqualTo(200));
    assertThat(rows("alipay")).isEqualTo(before + 1);
    assertThat(rowsOf(order)).isEqualTo(1);
    assertThat(repeatsOf(order)).isEqualTo(REPLAYS - 1);
    assertBookedOnce(order);
    assertThat(g.awaitState(order.getString("id"), "PAID").getString("state")).isEqualTo("PAID");
  }

  /** The kept row says paid, and the order's payment was booked once, for its whole amount. */
  private void assertBookedOnce(JsonObject order) throws Exception {
    assertThat(outcomeOf(order)).isEqualTo("paid");
    assertThat(paymentsOf(order)).isEqualTo(1);
    assertThat(bookedFen(order)).isEqualTo(order.getLong("totalFen"));
  }
}
