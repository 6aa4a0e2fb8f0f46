package cn.liangxian.gateway.order;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.gateway.support.TestKiosk;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An order is its creator's: the resident (by the session's openid or Alipay user id) or the signed kiosk
 * that made it reads, waits on, cancels and gets the receipt of it; to anyone else it does not exist.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrderOwnershipTest {
  TestGateway g;
  TestKiosk kiosk;
  TestKiosk otherKiosk;

  @BeforeAll
  void start() throws Exception {
    g = Fixture.load(new TestGateway());
    kiosk = TestKiosk.register(g, "K-320682-0001");
    otherKiosk = TestKiosk.register(g, "K-320682-0002");
  }

  @AfterAll
  void stop() throws Exception {
    g.close();
  }

  JsonObject body(String channel, String mode) throws Exception {
    JsonObject h = g.lookup(Fixture.CHEN, "陈一");
    return new JsonObject().put("householdRef", h.getJsonObject("household").getString("ref")).put("channel", channel)
        .put("mode", mode).put("items", new JsonArray().add(new JsonObject().put("memberRef", TestGateway.ref(h, Fixture.CHEN))
            .put("insurance", "medical").put("year", 2020)));
  }

  /** Everything a caller can ask of one order, with these headers (a kiosk signs each request itself). */
  interface Headers {
    String[] of(String method, String uri, String body) throws Exception;
  }

  Headers resident(String user) throws Exception {
    String bearer = g.bearer(user);
    return (m, u, b) -> new String[] {"Authorization", bearer};
  }

  static String withoutIds(HttpResponse<Buffer> r, String... ids) {
    String s = r.bodyAsString();
    for (String id : ids) {
      s = s.replace(id, "ID");
    }
    return s;
  }

  void assertStranger(Headers who, String id) throws Exception {
    String missing = UUID.randomUUID().toString();
    for (String[] call : new String[][] {{"GET", "/api/v1/orders/%s"}, {"GET", "/api/v1/orders/%s?waitSeconds=1&state=PAYING"},
        {"GET", "/api/v1/orders/%s/receipt"}, {"POST", "/api/v1/orders/%s/cancel"}}) {
      String uri = String.format(call[1], id);
      String other = String.format(call[1], missing);
      HttpResponse<Buffer> theirs = call[0].equals("GET") ? g.get(uri, who.of("GET", uri, ""))
          : g.post(uri, new JsonObject(), who.of("POST", uri, "{}"));
      HttpResponse<Buffer> none = call[0].equals("GET") ? g.get(other, who.of("GET", other, ""))
          : g.post(other, new JsonObject(), who.of("POST", other, "{}"));
      assertThat(theirs.statusCode()).as(call[0] + " " + uri).isEqualTo(404);
      // the same answer as for an order that does not exist: an order id tells a stranger nothing
      assertThat(withoutIds(theirs, id)).isEqualTo(withoutIds(none, missing));
    }
  }

  @Test
  void aResidentsOrderIsHersAlone() throws Exception {
    JsonObject b = body("wechat", "qr");
    HttpResponse<Buffer> created = g.post("/api/v1/orders", b, "Idempotency-Key", "own-1", "Authorization", g.bearer("mother"));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("id");

    assertStranger(resident("neighbour"), id);
    assertStranger(kiosk::sign, id);
    // a header naming her openid proves nothing any more: without a session there is no order to see
    HttpResponse<Buffer> claimed = g.http.get("/api/v1/orders/" + id).putHeader("X-Openid", "mother").send()
        .toCompletionStage().toCompletableFuture().get();
    assertThat(claimed.statusCode()).isEqualTo(401);
    assertThat(claimed.bodyAsJsonObject().getString("type")).endsWith("/login-required");

    // still hers, untouched by the strangers' cancels
    HttpResponse<Buffer> mine = g.get("/api/v1/orders/" + id, "Authorization", g.bearer("mother"));
    assertThat(mine.bodyAsJsonObject().getString("state")).isEqualTo("PAYING");
    assertThat(g.get("/api/v1/orders/" + id + "/receipt", "Authorization", g.bearer("mother")).statusCode()).isEqualTo(409);
    assertThat(g.post("/api/v1/orders/" + id + "/cancel", new JsonObject(), "Authorization", g.bearer("mother"))
        .bodyAsJsonObject().getString("state")).isEqualTo("CANCELLED");
  }

  @Test
  void aKiosksOrderIsThatKiosks() throws Exception {
    String b = body("alipay", "qr").encode();
    HttpResponse<Buffer> created = g.post("/api/v1/orders", new JsonObject(b),
        TestKiosk.with(kiosk.sign("POST", "/api/v1/orders", b), "Idempotency-Key", "kiosk-own-1"));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("id");
    assertStranger(otherKiosk::sign, id);
    assertStranger(resident("passer-by"), id);
    String uri = "/api/v1/orders/" + id;
    assertThat(g.get(uri, kiosk.sign("GET", uri, "")).bodyAsJsonObject().getString("state")).isEqualTo("PAYING");
    String cancel = uri + "/cancel";
    g.scan(created.bodyAsJsonObject()); // a code nobody has scanned stays payable till its time (CancellationTest)
    assertThat(g.post(cancel, new JsonObject(), kiosk.sign("POST", cancel, "{}")).bodyAsJsonObject().getString("state"))
        .isEqualTo("CANCELLED");
  }

  @Test
  void aMiniProgramOrderIsPaidByTheLoggedInResidentOnly() throws Exception {
    // a kiosk has no payer; a WeChat resident does not pay in Alipay's mini-program; the body names no payer
    String mini = body("wechat", "mini").encode();
    HttpResponse<Buffer> byKiosk = g.post("/api/v1/orders", new JsonObject(mini),
        TestKiosk.with(kiosk.sign("POST", "/api/v1/orders", mini), "Idempotency-Key", "mini-kiosk"));
    assertThat(byKiosk.statusCode()).isEqualTo(400);
    assertThat(byKiosk.bodyAsJsonObject().getString("field")).isEqualTo("mode");
    HttpResponse<Buffer> otherChannel = g.post("/api/v1/orders", body("alipay", "mini"), "Idempotency-Key", "mini-other",
        "Authorization", g.bearer("mother"));
    assertThat(otherChannel.statusCode()).isEqualTo(400);
    HttpResponse<Buffer> payer = g.post("/api/v1/orders", body("wechat", "mini").put("payerId", "oSomebodyElse"),
        "Idempotency-Key", "mini-payer", "Authorization", g.bearer("mother"));
    assertThat(payer.statusCode()).isEqualTo(400);
    assertThat(payer.bodyAsJsonObject().getString("field")).isEqualTo("payerId");
    // nobody known at all: log in first
    HttpResponse<Buffer> anonymous = g.http.post("/api/v1/orders").putHeader("Content-Type", "application/json")
        .putHeader("Idempotency-Key", "anon").sendBuffer(Buffer.buffer(body("wechat", "qr").encode()))
        .toCompletionStage().toCompletableFuture().get();
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.bodyAsJsonObject().getString("title")).isEqualTo("请先登录");
  }
}
