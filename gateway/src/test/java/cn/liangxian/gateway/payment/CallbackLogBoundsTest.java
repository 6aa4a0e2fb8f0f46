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
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Anonymous posts to the callback routes cannot fill the disk: refused ones keep a bounded digest, a flood keeps less. */
class CallbackLogBoundsTest {
  TestGateway g;

  @BeforeEach
  void start() throws Exception {
    g = Fixture.load(new TestGateway());
  }

  @AfterEach
  void stop() throws Exception {
    g.close();
  }

  long one(String sql) throws Exception {
    try (Connection c = g.db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
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
    assertThat(one("select max(length(body)) from callback_log where not verified")).isLessThanOrEqualTo(1024);
    assertThat(one("select min(body_bytes) from callback_log where not verified")).isEqualTo(big.length());
    assertThat(one("select count(*) from callback_log where not verified and length(body_sha256) = 32")).isEqualTo(kept);
    assertThat(one("select max(length(headers::text)) from callback_log where not verified")).isLessThan(1024);

    // a real notification keeps its raw body in full: it is what the signature covers
    JsonObject h = g.lookup(Fixture.CHEN, "陈一");
    JsonObject o = g.post("/api/v1/orders", new JsonObject().put("householdRef", h.getJsonObject("household").getString("ref"))
        .put("channel", "wechat").put("mode", "qr").put("items", new JsonArray().add(new JsonObject()
            .put("memberRef", h.getJsonArray("members").getJsonObject(0).getString("ref")).put("insurance", "medical")
            .put("year", 2020))), "Idempotency-Key", UUID.randomUUID().toString()).bodyAsJsonObject();
    g.gateway.demo().sandbox().pay(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get();
    g.awaitNotified(o.getString("outTradeNo"), 1);
    assertThat(one("select count(*) from callback_log where verified and length(body) = body_bytes and body_bytes > 100")).isEqualTo(1);
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
      CallbackLog log = new CallbackLog(pool, g.clock, new cn.liangxian.gateway.http.RateLimiter(60, 60, g.clock),
          new cn.liangxian.gateway.http.SharedRateLimiter(pool, "refused-callback", 60, 60, g.clock));
      byte[] body = "{\"id\":\"EV-1\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      for (String outcome : new String[] {"unknown_order", "paid", "duplicate"}) {
        log.store("ip:127.0.0.1", "wechat", true, outcome, null, new JsonObject(), body).toCompletionStage().toCompletableFuture()
            .get(20, java.util.concurrent.TimeUnit.SECONDS);
      }
      assertThat(one("select count(*) from callback_log where verified and body = '\\x7b226964223a2245562d31227d'::bytea"))
          .isEqualTo(1);
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
