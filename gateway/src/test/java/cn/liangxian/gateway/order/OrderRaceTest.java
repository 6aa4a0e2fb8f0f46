package cn.liangxian.gateway.order;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Two clients order the same member at the same moment, many times over: exactly one wins each time. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrderRaceTest {
  TestGateway g;

  @BeforeAll
  void start() throws Exception {
    // two loops: the orders sent at once are taken on different threads and connections, as in the product
    g = Fixture.load(new TestGateway(TestGateway.SEVERAL_LOOPS));
  }

  @AfterAll
  void stop() throws Exception {
    g.close();
  }

  Future<HttpResponse<Buffer>> order(JsonObject body, String client) throws Exception {
    return g.http.post("/api/v1/orders").putHeader("Content-Type", "application/json")
        .putHeader("Idempotency-Key", UUID.randomUUID().toString()).putHeader("Authorization", g.bearer(client))
        .sendBuffer(Buffer.buffer(body.encode()));
  }

  @Test
  void exactlyOneOfTwoConcurrentOrdersWinsEveryTime() throws Exception {
    JsonObject h = g.lookup(Fixture.CHEN, "陈一");
    String member = h.getJsonArray("members").getJsonObject(0).getString("ref");
    JsonObject body = new JsonObject().put("householdRef", h.getJsonObject("household").getString("ref")).put("mode", "qr")
        .put("items", new JsonArray().add(new JsonObject().put("memberRef", member).put("insurance", "medical").put("year", 2020)));
    int rounds = 40;
    for (int i = 0; i < rounds; i++) {
      Future<HttpResponse<Buffer>> kiosk = order(body.copy().put("channel", "wechat"), "kiosk-" + i);
      Future<HttpResponse<Buffer>> phone = order(body.copy().put("channel", "alipay"), "openid-" + i);
      Future.all(kiosk, phone).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      List<Integer> statuses = List.of(kiosk.result().statusCode(), phone.result().statusCode());
      assertThat(statuses).as("round " + i + ": " + kiosk.result().bodyAsString() + " / " + phone.result().bodyAsString())
          .containsExactlyInAnyOrder(201, 409);
      boolean kioskWon = kiosk.result().statusCode() == 201;
      HttpResponse<Buffer> winner = kioskWon ? kiosk.result() : phone.result();
      String id = winner.bodyAsJsonObject().getString("id");
      g.scan(winner.bodyAsJsonObject()); // a code nobody has scanned stays payable till its time (CancellationTest)
      assertThat(g.post("/api/v1/orders/" + id + "/cancel", new JsonObject(), "Authorization",
          g.bearer(kioskWon ? "kiosk-" + i : "openid-" + i)).statusCode()).isEqualTo(200);
    }
    try (var c = g.db.connect(); var st = c.createStatement();
        var rs = st.executeQuery("select count(*) filter (where state = 'CANCELLED'), count(*) from orders")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(rounds);
      assertThat(rs.getInt(2)).isEqualTo(rounds);
    }
  }
}
