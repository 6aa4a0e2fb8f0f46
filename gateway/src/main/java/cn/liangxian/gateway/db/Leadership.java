package cn.liangxian.gateway.db;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which instance of a deployment does the work that must happen once (the sweep, the progress
 * gauges): the one holding a session-level advisory lock on a connection of its own. The others try
 * again at every sweep; when the leader's connection drops, PostgreSQL releases the lock and the next
 * try elsewhere takes it. Used from one event loop.
 */
public final class Leadership {
  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);
  // any number, the same in every instance: "LXSWEEP1"
  static final long LOCK = 0x4c58_5357_4545_5031L;
  /** How long a check may go unanswered before the session is taken for dead (a primary lost without a word). */
  static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);

  /**
   * How long the server keeps the leader's session when nothing comes on it, at the least. A leader whose host is lost
   * without a word (power, network) sends no close: the server, or a balancer in front of it, would keep the session,
   * and the lock with it, until its own idle timeout (HAProxy's is 30 minutes), and nobody would sweep meanwhile.
   */
  static final Duration SILENT_AT_MOST = Duration.ofSeconds(60);

  private final Vertx vertx;
  private final PgConnectOptions connectOptions;
  private final Duration answerWithin;
  private final Duration silentAtMost;
  // the session that holds (or tries for) the lock, opened once: a try due while it is still connecting waits for it,
  // else each would open a session of its own and one could keep the lock unseen, leading nowhere
  private Future<PgConnection> connection;
  private volatile boolean leading;
  // one more each time this instance begins to lead; the gauges it computes say in which term they were computed
  private final java.util.concurrent.atomic.AtomicLong term = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.Set<String> parts = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final java.util.Map<String, Long> computedIn = new java.util.concurrent.ConcurrentHashMap<>();

  /** {@code tryEvery}: how often {@link #tryLead} is called; the server ends a session silent for four times that. */
  public Leadership(Vertx vertx, PgConnectOptions connectOptions, MeterRegistry registry, Duration tryEvery) {
    this(vertx, connectOptions, registry, ANSWER_WITHIN, silentAtMost(tryEvery));
  }

  Leadership(Vertx vertx, PgConnectOptions connectOptions, MeterRegistry registry, Duration answerWithin, Duration silentAtMost) {
    this.vertx = vertx;
    this.connectOptions = connectOptions;
    this.answerWithin = answerWithin;
    this.silentAtMost = silentAtMost;
    Gauge.builder("liangxian_sweeper_leader", () -> shown() ? 1 : 0)
        .description("1 on the instance that sweeps orders and computes the leader's gauges, once it has computed those"
            + " of the sweep and the hand-off (the progress counts follow within their own interval); 0 elsewhere")
        .register(registry);
  }

  /**
   * A group of gauges only the leader computes (from the database), which dashboards and alerts read where
   * {@code liangxian_sweeper_leader} is 1: an instance that begins to lead shows 1 only once it has computed every such
   * group, so that nobody reads its values from before (zeros at its start, or stale from an earlier lead). Registered
   * before the first {@link #tryLead}.
   */
  public void computes(String part) {
    parts.add(part);
  }

  /** The lead's term as of now (one more at every lead begun), for {@link #computed}. Any thread. */
  public long term() {
    return term.get();
  }

  /** The leader computed {@code part} in the term read before it began ({@link #term}). Any thread. */
  public void computed(String part, long inTerm) {
    computedIn.put(part, inTerm);
  }

  /** Whether this instance leads and every group it computes is of this lead. */
  boolean shown() {
    long now = term.get();
    return leading && parts.stream().allMatch(p -> Long.valueOf(now).equals(computedIn.get(p)));
  }

  /** Whether this instance leads, as of the last try. Any thread. */
  public boolean leading() {
    return leading;
  }

  static Duration silentAtMost(Duration tryEvery) {
    Duration four = tryEvery.multipliedBy(4);
    return four.compareTo(SILENT_AT_MOST) > 0 ? four : SILENT_AT_MOST;
  }

  /**
   * A session of its own, which the server ends once it has been silent for {@code silentAtMost}
   * ({@code idle_session_timeout}, PostgreSQL 14 and later; an older server keeps it as before).
   */
  private Future<PgConnection> open() {
    return PgConnection.connect(vertx, connectOptions).compose(c -> c.preparedQuery("select set_config('idle_session_timeout', $1,"
            + " false) where current_setting('server_version_num')::int >= 140000")
        .execute(Tuple.of(silentAtMost.toMillis() + "ms")).map(c).recover(e -> c.close().transform(x -> Future.failedFuture(e))));
  }

  /** Leads if it can: true when this instance holds the lock, and its connection still answers. */
  public Future<Boolean> tryLead() {
    if (connection == null) {
      Future<PgConnection> opening = open();
      connection = opening;
      opening.onComplete(ar -> {
        if (ar.succeeded()) {
          ar.result().closeHandler(v -> dropped(opening));
        } else if (connection == opening) {
          connection = null;
        }
      });
    }
    Future<PgConnection> session = connection;
    // a session that stops answering (its server lost without a reset) would hold every later try, and the lead, forever:
    // past answerWithin it is given up and closed, and the next try opens another
    return session.compose(c -> (leading
        ? c.query("select true").execute().map(true)
        : c.preparedQuery("select pg_try_advisory_lock($1) as locked").execute(Tuple.of(LOCK))
            .map(rows -> rows.iterator().next().getBoolean("locked")))
        .timeout(answerWithin.toMillis(), TimeUnit.MILLISECONDS)
        .onFailure(e -> unanswered(session, c)))
        .recover(e -> {
          LOG.warn("cannot tell whether this instance leads: {}", e.toString());
          return Future.succeededFuture(false);
        })
        .map(locked -> {
          if (connection != session) {
            return false; // a session given up or lost meanwhile: its answer says nothing of the lead now
          }
          now(locked);
          return locked;
        });
  }

  private void now(boolean lead) {
    if (lead != leading) {
      LOG.info(lead ? "this instance now sweeps orders and computes the progress gauges" : "this instance no longer leads");
      if (lead) {
        term.incrementAndGet();
      }
    }
    leading = lead;
  }

  private void unanswered(Future<PgConnection> session, PgConnection c) {
    if (connection == session) {
      connection = null;
      now(false);
    }
    c.close(); // the lock goes with the session, once the server sees it closed
  }

  private void dropped(Future<PgConnection> c) {
    if (connection == c) {
      connection = null;
      now(false); // the lock went with the session
    }
  }

  /** Gives the lead up (closing the session releases the lock). */
  public Future<Void> resign() {
    Future<PgConnection> c = connection;
    connection = null;
    leading = false;
    return c == null ? Future.succeededFuture() : c.transform(ar -> ar.succeeded() ? ar.result().close() : Future.succeededFuture());
  }
}
