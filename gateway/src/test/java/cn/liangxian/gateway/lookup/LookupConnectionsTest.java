package cn.liangxian.gateway.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lookups (and the sessions every request carries) read on their event loop's own connections: when every
 * connection of the pool that orders and payments use is taken (here by orders waiting on a lock), residents
 * can still look their households up, whether those connections carry many reads at once or one at a time.
 */
class LookupConnectionsTest {
  @ParameterizedTest(name = "reads in flight on a lookup connection: {0}")
  @ValueSource(strings = {"256", "1"}) // pipelined (the default), and one at a time
  void aLookupIsAnsweredWhileEveryConnectionOfTheOrdersPoolWaitsOnALock(String pipelining) throws Exception {
    // two event loops, each with max(2, 4 / loops) connections of the orders' pool: orders waiting on the lock take
    // them all once that many wait, the test's client sending twice as many on connections of their own
    int loops = TestGateway.SEVERAL;
    int poolConnections = loops * Math.max(2, 4 / loops);
    int orders = 2 * poolConnections;
    Vertx vertx = Vertx.vertx();
    try (TestGateway g = Fixture.load(new TestGateway(TestGateway.onSeveralLoops(Map.of("GATEWAY_DB_POOL_SIZE", "4",
        "GATEWAY_DB_LOOKUP_CONNECTIONS", "2", "GATEWAY_DB_PIPELINING", pipelining))));
        Connection lock = g.db.connect()) {
      WebClient own = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(g.gateway.httpPort()), new PoolOptions().setHttp1MaxSize(orders + 1));
      JsonObject household = g.lookup(Fixture.LI, "李四");
      // logged in before the pool is taken (a login writes its session there); a lookup carries the session
      String resident = g.bearer(TestGateway.DEFAULT_RESIDENT);
      String looker = g.bearer("lookup-" + Fixture.ZHANG);
      lock.setAutoCommit(false);
      try (PreparedStatement st = lock.prepareStatement("select id from household where ref = ?::uuid for update")) {
        st.setString(1, household.getJsonObject("household").getString("ref"));
        st.executeQuery().close();
      }
      JsonObject order = TestGateway.unpaidMedicalOrder(household, "wechat", "qr");
      List<CompletableFuture<HttpResponse<Buffer>>> sent = new ArrayList<>();
      for (int i = 0; i < orders; i++) {
        sent.add(own.post("/api/v1/orders").putHeader("Authorization", resident)
            .putHeader("Idempotency-Key", UUID.randomUUID().toString()).sendJsonObject(order)
            .toCompletionStage().toCompletableFuture());
      }
      Eventually.until(poolConnections + " connections waiting on the household's lock", () -> g.count("select count(*)"
          + " from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'"), n -> n >= poolConnections);
      // the most this instance opens, as its start-up line says, with every pool taken: the test's own two left out
      assertThat(g.count("select count(*) from pg_stat_activity where datname = current_database()") - 2)
          .isLessThanOrEqualTo(cn.liangxian.gateway.Gateway.connectionsAtMost(4, 2, loops));

      // every connection of the orders' pool waits: the lookup is answered all the same, its session and its
      // household read on the loop's own connections
      HttpResponse<Buffer> again = own.post("/api/v1/lookup").putHeader("Authorization", looker)
          .sendJsonObject(new JsonObject().put("idNumber", Fixture.ZHANG).put("name", "张三"))
          .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(again.bodyAsJsonObject().getJsonObject("household").getString("ref"))
          .isEqualTo(household.getJsonObject("household").getString("ref"));

      lock.rollback();
      List<Integer> statuses = new ArrayList<>();
      for (CompletableFuture<HttpResponse<Buffer>> o : sent) {
        statuses.add(o.get(60, TimeUnit.SECONDS).statusCode());
      }
      assertThat(statuses).as("one order takes the household's items, the others are told they are being paid")
          .containsOnly(201, 409).containsOnlyOnce(201);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }
}
