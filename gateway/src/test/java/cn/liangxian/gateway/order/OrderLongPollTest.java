package cn.liangxian.gateway.order;

import static cn.liangxian.gateway.support.TestGateway.ref;
import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GET /api/v1/orders/{id}?waitSeconds=N: held while the order is paying, answered when PostgreSQL says it changed. */
class OrderLongPollTest {
  TestGateway g;
  JsonObject order;

  @BeforeEach
  void start() throws Exception {
    g = Fixture.load(new TestGateway());
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    JsonArray items = new JsonArray(List.of(Fixture.ZHANG, Fixture.LI, Fixture.CHILD).stream()
        .map(id -> (Object) new JsonObject().put("memberRef", ref(h, id)).put("insurance", "medical").put("year", 2020)).toList());
    HttpResponse<Buffer> r = g.post("/api/v1/orders", new JsonObject().put("householdRef", h.getJsonObject("household").getString("ref"))
        .put("channel", "wechat").put("mode", "qr").put("items", items), "Idempotency-Key", UUID.randomUUID().toString());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    order = r.bodyAsJsonObject();
  }

  @AfterEach
  void stop() throws Exception {
    g.close();
  }

  Future<HttpResponse<Buffer>> poll(String query) throws Exception {
    // the resident whose session made the order (TestGateway's default caller)
    return g.http.get("/api/v1/orders/" + order.getString("id") + query).putHeader("Authorization", g.bearer(TestGateway.DEFAULT_RESIDENT))
        .send();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(Eventually.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Held requests answered so far, ended by a change ({@code "change"}) or by their time ({@code "time"}). */
  double waitsEndedBy(String what) throws Exception {
    return g.metrics().lines().filter(l -> l.startsWith("liangxian_order_waits_total{ended=\"" + what + "\"}"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElseThrow();
  }

  String waiters() throws Exception {
    return g.metrics().lines().filter(l -> l.startsWith("liangxian_order_waiters ")).findFirst().orElse("");
  }

  @Test
  void aWaitingRequestIsAnsweredOnceTheOrderIsPaid() throws Exception {
    Future<HttpResponse<Buffer>> waiting = poll("?waitSeconds=25");
    Eventually.until("the request waiting", this::waiters, l -> l.endsWith(" 1.0"));
    // held, it takes no place of the process's admission: waiting residents never crowd out work
    Eventually.until("its admission place given back", g::metrics,
        m -> m.contains("liangxian_admission_in_flight{class=\"order-read\"} 0.0"));
    assertThat(waiting.isComplete()).isFalse();
    g.clock.advance(java.time.Duration.ofSeconds(20)); // the wait goes on for a while (as the gateway's clock tells)
    g.gateway.demo().sandbox().pay(order.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get();
    HttpResponse<Buffer> r = await(waiting);
    assertThat(r.statusCode()).isEqualTo(200);
    // the time it was answered at, not the time it came: a kiosk takes its clock's offset from this
    assertThat(r.getHeader("Date")).isEqualTo("Sun, 15 Dec 2019 02:00:20 GMT");
    assertThat(r.bodyAsJsonObject().getString("state")).isEqualTo("PAID");
    // the notification answered it, not the end of the 25 s asked
    assertThat(waitsEndedBy("change")).isEqualTo(1.0);
    assertThat(waitsEndedBy("time")).isZero();
    Eventually.until("no request waiting", this::waiters, l -> l.endsWith(" 0.0"));
    // nothing left to wait for: answered at once
    assertThat(await(poll("?waitSeconds=25")).bodyAsJsonObject().getString("state")).isEqualTo("PAID");
  }

  @Test
  void aWaitOfZeroOrAStateTheCallerHasNotSeenIsAnsweredAtOnce() throws Exception {
    HttpResponse<Buffer> r = await(poll("?waitSeconds=0"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getString("state")).isEqualTo("PAYING");
    assertThat(await(poll("?waitSeconds=25&state=CREATED")).bodyAsJsonObject().getString("state")).isEqualTo("PAYING");
  }

  @Test
  void aWaitOutsideZeroToTwentyFiveIsRefused() throws Exception {
    for (String w : new String[] {"26", "-1", "ten", ""}) {
      HttpResponse<Buffer> r = await(poll("?waitSeconds=" + w));
      assertThat(r.statusCode()).as(w).isEqualTo(400);
      assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
      assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo("waitSeconds");
    }
  }

  @Test
  void anOrderStillPayingIsAnsweredWhenTheWaitIsOver() throws Exception {
    HttpResponse<Buffer> r = await(poll("?waitSeconds=1&state=PAYING"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getString("state")).isEqualTo("PAYING");
    assertThat(waitsEndedBy("time")).isEqualTo(1.0);
    assertThat(waitsEndedBy("change")).isZero();
    Eventually.until("no request waiting", this::waiters, l -> l.endsWith(" 0.0"));
  }

  @Test
  void aCancelWakesTheWaiter() throws Exception {
    Future<HttpResponse<Buffer>> waiting = poll("?waitSeconds=25");
    Eventually.until("the request waiting", this::waiters, l -> l.endsWith(" 1.0"));
    g.post("/api/v1/orders/" + order.getString("id") + "/cancel", new JsonObject());
    assertThat(await(waiting).bodyAsJsonObject().getString("state")).isEqualTo("CANCELLED");
    assertThat(waitsEndedBy("change")).isEqualTo(1.0);
  }

  @Test
  void aChangeMadeWhileTheListeningConnectionWasDownWakesTheWaiterOnceItIsBack() throws Exception {
    Future<HttpResponse<Buffer>> waiting = poll("?waitSeconds=25");
    Eventually.until("the request waiting", this::waiters, l -> l.endsWith(" 1.0"));
    g.withListeningLost(1, () -> {
      // the change is made, and announced, while nobody listens: the announcement is lost
      HttpResponse<Buffer> cancelled = g.post("/api/v1/orders/" + order.getString("id") + "/cancel", new JsonObject());
      assertThat(cancelled.statusCode()).as(cancelled.bodyAsString()).isEqualTo(200);
    });
    HttpResponse<Buffer> r = await(waiting);
    assertThat(r.bodyAsJsonObject().getString("state")).isEqualTo("CANCELLED");
    // the reconnection woke it, not the end of the 25 s asked
    assertThat(waitsEndedBy("change")).isEqualTo(1.0);
    assertThat(waitsEndedBy("time")).isZero();
  }

  @Test
  void aClientGoneIsNoLongerWaitedFor() throws Exception {
    Vertx client = Vertx.vertx();
    try {
      HttpClient http = client.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(g.gateway.httpPort()));
      HttpClientRequest req = await(http.request(HttpMethod.GET, "/api/v1/orders/" + order.getString("id") + "?waitSeconds=25"));
      req.putHeader("Authorization", g.bearer(TestGateway.DEFAULT_RESIDENT));
      await(req.end());
      Eventually.until("the request waiting", this::waiters, l -> l.endsWith(" 1.0"));
      await(req.connection().close());
      Eventually.until("the waiter forgotten", this::waiters, l -> l.endsWith(" 0.0"));
    } finally {
      await(client.close());
    }
  }
}
