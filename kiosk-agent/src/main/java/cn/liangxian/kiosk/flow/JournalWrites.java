package cn.liangxian.kiosk.flow;

import cn.liangxian.kiosk.journal.OrderJournal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Journal writes fsync: on a worker, never on an event loop. Ordered, so one order's records keep their order. */
final class JournalWrites {

  private static final Logger LOG = LoggerFactory.getLogger(JournalWrites.class);

  private final Vertx vertx;
  private final OrderJournal journal;

  JournalWrites(Vertx vertx, OrderJournal journal) {
    this.vertx = vertx;
    this.journal = journal;
  }

  @FunctionalInterface
  interface JournalWrite {
    void run() throws IOException;
  }

  Future<Void> write(JournalWrite w) {
    return vertx.executeBlocking(() -> {
      w.run();
      return null;
    }, true);
  }

  /** Closes an order in the journal; a failed write is logged, the resident is not held up by it. */
  void closeQuietly(String key, String why) {
    write(() -> journal.closed(key, why)).onFailure(e -> LOG.error("journal write failed: {}", e.toString()));
  }
}
