package cn.liangxian.gateway.payment;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Anonymous posts to the callback routes cannot fill the disk: refused ones keep a bounded digest, a flood keeps less. */
class CallbackLogBoundsTest {
  TestGateway g;
  @org.junit.jupiter.api.io.TempDir
  Path dir;

  @BeforeEach
  void start() throws Exception {
    g = Fixture.load(new TestGateway());
  }

  @AfterEach
  void stop() throws Exception {
    g.close();
  }

  long one(String sql) throws Exception {
    return g.count(sql);
  }

  @Test
  void forgedCallbacksKeepABoundedDigestAndAFloodKeepsNoMore() throws Exception {
    String big = "{\"id\":\"" + "x".repeat(60_000) + "\"}";
    for (int i = 0; i < 60; i++) {
      var r = g.http.post("/api/v1/callbacks/wechatpay").putHeader("Content-Type", "application/json")
          .putHeader("Wechatpay-Serial", "forged-" + "s".repeat(2000)).sendBuffer(Buffer.buffer(big))
          .toCompletionStage().toCompletableFuture().get();
      assertThat(r.statusCode()).isEqualTo(401);
    }
    long kept = one("select count(*) from callback_log where not verified");
    assertThat(kept).isPositive().isLessThanOrEqualTo(30);
    // the first 1,024 bytes, sealed: a nonce and a tag more
    assertThat(one("select max(length(body)) from callback_log where not verified")).isLessThanOrEqualTo(1024 + SEAL_OVERHEAD);
    assertThat(one("select count(*) from callback_log where not sealed")).isZero();
    assertThat(one("select min(body_bytes) from callback_log where not verified")).isEqualTo(big.length());
    assertThat(one("select count(*) from callback_log where not verified and length(body_sha256) = 32")).isEqualTo(kept);
    assertThat(one("select max(length(headers::text)) from callback_log where not verified")).isLessThan(1024);

    // a real notification keeps its raw body in full: it is what the signature covers
    JsonObject o = paidOrder();
    assertThat(one("select count(*) from callback_log where verified and sealed and length(body) = body_bytes + " + SEAL_OVERHEAD
        + " and body_bytes > 100")).isEqualTo(1);
  }

