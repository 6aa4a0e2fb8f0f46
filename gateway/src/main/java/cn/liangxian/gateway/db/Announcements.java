package cn.liangxian.gateway.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.pubsub.PgChannel;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway instances on one database tell each other ({@code pg_notify} inside the transaction
 * that made the change): one LISTEN connection per process for every channel, reconnected when lost.
 */
public final class Announcements {
  private static final Logger LOG = LoggerFactory.getLogger(Announcements.class);

  private final Vertx vertx;
  private final PgSubscriber subscriber;
  private final List<Runnable> onLost = new CopyOnWriteArrayList<>();
  /** The timer of the watch (0: none), and how many times it has looked. */
  private final AtomicLong watching = new AtomicLong();
  private final AtomicLong beats = new AtomicLong();

  public Announcements(Vertx vertx, PgConnectOptions db) {
    this.vertx = vertx;
    // the subscriber tries again forever and never reports the loss (its close handler runs only once it gives up):
    // its first try again is the loss; what was missed is made good by each channel's subscribe handler, run once it is back
    this.subscriber = PgSubscriber.subscriber(vertx, db).reconnectPolicy(retries -> {
      if (retries == 0) {
        LOG.warn("lost the connection that hears the other instances' announcements; reconnecting");
        onLost.forEach(Runnable::run);
      }
      return 1000L;
    });
  }

  /** What to do as soon as the connection is lost: until it is back, nothing announced is heard. */
  public void whenLost(Runnable r) {
    onLost.add(r);
  }

  /** A channel to subscribe to; its subscribe handler runs again after every reconnect. */
  public PgChannel channel(String name) {
    return subscriber.channel(name);
  }

  public Future<Void> connect() {
    return subscriber.connect();
  }

  /**
   * Listens for its own heartbeat, sent every {@code every} through a connection of its own, and closes the listening
   * connection when one is not heard within two beats: a primary lost without a reset (a host gone, a partition) leaves it
   * open and silent, and the subscriber would wait on it for good, hearing nothing, while kiosk keys and books were trusted
   * as current. It is lost at once ({@link #whenLost}), and connected again once its close completes. (A query of its own
   * on the silent connection would hold that close for Vert.x's grace period, half a minute.)
   */
  public void watch(java.time.Duration every, PgConnectOptions db) {
    long ms = every.toMillis();
    String me = java.util.UUID.randomUUID().toString();
    AtomicLong sent = new AtomicLong();
    AtomicLong heard = new AtomicLong();
    subscriber.channel(HEARTBEAT).handler(payload -> {
      if (payload != null && payload.startsWith(me + ":")) {
        heard.accumulateAndGet(Long.parseLong(payload.substring(me.length() + 1)), Math::max);
      }
    });
    heartbeats = io.vertx.pgclient.PgBuilder.pool().with(new io.vertx.sqlclient.PoolOptions().setMaxSize(1).setName("heartbeat"))
        .connectingTo(db).using(vertx).build();
    io.vertx.sqlclient.Pool pool = heartbeats;
    java.util.concurrent.atomic.AtomicReference<PgConnection> closing = new java.util.concurrent.atomic.AtomicReference<>();
    watching.set(vertx.setPeriodic(ms, t -> {
      beats.incrementAndGet();
      PgConnection c = subscriber.actualConnection();
      if (c != null && c == closing.get()) {
        return; // closing still (a silent peer holds the close for its grace period); the subscriber reconnects after it
      }
      long last = sent.get();
      if (c != null && last > 1 && heard.get() < last - 1) {
        // the heartbeat sent two beats ago never came back on the listening connection (one late beat, a database busy for
        // a moment, is not a loss)
        LOG.warn("the connection that hears the other instances' announcements did not hear this instance within {} ms;"
            + " closing it", 2 * ms);
        sent.set(0);
        closing.set(c);
        onLost.forEach(Runnable::run);
        c.close();
        return;
      }
      if (c == null) {
        sent.set(0); // connecting: nothing to hear yet
        return;
      }
      long n = last + 1;
      sent.set(n);
      pool.preparedQuery("select pg_notify($1, $2)").execute(io.vertx.sqlclient.Tuple.of(HEARTBEAT, me + ":" + n))
          .onFailure(e -> sent.compareAndSet(n, 0)); // not sent (the database unreachable): nothing to miss
    }));
  }

  /** How many times the watch has looked. */
  long beats() {
    return beats.get();
  }

  /** The channel each instance's watch sends its heartbeat on (and hears only its own). */
  static final String HEARTBEAT = "announcements_heartbeat";
  private io.vertx.sqlclient.Pool heartbeats;

  public Future<Void> close() {
    vertx.cancelTimer(watching.get());
    if (heartbeats != null) {
      heartbeats.close();
    }
    return subscriber.close();
  }
}
