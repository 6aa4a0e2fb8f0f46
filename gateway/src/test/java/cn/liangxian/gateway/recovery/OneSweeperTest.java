package cn.liangxian.gateway.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Two instances on one database: one sweeps, an expired order is closed at the channel once, and the lead passes on. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OneSweeperTest {
  final List<TestGateway> open = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    TestGateway a = Fixture.load(new TestGateway());
    open.add(a);
    open.add(TestGateway.beside(a));
  }

  @AfterAll
  void stop() throws Exception {
    for (TestGateway g : open) {
      g.close();
    }
  }

  @Test
  void oneInstanceSweepsAndAnotherTakesOverWhenItStops() throws Exception {
    TestGateway leader = Eventually.until("exactly one leader", this::leaders, l -> l.size() == 1).get(0);
    expiresClosedOnce(leader);

    open.remove(leader);
    leader.close();
    TestGateway next = Eventually.until("the other instance to lead", this::leaders, l -> l.size() == 1).get(0);
    // shown as leader once its first sweep has computed the gauges the dashboards read from the leader
    Eventually.until("the new leader shown", () -> next.metrics().contains("liangxian_sweeper_leader 1.0"));
    expiresClosedOnce(next);
  }

  /** An order made on the leader expires, and only one close of it reached any channel. */
  void expiresClosedOnce(TestGateway leader) throws Exception {
    JsonObject o = orderChen(leader);
    leader.clock.advance(Duration.ofMinutes(16));
    leader.awaitState(o.getString("id"), "EXPIRED");
    String close = "POST /v3/pay/transactions/out-trade-no/" + o.getString("outTradeNo") + "/close";
    long closes = open.stream().flatMap(g -> g.gateway.demo().sandbox().calls().stream()).filter(close::equals).count();
    assertThat(closes).isEqualTo(1);
  }

  List<TestGateway> leaders() throws Exception {
    List<TestGateway> leaders = new ArrayList<>();
    for (TestGateway g : open) {
      if (Boolean.TRUE.equals(g.get("/health/ready").bodyAsJsonObject().getBoolean("leader"))) {
        leaders.add(g);
      }
    }
    return leaders;
  }

  static JsonObject orderChen(TestGateway g) throws Exception {
    JsonObject h = g.lookup(Fixture.CHEN, "陈一");
    JsonObject body = new JsonObject().put("householdRef", h.getJsonObject("household").getString("ref")).put("channel", "wechat")
        .put("mode", "qr").put("items", new JsonArray().add(new JsonObject()
            .put("memberRef", h.getJsonArray("members").getJsonObject(0).getString("ref")).put("insurance", "medical").put("year", 2020)));
    HttpResponse<Buffer> r = g.post("/api/v1/orders", body, "Idempotency-Key", UUID.randomUUID().toString());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }
}
