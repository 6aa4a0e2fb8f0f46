package cn.liangxian.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.channel.ChannelException;
import cn.liangxian.gateway.channel.ResidentLogins;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.DemoMerchant;
import cn.liangxian.sandbox.fault.SandboxFaults;
import cn.liangxian.sandbox.login.Logins;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Mini-program login end to end, against the channel sandbox speaking WeChat's jscode2session and
 * Alipay's alipay.system.oauth.token: a session is bound to who the channel says the resident is, kept
 * hashed, valid on every instance of the deployment, and ends; refused codes and a channel in trouble.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResidentLoginTest {
  TestGateway g;
  Logins phones;

  @BeforeAll
  void start() throws Exception {
    g = Fixture.load(new TestGateway());
    phones = g.gateway.demo().sandbox().logins();
  }

  @AfterAll
  void stop() throws Exception {
    g.close();
  }

  HttpResponse<Buffer> login(String channel, String code) throws Exception {
    return g.post("/api/v1/session/" + channel, new JsonObject().put("code", code));
  }

  @Test
  void aWechatLoginIsTheOpenidOfTheMiniProgramKeptHashedAndValidOnEveryInstance() throws Exception {
    HttpResponse<Buffer> r = login("wechat", phones.wechatCode(DemoMerchant.WECHAT_APP_ID, "granny-wang"));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    String token = r.bodyAsJsonObject().getString("token");
    assertThat(r.bodyAsJsonObject().getString("channel")).isEqualTo("wechat");
    assertThat(r.bodyAsJsonObject().getString("expiresAt")).as("in Beijing time").endsWith("+08:00");
    assertThat(r.bodyAsString()).doesNotContain(Logins.openid(DemoMerchant.WECHAT_APP_ID, "granny-wang"));
    try (var c = g.db.connect(); var st = c.prepareStatement("select channel, subject, token_hash from resident_session where token_hash = ?")) {
      st.setBytes(1, MessageDigest.getInstance("SHA-256").digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      var rs = st.executeQuery();
      assertThat(rs.next()).as("the session is kept under the token's hash").isTrue();
      assertThat(rs.getString("subject")).isEqualTo(Logins.openid(DemoMerchant.WECHAT_APP_ID, "granny-wang"));
    }
    try (var c = g.db.connect(); var st = c.prepareStatement("select count(*) from resident_session r where r::text like ?")) {
      st.setString(1, "%" + token.substring(4) + "%");
      var rs = st.executeQuery();
      rs.next();
      assertThat(rs.getInt(1)).as("the token itself is stored nowhere").isZero();
    }
    // an order made through one instance is the same resident's through another on the same database
    JsonObject h = g.lookup(Fixture.CHEN, "陈一");
    JsonObject body = new JsonObject().put("householdRef", h.getJsonObject("household").getString("ref")).put("channel", "wechat")
        .put("mode", "mini").put("items", new io.vertx.core.json.JsonArray().add(new JsonObject()
            .put("memberRef", TestGateway.ref(h, Fixture.CHEN)).put("insurance", "medical").put("year", 2020)));
    HttpResponse<Buffer> order = g.post("/api/v1/orders", body, "Idempotency-Key", "granny-1", "Authorization", "Bearer " + token);
    assertThat(order.statusCode()).as(order.bodyAsString()).isEqualTo(201);
    String id = order.bodyAsJsonObject().getString("id");
    try (TestGateway other = TestGateway.beside(g)) {
      HttpResponse<Buffer> there = other.get("/api/v1/orders/" + id, "Authorization", "Bearer " + token);
      assertThat(there.statusCode()).as(there.bodyAsString()).isEqualTo(200);
      assertThat(other.post("/api/v1/orders/" + id + "/cancel", new JsonObject(), "Authorization", "Bearer " + token)
          .bodyAsJsonObject().getString("state")).isEqualTo("CANCELLED");
    }
    // the session ends: then the resident logs in again
    g.clock.advance(Duration.ofMinutes(121));
    try {
      HttpResponse<Buffer> late = g.get("/api/v1/orders/" + id, "Authorization", "Bearer " + token);
      assertThat(late.statusCode()).isEqualTo(401);
      assertThat(late.bodyAsJsonObject().getString("type")).endsWith("/session-expired");
      assertThat(late.bodyAsJsonObject().getString("title")).contains("登录");
      assertThat(late.bodyAsJsonObject().getString("detail")).isEqualTo("登录已过期，请关闭小程序后重新进入。");
      assertThat(late.bodyAsJsonObject().getString("developerDetail")).contains("session has expired");
    } finally {
      g.clock.advance(Duration.ofMinutes(-121));
    }
  }

  @Test
  void anAlipayLoginIsTheUserIdAlipayGives() throws Exception {
    HttpResponse<Buffer> r = login("alipay", phones.alipayCode(DemoMerchant.ALIPAY_APP_ID, "uncle-li"));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    try (var c = g.db.connect(); var st = c.createStatement();
        var rs = st.executeQuery("select subject from resident_session where channel = 'alipay'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo(Logins.alipayUserId("uncle-li")).startsWith("2088").hasSize(16);
    }
  }

  @Test
  void codesTheChannelRefusesAreA401ThatChangesNothing() throws Exception {
    String used = phones.wechatCode(DemoMerchant.WECHAT_APP_ID, "twice");
    assertThat(login("wechat", used).statusCode()).isEqualTo(201);
    assertRefused(login("wechat", used));
    // a code older than five minutes
    String old = phones.wechatCode(DemoMerchant.WECHAT_APP_ID, "slow");
    g.clock.advance(Duration.ofMinutes(6));
    try {
      assertRefused(login("wechat", old));
      String oldAlipay = phones.alipayCode(DemoMerchant.ALIPAY_APP_ID, "slow");
      g.clock.advance(Duration.ofMinutes(11));
      assertRefused(login("alipay", oldAlipay));
      g.clock.advance(Duration.ofMinutes(-11));
    } finally {
      g.clock.advance(Duration.ofMinutes(-6));
    }
    // a code another mini-program got (another appid), and one never issued
    assertRefused(login("wechat", phones.wechatCode("wx00000000000other", "someone")));
    assertRefused(login("alipay", phones.alipayCode("2021000000009999", "someone")));
    assertRefused(login("alipay", "0123456789abcdef0123456789abcdef"));
    String alipayUsed = phones.alipayCode(DemoMerchant.ALIPAY_APP_ID, "twice");
    assertThat(login("alipay", alipayUsed).statusCode()).isEqualTo(201);
    assertRefused(login("alipay", alipayUsed));
  }

  void assertRefused(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(401);
    assertThat(r.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(r.bodyAsJsonObject().getString("type")).endsWith("/login-code-refused");
    assertThat(r.bodyAsJsonObject().getString("title")).contains("登录");
    assertThat(r.bodyAsJsonObject().getString("detail")).isEqualTo("登录凭证无效、已使用或已过期，请关闭小程序后重新进入。");
    assertThat(r.bodyAsJsonObject().getString("developerDetail")).contains("refused the login code");
  }

  @Test
  void aChannelInTroubleIs503AndAWrongAppidOrSecretIsRefusedByTheChannel() throws Exception {
    var sandbox = g.gateway.demo().sandbox();
    sandbox.faults(new SandboxFaults(0, 0, false, 2, false));
    try {
      HttpResponse<Buffer> r = login("wechat", phones.wechatCode(DemoMerchant.WECHAT_APP_ID, "unlucky"));
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(503);
      assertThat(r.bodyAsJsonObject().getString("type")).endsWith("/channel-unavailable");
      assertThat(r.getHeader("Retry-After")).as("when to try again, where HTTP says it").isEqualTo("5");
      assertThat(login("alipay", phones.alipayCode(DemoMerchant.ALIPAY_APP_ID, "unlucky")).statusCode()).isEqualTo(503);
    } finally {
      sandbox.faults(SandboxFaults.NONE);
    }
    // a gateway configured with another mini-program's appid, or a wrong secret, is refused by WeChat itself
    var vertx = io.vertx.core.Vertx.vertx();
    var signing = cn.liangxian.gateway.channel.Signing.create(vertx, 1, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    try {
      ResidentLogins wrongAppid = ResidentLogins.of(vertx, g.clock, signing, sandbox.baseUrl(), "wx00000000000other", "whatever",
          demoAlipay(), sandbox.baseUrl() + "/gateway.do");
      assertThat(channelFailure(wrongAppid, phones.wechatCode("wx00000000000other", "x")).code()).isEqualTo("40013");
      ResidentLogins wrongSecret = ResidentLogins.of(vertx, g.clock, signing, sandbox.baseUrl(), DemoMerchant.WECHAT_APP_ID, "not-the-secret",
          demoAlipay(), sandbox.baseUrl() + "/gateway.do");
      assertThat(channelFailure(wrongSecret, phones.wechatCode(DemoMerchant.WECHAT_APP_ID, "x")).code()).isEqualTo("40125");
    } finally {
      vertx.close();
    }
  }

  cn.liangxian.gateway.channel.alipay.AlipayMerchant demoAlipay() {
    return g.gateway.demo().channels().alipay();
  }

  static ChannelException channelFailure(ResidentLogins logins, String code) throws Exception {
    Throwable x = logins.byChannel().get("wechat").subject(code).toCompletionStage().toCompletableFuture()
        .handle((v, t) -> t).get(20, TimeUnit.SECONDS);
    while (x instanceof CompletionException) {
      x = x.getCause();
    }
    assertThat(x).isInstanceOf(ChannelException.class);
    return (ChannelException) x;
  }

  /**
   * Each login is a call to the channel (against the mini-program's quota there): an address's logins are limited for the
   * whole deployment, wherever the balancer sends each, in plain Chinese with when to try again.
   */
  @Test
  void loginsPerAddressAreLimitedAcrossInstances() throws Exception {
    try (TestGateway small = new TestGateway(java.util.Map.of("GATEWAY_RESIDENT_LOGINS_PER_MINUTE_PER_ADDRESS", "4"));
        TestGateway beside = TestGateway.beside(small)) {
      // a burst of half a minute's worth: two, one on each instance (each with its own sandbox channel)
      for (TestGateway at : java.util.List.of(small, beside)) {
        HttpResponse<Buffer> r = at.post("/api/v1/session/wechat", new JsonObject().put("code",
            at.gateway.demo().sandbox().logins().wechatCode(DemoMerchant.WECHAT_APP_ID, "phone-" + at.gateway.httpPort())));
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
      }
      String code = beside.gateway.demo().sandbox().logins().wechatCode(DemoMerchant.WECHAT_APP_ID, "one-more");
      HttpResponse<Buffer> refused = beside.post("/api/v1/session/wechat", new JsonObject().put("code", code));
      assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(429);
      assertThat(refused.getHeader("Retry-After")).isNotBlank();
      assertThat(refused.bodyAsJsonObject().getString("title")).isEqualTo("登录太频繁，请稍后再试");
      small.clock.advance(Duration.ofSeconds(15)); // one login's worth, at four a minute
      HttpResponse<Buffer> later = beside.post("/api/v1/session/wechat", new JsonObject().put("code", code));
      assertThat(later.statusCode()).as("the code was not spent by the refused attempt: " + later.bodyAsString()).isEqualTo(201);
    }
  }

  @Test
  void badLoginRequestsAre4xxProblems() throws Exception {
    assertThat(g.post("/api/v1/session/wechat", new JsonObject()).statusCode()).isEqualTo(400);
    assertThat(g.post("/api/v1/session/wechat", new JsonObject().put("code", 42)).statusCode()).isEqualTo(400);
    assertThat(g.post("/api/v1/session/wechat", new JsonObject().put("code", "has space")).statusCode()).isEqualTo(400);
    assertThat(g.post("/api/v1/session/wechat", new JsonObject().put("code", "x").put("openid", "o-mine")).statusCode()).isEqualTo(400);
    assertThat(g.post("/api/v1/session/unionpay", new JsonObject().put("code", "x")).statusCode()).isEqualTo(404);
    // an Authorization that is not a live session is refused, never taken as anonymous
    for (String auth : new String[] {"Bearer lxr_not-a-session", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer " + g.adminToken()}) {
      HttpResponse<Buffer> r = g.post("/api/v1/lookup", new JsonObject().put("idNumber", Fixture.CHEN).put("name", "陈一"),
          "Authorization", auth);
      assertThat(r.statusCode()).as(auth).isEqualTo(401);
    }
  }
}
