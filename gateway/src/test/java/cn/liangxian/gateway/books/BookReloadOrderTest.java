package cn.liangxian.gateway.books;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Reads of the published books asked from two contexts at once (the request that activated a book, and the announcement
 * of another instance's activation) run one at a time, in the order asked: two at once could finish out of order, and the
 * older read's books would be the ones served.
 */
class BookReloadOrderTest {
  @Test
  void readsAskedFromTwoContextsAtOnceRunOneAtATime() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (TestGateway g = Fixture.load(new TestGateway())) {
      PublishedBooks books = new PublishedBooks(vertx, g.db, g.regions, new SimpleMeterRegistry());
      Future<Void> first;
      Future<Void> second;
      try (Connection holder = g.db.connect(); Statement st = holder.createStatement()) {
        holder.setAutoCommit(false);
        st.execute("lock table policy_book in access exclusive mode"); // the books cannot be read meanwhile
        // asked from the test's thread, each call is on a context of its own
        first = books.reload("371312");
        Eventually.until("the first read to wait for the books", () -> waitingReads(g) == 1);
        second = books.reload(null);
        for (int look = 0; look < 50; look++) {
          assertThat(waitingReads(g)).as("reads waiting for the books at once").isLessThanOrEqualTo(1);
        }
        assertThat(second.isComplete()).isFalse();
        holder.rollback();
      }
      first.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      second.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(g.regions.get("371312").orElseThrow().books(java.time.LocalDate.of(2019, 12, 15))).isNotNull();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** Sessions waiting for a lock while reading the published books. */
  private static long waitingReads(TestGateway g) throws Exception {
    return g.count("select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'"
        + " and query like '" + PublishedBooks.LIVE.substring(0, PublishedBooks.LIVE.indexOf(" from ")) + "%'");
  }
}
