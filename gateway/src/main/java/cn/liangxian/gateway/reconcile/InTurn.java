package cn.liangxian.gateway.reconcile;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Tasks started in their order, a few under way at once: a reconciliation's thousands of repairs wait here, not on the
 * event loop's small connection pool, where the loop's requests (and the run's own claim renewal) would wait behind them.
 */
final class InTurn {
  private InTurn() {}

  /**
   * Starts the tasks in their order, at most {@code width} under way at once, each when one before it is done; done once
   * all are, failed (by the first failure) if any failed, as {@link Future#join} is. On the caller's event loop.
   */
  static Future<Void> of(List<Supplier<Future<?>>> tasks, int width) {
    AtomicInteger next = new AtomicInteger();
    Throwable[] first = {null};
    List<Future<Void>> lanes = new ArrayList<>();
    for (int i = 0; i < Math.min(width, tasks.size()); i++) {
      Promise<Void> lane = Promise.promise();
      lanes.add(lane.future());
      lane(tasks, next, first, lane);
    }
    return Future.join(lanes).transform(x -> first[0] == null ? Future.succeededFuture() : Future.failedFuture(first[0]));
  }

  /** One lane: the next task not started, until none is left (a loop, not a recursion, past those done at once). */
  private static void lane(List<Supplier<Future<?>>> tasks, AtomicInteger next, Throwable[] first, Promise<Void> lane) {
    while (true) {
      int i = next.getAndIncrement();
      if (i >= tasks.size()) {
        lane.complete();
        return;
      }
      Future<?> f;
      try {
        f = tasks.get(i).get();
      } catch (Throwable e) {
        // a task that throws as it starts has failed; its lane goes on, so that the whole is done all the same
        f = Future.failedFuture(e);
      }
      if (!f.isComplete()) {
        f.onComplete(ar -> {
          if (ar.failed() && first[0] == null) {
            first[0] = ar.cause();
          }
          lane(tasks, next, first, lane);
        });
        return;
      }
      if (f.failed() && first[0] == null) {
        first[0] = f.cause();
      }
    }
  }
}
