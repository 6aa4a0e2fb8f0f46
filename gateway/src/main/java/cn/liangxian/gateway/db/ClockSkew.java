package cn.liangxian.gateway.db;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How far this instance's clock is from the database's: every instance stamps what it writes with its own clock (an
 * order's creation, a lease, a kiosk's nonce), and the others compare those stamps with theirs. Instances whose clocks
 * drift apart by minutes fail orders whose channel call is still under way elsewhere, take over a reconciliation still
 * running, or let a kiosk's request be replayed. Shown per instance as {@code liangxian_clock_skew_seconds} (the
 * database's time less this instance's, the round trip's half taken off), for the alert {@code ClockSkew}: NTP on every
 * host keeps it under a second.
 */
public final class ClockSkew {
  static final String NOW = "select clock_timestamp() as now";

  private final Pool pool;
  private final Clock clock;
  private final AtomicReference<Double> skew = new AtomicReference<>(Double.NaN);

  public ClockSkew(Pool pool, Clock clock, MeterRegistry registry) {
    this.pool = pool;
    this.clock = clock;
    Gauge.builder("liangxian_clock_skew_seconds", skew, AtomicReference::get)
        .description("the database's clock less this instance's, in seconds (NaN until first measured)").register(registry);
  }

  /** Measures once; the skew in seconds. */
  public Future<Double> measure() {
    // the clocks are read once the connection is held: a wait for one (at the peak) is no part of the round trip
    return pool.withConnection(conn -> {
      Instant before = clock.instant();
      long sent = System.nanoTime();
      return conn.query(NOW).execute().map(rows -> {
        long roundTripNanos = System.nanoTime() - sent;
        Instant db = rows.iterator().next().getOffsetDateTime("now").toInstant();
        // the database read its clock about half way through the round trip
        double mine = before.getEpochSecond() + before.getNano() / 1e9 + roundTripNanos / 2e9;
        double s = db.getEpochSecond() + db.getNano() / 1e9 - mine;
        skew.set(s);
        return s;
      });
    });
  }
}
