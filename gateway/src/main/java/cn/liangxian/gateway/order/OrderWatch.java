package cn.liangxian.gateway.order;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
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
  public record Waiter(UUID order, Context context, Promise<Void> woken) {
    void wake() {
      context.runOnContext(v -> woken.tryComplete());
    }
  }

  private final ConcurrentHashMap<UUID, Set<Waiter>> waiting = new ConcurrentHashMap<>();
  private final AtomicInteger count = new AtomicInteger();
  private final int cap;
  private final PgSubscriber subscriber;

  private OrderWatch(PgSubscriber subscriber, int cap) {
    this.subscriber = subscriber;
    this.cap = cap;
  }

  /** Listens on the database; the future completes once notifications are being received. */
  public static Future<OrderWatch> start(Vertx vertx, PgConnectOptions db, int cap, MeterRegistry registry) {
    PgSubscriber s = PgSubscriber.subscriber(vertx, db).reconnectPolicy(retries -> 1000L);
    OrderWatch w = new OrderWatch(s, cap);
    Gauge.builder("liangxian_order_waiters", w, OrderWatch::waiting).description("status requests waiting for a change")
        .register(registry);
    Promise<Void> listening = Promise.promise();
    s.channel(CHANNEL).subscribeHandler(v -> listening.tryComplete()).handler(w::notified);
    // should the subscriber stop for good no notification would come: everyone looks again at once
    s.closeHandler(v -> w.wakeAll());
    return s.connect().compose(x -> listening.future()).map(w);
  }

  /** A waiter on this order for the calling request's event loop; null when too many wait already. */
  public Waiter watch(UUID order) {
    if (count.incrementAndGet() > cap) {
      count.decrementAndGet();
      return null;
    }
    Waiter w = new Waiter(order, Vertx.currentContext(), Promise.promise());
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

  private void wakeAll() {
    waiting.values().forEach(set -> set.forEach(Waiter::wake));
  }

  public Future<Void> close() {
    return subscriber.close();
  }
}
