package cn.liangxian.gateway.http;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * A token bucket per client kept in PostgreSQL, so that the limit holds for the whole deployment
 * however many instances the balancer spreads a client over (an in-memory bucket per instance lets N
 * instances grant N times the burst). One statement per request: the row lock orders concurrent takers. For what is
 * asked rarely enough to afford it: a kiosk's lookups, logins.
 */
public final class SharedRateLimiter {
  // the bucket refilled since its last take, at most the burst; one token taken when there is one
  private static final String REFILLED = "least($2::float8, b.tokens + greatest(0, extract(epoch from ($3::timestamptz - b.at))) * $4::float8)";
  static final String TAKE = "insert into rate_bucket as b (key, tokens, at, granted) values ($1, $2::float8 - 1, $3::timestamptz, true)"
      + " on conflict (key) do update set tokens = " + REFILLED + " - case when " + REFILLED + " >= 1 then 1 else 0 end,"
      + " granted = " + REFILLED + " >= 1, at = greatest(b.at, $3::timestamptz)"
      + " returning granted, tokens";
  static final String PRUNE = "delete from rate_bucket where at < $1";
  public static final List<String> STATEMENTS = List.of(TAKE, PRUNE);

  private final Pool pool;
  private final String name;
  private final double perSecond;
  private final double burst;
  private final Clock clock;

  /**
   * {@code name} keeps this limit's buckets apart from the others' in the one table (a kiosk's lookups, an address's
   * logins): each bucket's key is the name, a colon and the client.
   */
  public SharedRateLimiter(Pool pool, String name, int perMinute, int burst, Clock clock) {
    this.pool = pool;
    this.name = name;
    this.perSecond = perMinute / 60.0;
    this.burst = Math.max(1, burst);
    this.clock = clock;
  }

  /** 0 when the call may go ahead, else the seconds to wait (for Retry-After). */
  public Future<Long> acquire(String client) {
    return pool.preparedQuery(TAKE).execute(Tuple.of(name + ":" + client, burst, now(), perSecond)).map(rows -> {
      Row r = rows.iterator().next();
      return r.getBoolean(0) ? 0L : (long) Math.max(1, Math.ceil((1 - r.getDouble(1)) / perSecond));
    });
  }

  /** How long an empty bucket of this limit takes to be full again, and a minute more. */
  long refillSeconds() {
    return (long) Math.ceil(burst / perSecond) + 60;
  }

  /**
   * Buckets untouched long enough to be full again are dropped (the leader's sweep): those of every limit sharing the
   * table, after the longest refill of {@code limits}, so that none is dropped before it is full.
   */
  public static Future<Void> prune(Pool pool, Clock clock, List<SharedRateLimiter> limits) {
    long refillSeconds = limits.stream().mapToLong(SharedRateLimiter::refillSeconds).max().orElse(60);
    return pool.preparedQuery(PRUNE).execute(Tuple.of(OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC)
        .minusSeconds(refillSeconds))).mapEmpty();
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }
}
