package cn.liangxian.gateway.payment;

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
import org.junit.jupiter.api.Test;

/**
 * A channel's notification that a resident paid is applied on its event loop's own connections: when every
 * connection of the pool that orders use is taken (here by orders waiting on a lock), the payment is confirmed
 * all the same, and the resident's kiosk or phone learns it at once.
 */
class PaymentConnectionsTest {
  @Test
  void aPaymentIsConfirmedWhileEveryConnectionOfTheOrdersPoolWaitsOnALock() throws Exception {
    // one event loop a core, each with max(2, 4 / loops) connections of the orders' pool: orders waiting on the
    // lock take them all once that many wait, the test's client sending twice as many on connections of their own
    int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
    int poolConnections = loops * Math.max(2, 4 / loops);
    int orders = 2 * poolConnections;
    Vertx vertx = Vertx.vertx();
    try (TestGateway g = Fixture.load(new TestGateway(Map.of("GATEWAY_DB_POOL_SIZE", "4")));
        Connection lock = g.db.connect()) {
      WebClient own = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(g.gateway.httpPort()), new PoolOptions().setHttp1MaxSize(orders + 1));
      // the household that pays, its order placed before the pool is taken
      JsonObject paying = g.orderUnpaidMedical(g.lookup(Fixture.ZHANG, "张三"), "wechat", "qr").bodyAsJsonObject();
      String orderId = paying.getString("id");
      String outTradeNo = paying.getString("outTradeNo");
      // another household, whose orders wait on its lock and take every connection of the pool
      JsonObject waiting = g.lookup(Fixture.LIU1, "刘一");
      String resident = g.bearer(TestGateway.DEFAULT_RESIDENT);
      lock.setAutoCommit(false);
      try (PreparedStatement st = lock.prepareStatement("select id from household where ref = ?::uuid for update")) {
        st.setString(1, waiting.getJsonObject("household").getString("ref"));
        st.executeQuery().close();
      }
      JsonObject order = TestGateway.unpaidMedicalOrder(waiting, "alipay", "qr");
      List<CompletableFuture<HttpResponse<Buffer>>> sent = new ArrayList<>();
      for (int i = 0; i < orders; i++) {
        sent.add(own.post("/api/v1/orders").putHeader("Authorization", resident)
            .putHeader("Idempotency-Key", UUID.randomUUID().toString()).sendJsonObject(order)
            .toCompletionStage().toCompletableFuture());
      }
      Eventually.until(poolConnections + " connections waiting on the household's lock", () -> g.count("select count(*)"
          + " from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'"), n -> n >= poolConnections);

      // the resident pays: the channel's notification is applied, logged and answered while the pool is still taken
      g.gateway.demo().sandbox().pay(outTradeNo).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      g.awaitNotified(outTradeNo, 1);
      assertThat(g.count("select count(*) from orders where id = '" + orderId + "' and state = 'PAID'")).isEqualTo(1);
      assertThat(g.count("select count(*) from callback_log where order_id = '" + orderId + "' and verified")).isPositive();
      assertThat(g.count("select count(*) from pg_stat_activity where datname = current_database()"
          + " and wait_event_type = 'Lock'")).as("the orders still wait on the lock").isGreaterThanOrEqualTo(poolConnections);

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
