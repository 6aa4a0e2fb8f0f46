package cn.liangxian.gateway.order;

import cn.liangxian.gateway.db.Announcements;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests waiting for an order's state to change, woken by PostgreSQL: every transaction changing a
 * state notifies {@value #CHANNEL} with the order id, whichever gateway ran it, and one subscriber per
 * process fans the notification out to the requests waiting here. Bounded: beyond the cap a caller is
 * answered at once, as without waiting.
 */
public final class OrderWatch {
  private static final Logger LOG = LoggerFactory.getLogger(OrderWatch.class);
  static final String CHANNEL = "order_state";

  /** One waiting request: woken on its own event loop, once. */
  public record Waiter(UUID order, Context context, Promise<Void> woken, Counter changes) {
    void wake() {
      context.runOnContext(v -> {
        if (woken.tryComplete()) {
          changes.increment();
        }
      });
    }
  }

  private final ConcurrentHashMap<UUID, Set<Waiter>> waiting = new ConcurrentHashMap<>();
  private final AtomicInteger count = new AtomicInteger();
  private final int cap;
  private final Promise<Void> listening = Promise.promise();

  /** Held requests answered because their order may have changed, and because their time was up. */
  private final Counter changes;
  private final Counter timesUp;

  private OrderWatch(int cap, MeterRegistry registry) {
    this.cap = cap;
    this.changes = Counter.builder("liangxian_order_waits").tag("ended", "change")
        .description("held status requests answered, by what ended the wait").register(registry);
    this.timesUp = Counter.builder("liangxian_order_waits").tag("ended", "time")
        .description("held status requests answered, by what ended the wait").register(registry);
  }

  /** Listens for state changes on the process's announcements; {@link #listening()} once they are heard. */
  public static OrderWatch start(Announcements announcements, int cap, MeterRegistry registry) {
    OrderWatch w = new OrderWatch(cap, registry);
    Gauge.builder("liangxian_order_waiters", w, OrderWatch::waiting).description("status requests waiting for a change")
        .register(registry);
    // heard again after a lost connection, whatever changed meanwhile was missed: everyone looks again at once
    announcements.channel(CHANNEL).subscribeHandler(v -> {
      w.listening.tryComplete();
      w.wakeAll();
    }).handler(w::notified);
    return w;
  }

  public Future<Void> listening() {
    return listening.future();
  }

  /** A waiter on this order for the calling request's event loop; null when too many wait already. */
  public Waiter watch(UUID order) {
    if (count.incrementAndGet() > cap) {
      count.decrementAndGet();
      return null;
    }
    Waiter w = new Waiter(order, Vertx.currentContext(), Promise.promise(), changes);
    waiting.computeIfAbsent(order, k -> ConcurrentHashMap.newKeySet()).add(w);
    return w;
  }

  /** Stops waiting (answered, timed out, or the client went away); safe to call twice. */
  public void forget(Waiter w) {
    waiting.computeIfPresent(w.order(), (k, set) -> {
      if (set.remove(w)) {
        count.decrementAndGet();
      }
      return set.isEmpty() ? null : set;
    });
  }

  /** The wait asked for is over with nothing heard: the request is answered with the order as it is. */
  public void timeUp(Waiter w) {
    if (w.woken().tryComplete()) {
      timesUp.increment();
    }
  }

  public int waiting() {
    return count.get();
  }

  private void notified(String payload) {
    UUID id;
    try {
      id = UUID.fromString(payload);
    } catch (IllegalArgumentException e) {
      LOG.warn("ignored a notification on {} that names no order", CHANNEL);
      return;
    }
    Set<Waiter> woken = waiting.get(id);
    if (woken != null) {
      woken.forEach(Waiter::wake);
    }
  }

  /** Every waiting request looks again now (the connection was lost and is back, or the process is stopping). */
  public void wakeAll() {
    waiting.values().forEach(set -> set.forEach(Waiter::wake));
  }
}
