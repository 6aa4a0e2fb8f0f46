package cn.liangxian.gateway.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.db.Database;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a run taken over repaired reaches the day's report: the running one's, or, when the run that took the day over
 * finished first (it found those payments booked already), the one done, each difference once.
 */
class ReconciliationCarryTest {
  static final LocalDate DAY = LocalDate.of(2019, 12, 15);

  static JsonObject paid(String outTradeNo) {
    return new JsonObject().put("kind", "paid-at-channel-not-here").put("outTradeNo", outTradeNo).put("repair", "paid");
  }

  @Test
  void repairsOfARunTakenOverGoIntoTheReportDoneOnceEach() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (Database db = TestGateway.migratedDatabase("carry_" + ProcessHandle.current().pid())) {
      Pool pool = PgBuilder.pool().connectingTo(db.connectOptions(1)).using(vertx).build();
      try (Connection c = db.connect(); Statement st = c.createStatement()) {
        st.execute("insert into channel_reconciliation (channel, merchant, day, state, run_by, claimed_at, finished_at, repaired,"
            + " differences) values ('wechat', '1900000109', '2019-12-15', 'DONE', 'schedule', now(), now(), 1, '["
            + paid("A").encode() + "]')");
        st.execute("insert into channel_reconciliation (channel, merchant, day, state, run_by, claimed_at)"
            + " values ('wechat', '1900000109', '2019-12-16', 'RUNNING', 'schedule', now())");
      }
      // A's other refund is another difference of the same order: told apart by its refund number
      JsonArray repaired = new JsonArray().add(paid("A")).add(paid("B")).add(paid("A").put("outRefundNo", "A-1M"));
      for (int run = 0; run < 2; run++) {
        Reconciliation.carry(pool, "wechat", "1900000109", DAY, repaired).toCompletionStage().toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
      }
      Reconciliation.carry(pool, "wechat", "1900000109", DAY.plusDays(1), new JsonArray().add(paid("C")))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      try (Connection c = db.connect(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("select day, repaired, differences::text, repaired_earlier::text from channel_reconciliation"
              + " order by day")) {
        rs.next();
        assertThat(rs.getInt(2)).as("A was in the report already, B and A's refund added once").isEqualTo(3);
        assertThat(new JsonArray(rs.getString(3)).stream().map(d -> ((JsonObject) d).getString("outTradeNo")))
            .containsExactly("A", "B", "A");
        rs.next();
        assertThat(rs.getString(4)).as("a report still running takes them when it is done").contains("\"C\"");
      }
      pool.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
