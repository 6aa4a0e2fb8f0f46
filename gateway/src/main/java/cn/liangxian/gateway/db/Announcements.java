package cn.liangxian.gateway.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.pubsub.PgChannel;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
  /** The heartbeat's watch, once started; closed with the rest. */
  private volatile Watch watch;

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
   * Listens for its own heartbeat, sent every {@code every} through a connection of its own, and takes the listening
   * connection for lost when a heartbeat the database took is not heard on it a beat later, or when the database does not
   * take one within two beats: a primary lost without a reset (a host gone, a partition) leaves the connection open and
   * silent, and the subscriber would wait on it for good, hearing nothing, while kiosk keys and books were trusted as
   * current. It is lost at once ({@link #whenLost}), closed, and connected again once its close completes (a silent peer
   * holds a close for Vert.x's grace period); the heartbeat's own connection, which may have gone to the same lost primary,
   * is replaced. The counts start again with every listening connection.
   */
  public void watch(java.time.Duration every, PgConnectOptions db) {
    Watch w = watching(every, db);
    w.timer = vertx.setPeriodic(every.toMillis(), t -> w.beat());
  }

  /**
   * The watch of {@link #watch} with no timer: each {@link Watch#beat} is a look the caller makes (a test then drives the
   * beats at its own pace, and waits for what each one sent to be heard rather than for a clock).
   */
  Watch watching(java.time.Duration every, PgConnectOptions db) {
    Watch w = new Watch(db, every.toMillis());
    synchronized (this) {
      if (watch != null) {
        throw new IllegalStateException("already watching");
      }
      watch = w;
    }
    subscriber.channel(HEARTBEAT).handler(w::heard);
    return w;
  }

  /** The watch's state, for one listening connection at a time (a generation); its methods run on any thread. */
  final class Watch {
    private final String me = java.util.UUID.randomUUID().toString();
    private final PgConnectOptions db;
    private final long ms;
    /** The periodic timer that beats (-1: beaten by hand). */
    private volatile long timer = -1;
    /** How many times it has looked. */
    private long beats;
    private io.vertx.sqlclient.Pool pool;
    private PgConnection listening;
    private PgConnection closing;
    private long generation;
    private long next;
    private long confirmed;
    private long heard;
    /** The beat the heartbeat still unanswered was sent at, or -1. */
    private long outstandingSince = -1;

    Watch(PgConnectOptions db, long ms) {
      this.db = db;
      this.ms = ms;
      this.pool = pool();
    }

    private io.vertx.sqlclient.Pool pool() {
      return io.vertx.pgclient.PgBuilder.pool().with(new io.vertx.sqlclient.PoolOptions().setMaxSize(1).setName("heartbeat"))
          .connectingTo(db).using(vertx).build();
    }

    synchronized void heard(String payload) {
      if (payload == null || !payload.startsWith(me + ":")) {
        return; // another instance's
      }
      String[] gn = payload.substring(me.length() + 1).split(":");
      if (gn.length == 2 && Long.parseLong(gn[0]) == generation) {
        heard = Math.max(heard, Long.parseLong(gn[1]));
      }
    }

    /**
     * One look: the listening connection taken for lost, or the next heartbeat sent, or nothing while one is awaited or
     * the subscriber connects. True when it sent a heartbeat.
     */
    synchronized boolean beat() {
      long beat = ++beats;
      PgConnection c = subscriber.actualConnection();
      if (c == null || c == closing) {
        return false; // connecting, or the lost one still closing: the subscriber connects again after it
      }
      if (c != listening) {
        listening = c;
        generation++;
        next = 0;
        confirmed = 0;
        heard = 0;
        outstandingSince = -1;
      }
      // the heartbeat before the last one the database took is heard by now (the last may still be on its way)
      boolean deaf = heard < confirmed - 1;
      boolean unanswered = outstandingSince >= 0 && beat - outstandingSince >= 2;
      if (deaf || unanswered) {
        LOG.warn("the connection that hears the other instances' announcements is taken for lost: {}; closing it", deaf
            ? "it did not hear this instance's heartbeat within " + ms + " ms" : "the database took no heartbeat in " + 2 * ms + " ms");
        closing = c;
        listening = null;
        io.vertx.sqlclient.Pool old = pool;
        pool = pool();
        old.close();
        onLost.forEach(Runnable::run);
        c.close();
        return false;
      }
      if (outstandingSince >= 0) {
        return false; // one heartbeat at a time
      }
      long g = generation;
      long n = ++next;
      outstandingSince = beat;
      pool.preparedQuery("select pg_notify($1, $2)").execute(io.vertx.sqlclient.Tuple.of(HEARTBEAT, me + ":" + g + ":" + n))
          .onComplete(ar -> answered(g, n, ar.succeeded()));
      return true;
    }

    private synchronized void answered(long g, long n, boolean taken) {
      if (g != generation) {
        return; // of an earlier listening connection
      }
      outstandingSince = -1;
      if (taken) {
        confirmed = Math.max(confirmed, n); // not taken (the database refused it): nothing to hear
      }
    }

    /** How many times it has looked. */
    synchronized long beats() {
      return beats;
    }

    /** Whether a heartbeat sent is still awaiting the database's answer. */
    synchronized boolean awaitingAnswer() {
      return outstandingSince >= 0;
    }

    /** Whether every heartbeat sent on this listening connection was answered and heard: the next beat finds it well. */
    synchronized boolean settled() {
      return listening != null && outstandingSince < 0 && heard >= confirmed;
    }

    synchronized void close() {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
      pool.close();
    }
  }

  /** The channel each instance's watch sends its heartbeat on (and hears only its own). */
  static final String HEARTBEAT = "announcements_heartbeat";

  public Future<Void> close() {
    Watch w = watch;
    if (w != null) {
      w.close();
    }
    return subscriber.close();
  }
}
