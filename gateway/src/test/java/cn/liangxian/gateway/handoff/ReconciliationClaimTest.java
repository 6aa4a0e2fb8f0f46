package cn.liangxian.gateway.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The daily agency reconciliation of a receiver's day is run by one instance; the others, and this instance's own next
 * round, pass it by at once while it runs, rather than each holding a database connection waiting on its claim.
 */
class ReconciliationClaimTest {
  @Test
  void aDayBeingReconciledElsewhereIsPassedByAtOnceAndReconciledOnce() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (TestGateway g = new TestGateway()) {
      Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(g.db.connectOptions(1)).using(vertx).build();
      HandoffReconciliation reconciliation = new HandoffReconciliation(pool, g.clock);
      Receiver receiver = new Receiver("claim-test-medical", "371312", "medical", Receiver.Transport.HTTP, "http://127.0.0.1:9/", null, null, null);
      LocalDate day = LocalDate.of(2019, 12, 1); // a receiver and days the gateway itself never reconciles
      OffsetDateTime now = OffsetDateTime.now(g.clock);
      try (Connection other = g.db.connect()) {
        // another instance has taken the day and is still comparing: its transaction open
        other.setAutoCommit(false);
        try (PreparedStatement take = other.prepareStatement(HandoffStore.TAKE.replace("$1", "?").replace("$2", "?"))) {
          take.setString(1, "reconciliation/" + receiver.name());
          take.setObject(2, day);
          try (ResultSet rs = take.executeQuery()) {
            assertThat(rs.next() && rs.getBoolean(1)).isTrue();
          }
        }
        try (PreparedStatement claim = other.prepareStatement("insert into handoff_reconciliation (receiver, day, paid_items, paid_fen,"
            + " acknowledged, acknowledged_fen, resent, differences, run_at) values (?, ?, 0, 0, 0, 0, 0, '[]', now())")) {
          claim.setString(1, receiver.name());
          claim.setObject(2, day);
          claim.executeUpdate();
        }
        // passed by: answered well within the time a wait on the row would take (the other never commits meanwhile)
        assertThat(reconciliation.run(receiver, day, now).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
            .isFalse();
        assertThat(reconciliation.run(receiver, day, now).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
            .as("a second round too").isFalse();
        other.commit();
      }
      // done there: not run again here; another day is run here
      assertThat(reconciliation.run(receiver, day, now).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)).isFalse();
      assertThat(reconciliation.run(receiver, day.plusDays(1), now).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
          .isTrue();
      assertThat(pool.preparedQuery("select count(*) from handoff_reconciliation where receiver = $1").execute(Tuple.of(receiver.name()))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).iterator().next().getLong(0)).isEqualTo(2);
      pool.close();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * A day no instance reconciled (every one of them down through it, or its file not written in time) is reconciled by a
   * later round, within the week before yesterday; the days before the receiver's first day reconciled are left alone.
   */
  @Test
  void aDayMissedIsReconciledByALaterRoundAndNoDayBeforeTheFirst() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (TestGateway g = new TestGateway()) {
      Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(g.db.connectOptions(1)).using(vertx).build();
      HandoffReconciliation reconciliation = new HandoffReconciliation(pool, g.clock);
      Receiver receiver = new Receiver("look-back-test-medical", "371312", "medical", Receiver.Transport.HTTP, "http://127.0.0.1:9/", null, null, null);
      String days = "select string_agg(day::text, ',' order by day) from handoff_reconciliation where receiver = '" + receiver.name() + "'";
      assertThat(reconciliation.runDue(java.util.List.of(receiver)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
          .as("its first day: yesterday alone").isEqualTo(1);
      LocalDate first = LocalDate.parse(scalar(g, days));

      g.clock.advance(java.time.Duration.ofDays(3)); // two days pass with no round at all
      assertThat(reconciliation.runDue(java.util.List.of(receiver)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
          .isEqualTo(3);
      assertThat(scalar(g, days)).isEqualTo(first + "," + first.plusDays(1) + "," + first.plusDays(2) + "," + first.plusDays(3));
      assertThat(reconciliation.runDue(java.util.List.of(receiver)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
          .as("each day once").isZero();
      pool.close();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static String scalar(TestGateway g, String sql) throws Exception {
    return g.text(sql);
  }
}
