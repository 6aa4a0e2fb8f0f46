package cn.liangxian.kiosk.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.liangxian.kiosk.Await;
import cn.liangxian.kiosk.RefusedPort;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayClientTest {

  static final Instant NOW = Instant.parse("2020-01-15T02:00:00Z");

  WireMockServer wm;
  Vertx vertx;
  KioskIdentity identity;
  GatewayClient client;

  @TempDir
  Path keys;

  @BeforeEach
  void start() throws IOException {
    wm = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    vertx = Vertx.vertx();
    identity = KioskIdentity.loadOrCreate("K-371312-0001", keys);
    client = new GatewayClient(vertx, "http://127.0.0.1:" + wm.port(),
        new RequestSigner(identity, Clock.fixed(NOW, ZoneOffset.UTC)), Await.ANSWER_TIMEOUT_MILLIS);
  }

  @AfterEach
  void stop() {
    vertx.close();
    wm.stop();
  }

  static String resource(String name) throws IOException {
    try (InputStream in = GatewayClientTest.class.getResourceAsStream("/gateway/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  @Test
  void aKioskWhoseClockIsOffSignsByTheGatewaysTimeOnceTold() throws Exception {
    long gatewayTime = NOW.getEpochSecond() + 3600; // this kiosk's clock is an hour slow
    wm.stubFor(post(urlPathEqualTo("/api/v1/lookup")).inScenario("clock").whenScenarioStateIs(
            com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
        .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/problem+json")
            .withBody(new JsonObject().put("type", "https://liangxian.cn/problems/kiosk-unauthorized").put("status", 401)
                .put("detail", "the kiosk's clock is more than 5 minutes off").put("serverTime", gatewayTime).encode()))
        .willSetStateTo("told"));
    wm.stubFor(post(urlPathEqualTo("/api/v1/lookup")).inScenario("clock").whenScenarioStateIs("told")
        .willReturn(okJson("{\"household\":{}}")));
    assertThat(client.now()).as("its own clock, until told otherwise").isEqualTo(NOW);
    assertThat(await(client.lookup("371312196205108490", "潘威")).containsKey("household")).isTrue();
    assertThat(client.now()).as("what a hold's end is compared with").isEqualTo(java.time.Instant.ofEpochSecond(gatewayTime));
    List<LoggedRequest> sent = wm.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlPathEqualTo("/api/v1/lookup")));
    assertThat(sent).hasSize(2);
    assertThat(sent.get(0).getHeader(RequestSigner.TIMESTAMP)).isEqualTo(Long.toString(NOW.getEpochSecond()));
    assertThat(sent.get(1).getHeader(RequestSigner.TIMESTAMP)).isEqualTo(Long.toString(gatewayTime));
    assertThat(sent.get(1).getHeader(RequestSigner.NONCE)).isNotEqualTo(sent.get(0).getHeader(RequestSigner.NONCE));
  }

  static String httpDate(Instant at) {
    return java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(at.atZone(ZoneOffset.UTC));
  }

  /**
   * A clock that drifts inside the gateway's five minutes is never refused, so only the Date header can tell it: the
   * kiosk follows it past two seconds off, and goes back to its own clock once that is right again.
   */
  @Test
  void aKioskFollowsTheGatewaysDateWhenItsClockHasDrifted() throws Exception {
    Instant ahead = NOW.plusSeconds(180); // this kiosk's clock three minutes slow
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/a")).willReturn(okJson("{}").withHeader("Date", httpDate(NOW.plusSeconds(1)))));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/b")).willReturn(okJson("{}").withHeader("Date", "not a date")));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/c")).willReturn(okJson("{}").withHeader("Date", httpDate(ahead))));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/d")).willReturn(okJson("{}").withHeader("Date", httpDate(NOW))));

    await(client.order("a"));
    assertThat(client.now()).as("a second off: the header's rounding and the trip").isEqualTo(NOW);
    await(client.order("b"));
    assertThat(client.now()).as("a Date that cannot be read").isEqualTo(NOW);
    await(client.order("c"));
    assertThat(client.now()).as("three minutes off: followed").isEqualTo(ahead);
    await(client.order("a"));
    assertThat(wm.findAll(getRequestedFor(urlPathEqualTo("/api/v1/orders/a"))).get(1).getHeader(RequestSigner.TIMESTAMP))
        .as("signed by the gateway's time").isEqualTo(Long.toString(ahead.getEpochSecond()));
    await(client.order("d"));
    assertThat(client.now()).as("the kiosk's clock right again").isEqualTo(NOW);
  }

  @Test
  void theKiosksPrivateKeyIsReadableByItsUserOnlyAndLoadsAgain(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    KioskIdentity made = KioskIdentity.loadOrCreate("K-9", dir);
    assertThat(java.nio.file.Files.getPosixFilePermissions(dir.resolve("kiosk-key.pem")))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    KioskIdentity loaded = KioskIdentity.loadOrCreate("K-9", dir);
    assertThat(loaded.publicKeyPem()).isEqualTo(made.publicKeyPem());
  }

  @Test
  void retryAfterIsReadAsSecondsAndABusyAnswerSaysWhenToComeBack() {
    assertThat(GatewayClient.retryAfter("3", null, NOW)).isEqualTo(3);
    assertThat(GatewayClient.retryAfter(" 120 ", null, NOW)).isEqualTo(120);
    assertThat(GatewayClient.retryAfter("999999", null, NOW)).as("at most an hour").isEqualTo(3600);
    assertThat(GatewayClient.retryAfter("1000000", null, NOW)).as("too long to read: the longest, not none").isEqualTo(3600);
    assertThat(GatewayClient.retryAfter("99999999999999999999", null, NOW)).isEqualTo(3600);
    assertThat(GatewayClient.retryAfter("0000030", null, NOW)).as("leading zeros are no length").isEqualTo(30);
    assertThat(GatewayClient.retryAfter("0", null, NOW)).isZero();
    assertThat(GatewayClient.retryAfter("-1", null, NOW)).isZero();
    assertThat(GatewayClient.retryAfter("soon", null, NOW)).isZero();
    assertThat(GatewayClient.retryAfter(null, null, NOW)).isZero();
    GatewayException busy = new GatewayException(503, GatewayException.BUSY, "Service Unavailable", 5);
    assertThat(busy.residentMessage()).isEqualTo("现在缴费人数较多，请5秒后再试");
    assertThat(new GatewayException(503, GatewayException.BUSY, null, 3600).residentMessage())
        .isEqualTo("现在缴费人数较多，请60分钟后再试");
    assertThat(new GatewayException(503, GatewayException.BUSY, null, 90).residentMessage())
        .isEqualTo("现在缴费人数较多，请2分钟后再试");
    assertThat(busy.notCarriedOut()).isTrue();
    assertThat(busy.tryAgainShortly()).isTrue();
    // a code still payable without the gateway's own words: never the 409's "paid elsewhere"
    assertThat(new GatewayException(409, "https://liangxian.cn/problems/code-still-payable", "Conflict").residentMessage())
        .isEqualTo("这个付款码到时才失效，如果不付款，不会扣款。");
    assertThat(new GatewayException(503, "https://liangxian.cn/problems/channel-unavailable", null, 5).notCarriedOut())
        .as("the order was failed for good: asking again with its key would open another").isTrue();
    GatewayException failedOver = new GatewayException(503, "https://liangxian.cn/problems/unavailable", null, 5);
    assertThat(failedOver.notCarriedOut()).as("only admission's 503 promises nothing was done").isFalse();
    assertThat(new GatewayException(503, "https://liangxian.cn/problems/order-not-confirmed", null, 5).notCarriedOut())
        .as("the channel made the payment and it may be recorded: the order is found by its key, and cancelled").isFalse();
    assertThat(new GatewayException(0, "unreachable", "reset").notCarriedOut()).isFalse();
    assertThat(new GatewayException(409, "conflict", null).notCarriedOut()).isTrue();
  }

  /**
   * A Retry-After given as an HTTP date is the time from the answer's Date to it (the gateway's clock, whatever this
   * kiosk's says), or from now by the gateway's clock where the answer has no Date; at most an hour, none once past.
   */
  @Test
  void retryAfterGivenAsADateIsCountedFromTheAnswersDate() throws Exception {
    Instant sent = Instant.parse("2026-10-21T07:27:30Z");
    assertThat(GatewayClient.retryAfter("Wed, 21 Oct 2026 07:28:00 GMT", sent, NOW)).isEqualTo(30);
    assertThat(GatewayClient.retryAfter("Wed, 21 Oct 2026 07:28:00 GMT", null, sent.minusSeconds(15))).isEqualTo(45);
    assertThat(GatewayClient.retryAfter("Wed, 21 Oct 2026 09:28:00 GMT", sent, NOW)).as("at most an hour").isEqualTo(3600);
    assertThat(GatewayClient.retryAfter("Wed, 21 Oct 2026 07:27:00 GMT", sent, NOW)).as("already past").isZero();

    // over the wire: this kiosk's clock (NOW) years off the gateway's, which the answer's Date says
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/busy")).willReturn(aResponse().withStatus(503)
        .withHeader("Date", httpDate(sent)).withHeader("Retry-After", "Wed, 21 Oct 2026 07:28:00 GMT")));
    assertThatThrownBy(() -> await(client.order("busy"))).isInstanceOfSatisfying(GatewayException.class,
        g -> assertThat(g.retryAfterSeconds()).isEqualTo(30));
  }

  /**
   * An order's creation has its own, longer time (the gateway waits on the payment channel meanwhile): it is still
   * waited for after another request's time ran out; and a request that has no answer in its time says so.
   */
  @Test
  void anOrderHasItsOwnTimeAndARequestWithoutAnswerTimesOut() throws Exception {
    io.vertx.core.Promise<Void> answerOrders = io.vertx.core.Promise.promise();
    String made = resource("order-paying.json");
    // answers orders when the test says, anything else never
    io.vertx.core.http.HttpServer silent = vertx.createHttpServer().requestHandler(req -> {
      if (req.path().equals("/api/v1/orders")) {
        answerOrders.future().onComplete(x -> req.response().setStatusCode(201)
            .putHeader("Content-Type", "application/json").end(made));
      }
    }).listen(0, "127.0.0.1").await();
    String url = "http://127.0.0.1:" + silent.actualPort();
    RequestSigner signer = new RequestSigner(identity, Clock.fixed(NOW, ZoneOffset.UTC));
    JsonObject body = new JsonObject().put("householdRef", "h").put("channel", "wechat").put("mode", "qr");

    GatewayClient shortOrders = new GatewayClient(vertx, url, signer, 1000, 1000);
    assertThatThrownBy(() -> await(shortOrders.createOrder("kiosk-1", body))).isInstanceOfSatisfying(GatewayException.class, e -> {
      assertThat(e.timedOut()).isTrue();
      assertThat(e.notCarriedOut()).as("sent: the order may have been made").isFalse();
    });

    GatewayClient c = new GatewayClient(vertx, url, signer, 1000, Await.ANSWER_TIMEOUT_MILLIS);
    Future<JsonObject> order = c.createOrder("kiosk-2", body);
    assertThatThrownBy(() -> await(c.lookup("371312196205108490", "潘威"))).isInstanceOfSatisfying(GatewayException.class, e -> {
      assertThat(e.timedOut()).isTrue();
      assertThat(e.residentMessage()).isEqualTo("网络暂时不通，请稍后再试");
    });
    answerOrders.complete();
    assertThat(await(order).getString("state")).as("still waited for after the lookup's time ran out").isEqualTo("PAYING");
    assertThat(new GatewayException(0, "unreachable", "reset").timedOut()).isFalse();
  }

  /**
   * An order request whose connection is lost once it went out has no answer, as one whose time ran out: the order may
   * have been made. One that could not connect at all sent nothing.
   */
  @Test
  void anOrderWhoseConnectionIsLostAfterItWentOutMayHaveBeenMade() throws Exception {
    io.vertx.core.http.HttpServer hangsUp = vertx.createHttpServer()
        .requestHandler(req -> req.body().onComplete(b -> req.connection().close())).listen(0, "127.0.0.1").await();
    RequestSigner signer = new RequestSigner(identity, Clock.fixed(NOW, ZoneOffset.UTC));
    JsonObject body = new JsonObject().put("householdRef", "h").put("channel", "wechat").put("mode", "qr");
    GatewayClient lost = new GatewayClient(vertx, "http://127.0.0.1:" + hangsUp.actualPort(), signer,
        Await.ANSWER_TIMEOUT_MILLIS, Await.ANSWER_TIMEOUT_MILLIS);
    assertThatThrownBy(() -> await(lost.createOrder("kiosk-lost", body))).isInstanceOfSatisfying(GatewayException.class, e -> {
      assertThat(e.timedOut()).as("sent, then the connection lost: it may have been made").isTrue();
      assertThat(e.notCarriedOut()).isFalse();
    });
    assertThat(lost.unreachable()).as("a connection made: the gateway is there").isFalse();
    try (cn.liangxian.kiosk.RefusedPort refused = new cn.liangxian.kiosk.RefusedPort()) {
      GatewayClient none = new GatewayClient(vertx, "http://127.0.0.1:" + refused.port(), signer,
          Await.ANSWER_TIMEOUT_MILLIS, Await.ANSWER_TIMEOUT_MILLIS);
      assertThatThrownBy(() -> await(none.createOrder("kiosk-none", body))).isInstanceOfSatisfying(GatewayException.class, e -> {
        assertThat(e.timedOut()).as("no connection: nothing sent").isFalse();
        assertThat(e.residentMessage()).isEqualTo("网络暂时不通，请稍后再试");
      });
      assertThat(none.unreachable()).isTrue();
    }
  }

  @Test
  void lookupIsSignedSoTheGatewayCanVerifyIt() throws Exception {
    wm.stubFor(post(urlPathEqualTo("/api/v1/lookup")).willReturn(okJson(resource("household.json"))));
    JsonObject h = await(client.lookup("371312196205108490", "潘威"));
    assertThat(h.getJsonArray("members")).hasSize(2);
    assertThat(h.getJsonArray("members").getJsonObject(0).getString("name")).isEqualTo("潘*威");

    LoggedRequest r = wm.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlPathEqualTo("/api/v1/lookup"))).get(0);
    assertThat(r.getHeader("X-Kiosk-Id")).isEqualTo("K-371312-0001");
    assertThat(r.getHeader("X-Kiosk-Timestamp")).isEqualTo(Long.toString(NOW.getEpochSecond()));
    assertThat(r.getHeader("X-Kiosk-Nonce")).matches("[0-9a-f]{32}");
    assertThat(r.getHeader("X-Kiosk-Content-SHA256")).isEqualTo(RequestSigner.sha256Hex(r.getBody()));
    assertThat(new JsonObject(r.getBodyAsString()).getString("name")).isEqualTo("潘威");
    assertThat(verify(r, r.getBody())).isTrue();
    // the same signature does not cover another body, path or kiosk
    assertThat(verify(r, "{\"idNumber\":\"x\"}".getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(RequestSigner.verify(identity.keys().getPublic(), r.getHeader("X-Kiosk-Id"), "POST", "/api/v1/orders",
        r.getHeader("X-Kiosk-Timestamp"), r.getHeader("X-Kiosk-Nonce"), r.getBody(), r.getHeader("X-Kiosk-Signature"))).isFalse();
    assertThat(RequestSigner.verify(identity.keys().getPublic(), "K-OTHER", "POST", "/api/v1/lookup",
        r.getHeader("X-Kiosk-Timestamp"), r.getHeader("X-Kiosk-Nonce"), r.getBody(), r.getHeader("X-Kiosk-Signature"))).isFalse();
  }

  @Test
  void everyRequestHasItsOwnNonceAndGetsAreSignedOverTheEmptyBody() throws Exception {
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/o-1")).willReturn(okJson("{\"id\":\"o-1\",\"state\":\"PAYING\"}")));
    await(client.order("o-1"));
    await(client.order("o-1"));
    List<LoggedRequest> rs = wm.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlPathEqualTo("/api/v1/orders/o-1")));
    assertThat(rs).hasSize(2);
    assertThat(rs.get(0).getHeader("X-Kiosk-Nonce")).isNotEqualTo(rs.get(1).getHeader("X-Kiosk-Nonce"));
    assertThat(rs.get(0).getHeader("X-Kiosk-Content-SHA256"))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(verify(rs.get(0), new byte[0])).isTrue();
  }

  @Test
  void createOrderCarriesTheIdempotencyKey() throws Exception {
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders")).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody(resource("order-paying.json"))));
    JsonObject o = await(client.createOrder("kiosk-key-1", new JsonObject().put("householdRef", "h").put("channel", "wechat")));
    assertThat(o.getString("state")).isEqualTo("PAYING");
    assertThat(o.getJsonObject("payment").getString("codeUrl")).startsWith("weixin://");
    LoggedRequest r = wm.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlPathEqualTo("/api/v1/orders"))).get(0);
    assertThat(r.getHeader("Idempotency-Key")).isEqualTo("kiosk-key-1");
    assertThat(verify(r, r.getBody())).isTrue();
  }

  @Test
  void problemsBecomePlainChineseMessages() {
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders")).willReturn(aResponse().withStatus(409)
        .withHeader("Content-Type", "application/problem+json")
        .withBody("{\"type\":\"https://liangxian.cn/problems/reserved\",\"title\":\"Being paid elsewhere\",\"status\":409}")));
    assertThatThrownBy(() -> await(client.createOrder("k", new JsonObject())))
        .isInstanceOfSatisfying(GatewayException.class, e -> {
          assertThat(e.status()).isEqualTo(409);
          assertThat(e.residentMessage()).isEqualTo("该人员的缴费正在别处办理中，请稍后再试");
        });
    wm.stubFor(post(urlPathEqualTo("/api/v1/lookup")).willReturn(aResponse().withStatus(500).withBody("<html>")));
    assertThatThrownBy(() -> await(client.lookup("1", "2")))
        .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.residentMessage()).isEqualTo("系统繁忙，请稍后再试"));
  }

  /** A proxy's own 503 page carries no problem type: it says nothing of what the gateway did, and may be asked again. */
  @Test
  void aProxysPlain503PageIsABusyGatewayThatMayHaveCarriedTheRequestOut() {
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders")).willReturn(aResponse().withStatus(503)
        .withHeader("Content-Type", "text/html").withBody("<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>")));
    assertThatThrownBy(() -> await(client.createOrder("k", new JsonObject())))
        .isInstanceOfSatisfying(GatewayException.class, e -> {
          assertThat(e.status()).isEqualTo(503);
          assertThat(e.type()).isNull();
          assertThat(e.notCarriedOut()).isFalse();
          assertThat(e.tryAgainShortly()).isTrue();
          assertThat(e.beingPrepared()).isFalse();
          assertThat(e.residentMessage()).isEqualTo("系统繁忙，请稍后再试");
        });
  }

  @Test
  void anUnreachableGatewayIsReportedAsSuch() throws Exception {
    try (RefusedPort nobody = new RefusedPort()) {
      GatewayClient c = new GatewayClient(vertx, "http://127.0.0.1:" + nobody.port(),
          new RequestSigner(identity, Clock.fixed(NOW, ZoneOffset.UTC)), 1000);
      assertThatThrownBy(() -> await(c.receipt("o-1"))).isInstanceOfSatisfying(GatewayException.class, e -> {
        assertThat(e.status()).isZero();
        assertThat(e.residentMessage()).isEqualTo("网络暂时不通，请稍后再试");
      });
    }
  }

  @Test
  void keysAreKeptAcrossStarts() throws IOException {
    KioskIdentity again = KioskIdentity.loadOrCreate("K-371312-0001", keys);
    assertThat(again.keys().getPublic().getEncoded()).isEqualTo(identity.keys().getPublic().getEncoded());
    assertThat(again.publicKeyPem()).startsWith("-----BEGIN PUBLIC KEY-----");
  }

  private boolean verify(LoggedRequest r, byte[] body) {
    return RequestSigner.verify(identity.keys().getPublic(), r.getHeader("X-Kiosk-Id"), r.getMethod().getName(), r.getUrl(),
        r.getHeader("X-Kiosk-Timestamp"), r.getHeader("X-Kiosk-Nonce"), body, r.getHeader("X-Kiosk-Signature"));
  }
}