  /** 陈一's medical insurance of 2020 ordered and paid through the sandbox's WeChat Pay, its notification applied. */
  private JsonObject paidOrder() throws Exception {
    JsonObject h = g.lookup(Fixture.CHEN, "陈一");
    JsonObject o = g.post("/api/v1/orders", new JsonObject().put("householdRef", h.getJsonObject("household").getString("ref"))
        .put("channel", "wechat").put("mode", "qr").put("items", new JsonArray().add(new JsonObject()
            .put("memberRef", h.getJsonArray("members").getJsonObject(0).getString("ref")).put("insurance", "medical")
            .put("year", 2020))), "Idempotency-Key", UUID.randomUUID().toString()).bodyAsJsonObject();
    g.gateway.demo().sandbox().pay(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get();
    g.awaitNotified(o.getString("outTradeNo"), 1);
    return o;
  }

  /** SM4-GCM's nonce and tag around a sealed body. */
  static final int SEAL_OVERHEAD = 12 + 16;

  /**
   * What a channel says names the payer (Alipay's buyer_id, UnionPay's accNo): a notification is kept sealed, and opens
   * for a dispute by its order with the deployment's key, through the command line as through the class.
   */
  @Test
  void aNotificationIsKeptSealedAndOpensForADisputeByItsOrder() throws Exception {
    JsonObject o = paidOrder();
    try (Connection c = g.db.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select body from callback_log where order_id = '" + o.getString("id") + "'")) {
      assertThat(rs.next()).isTrue();
      assertThat(new String(rs.getBytes(1), StandardCharsets.ISO_8859_1)).doesNotContain("TRANSACTION.SUCCESS", "event_type");
    }
    List<String> shown = CallbackLog.show(g.db, g.gateway.cipher(), o.getString("id"));
    assertThat(shown).singleElement().asString()
        .startsWith("callback ").contains(": wechat, verified, outcome paid, order " + o.getString("id"))
        .contains("received 2019-12-15T10:", "+08:00", "Wechatpay-Serial", "sealed at rest", "\"event_type\":\"TRANSACTION.SUCCESS\"");

    // the command an operator runs, on the deployment's database with its key folder
    Map<String, String> env = g.commandEnv(dir, Map.of());
    cn.liangxian.gateway.MainAccess.Ran ran = cn.liangxian.gateway.MainAccess.captured(env, "callback", "show", o.getString("id"));
    assertThat(ran.status()).as(ran.err()).isZero();
    assertThat(ran.out().strip()).as("beside the log's lines").contains(shown.get(0));
  }

  /** Rows an earlier version kept in clear are sealed by the sweep, a batch at a time, and still open as they were. */
  @Test
  void rowsKeptInClearBeforeAreSealedByTheSweepAndStillOpen() throws Exception {
    String alipay = "notify_type=trade_status_sync&buyer_id=2088102122524333&buyer_logon_id=159****5620&trade_status=TRADE_SUCCESS";
    try (Connection c = g.db.connect(); java.sql.PreparedStatement st = c.prepareStatement("insert into callback_log"
        + " (channel, verified, outcome, headers, body, body_bytes, received_at) select 'alipay', true, 'paid', '{}', ?, ?,"
        + " '2019-12-14T00:00:00Z' from generate_series(1, ?)")) {
      st.setBytes(1, alipay.getBytes(StandardCharsets.UTF_8));
      st.setInt(2, alipay.length());
      st.setInt(3, CallbackLog.SEAL_BATCH + 5); // more than one sweep's batch
      st.executeUpdate();
    }
    Eventually.until("the sweeper to seal the rows kept in clear", () -> one("select count(*) from callback_log where not sealed") == 0);
    assertThat(one("select count(*) from callback_log where channel = 'alipay' and length(body) = body_bytes + " + SEAL_OVERHEAD))
        .isEqualTo(CallbackLog.SEAL_BATCH + 5);
    assertThat(one("select count(*) from callback_log where position('2088102122524333'::bytea in body) > 0")).isZero();
    long first = one("select min(id) from callback_log where channel = 'alipay'");
    assertThat(CallbackLog.show(g.db, g.gateway.cipher(), Long.toString(first))).singleElement().asString()
        .contains("alipay, verified, outcome paid", "sealed at rest").endsWith(alipay);

    // a key that is not the deployment's opens nothing, and says which key to give
    cn.liangxian.gateway.privacy.PersonalDataCipher other = new cn.liangxian.gateway.privacy.PersonalDataCipher(new byte[16], new byte[32]);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> CallbackLog.show(g.db, other, Long.toString(first)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("GATEWAY_ID_SM4_KEY").hasMessageNotContaining("2088");
    assertThat(CallbackLog.show(g.db, g.gateway.cipher(), "999999999")).isEmpty();
  }

  /** The balancer spreads a forger's posts over every instance: what they keep together is one instance's bound. */
  @Test
  void aFloodSpreadOverTwoInstancesKeepsNoMoreThanOneWould() throws Exception {
    try (TestGateway beside = TestGateway.beside(g)) {
      for (TestGateway at : java.util.List.of(g, beside)) {
        for (int i = 0; i < 40; i++) {
          var r = at.http.post("/api/v1/callbacks/wechatpay").putHeader("Content-Type", "application/json")
              .sendBuffer(Buffer.buffer("{\"id\":\"forged-" + i + "\"}")).toCompletionStage().toCompletableFuture().get();
          assertThat(r.statusCode()).isEqualTo(401);
        }
      }
      // the clock stands still: each instance's own filter lets 30 through, the database keeps the first 30 of them
      assertThat(one("select count(*) from callback_log where not verified")).isEqualTo(30);
    }
  }

  @Test
  void refusedCallbacksGoAfterAWeekAndVerifiedOnesStay() throws Exception {
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      st.executeUpdate("insert into callback_log (channel, verified, outcome, headers, body, received_at) values"
          + " ('wechat', false, 'bad_signature', '{}', '\\x00', '2019-12-01T00:00:00Z'),"
          + " ('wechat', true, 'paid', '{}', '\\x00', '2019-12-01T00:00:00Z'),"
          + " ('wechat', false, 'bad_signature', '{}', '\\x00', '2019-12-14T00:00:00Z')");
    }
    // the test clock is 2019-12-15: the first row is two weeks old, the last a day
    Eventually.until("the sweeper to remove the old refused callback",
        () -> one("select count(*) from callback_log where not verified and received_at < '2019-12-08'") == 0);
    assertThat(one("select count(*) from callback_log where verified")).isEqualTo(1);
    assertThat(one("select count(*) from callback_log where not verified")).isEqualTo(1);
  }

  /** A notification delivered again is kept once, and its row says paid once any delivery booked the payment. */
  @Test
  void aRepeatedNotificationsRowSaysPaidOnceAnyDeliveryBookedIt() throws Exception {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      io.vertx.sqlclient.Pool pool = io.vertx.pgclient.PgBuilder.pool().connectingTo(g.db.connectOptions(1)).using(vertx).build();
      CallbackLog log = new CallbackLog(vertx, g.gateway.cipher(), pool, g.clock, new cn.liangxian.gateway.http.RateLimiter(60, 60, g.clock),
          new cn.liangxian.gateway.http.SharedRateLimiter(pool, "refused-callback", 60, 60, g.clock));
      byte[] body = "{\"id\":\"EV-1\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      for (String outcome : new String[] {"unknown_order", "paid", "duplicate"}) {
        log.store("ip:127.0.0.1", "wechat", true, outcome, null, new JsonObject(), body).toCompletionStage().toCompletableFuture()
            .get(20, java.util.concurrent.TimeUnit.SECONDS);
      }
      assertThat(one("select count(*) from callback_log where verified and body_bytes = " + body.length)).isEqualTo(1);
      try (Connection c = g.db.connect(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("select body from callback_log where verified and body_bytes = " + body.length)) {
        assertThat(rs.next()).isTrue();
        assertThat(g.gateway.cipher().open(rs.getBytes(1), CallbackLog.PURPOSE)).as("the body as it came, sealed").isEqualTo(body);
      }
      try (Connection c = g.db.connect(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("select outcome, repeats from callback_log where verified and body_bytes = " + body.length)) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("paid");
        assertThat(rs.getLong(2)).isEqualTo(2);
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
