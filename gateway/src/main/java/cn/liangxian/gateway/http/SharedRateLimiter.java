package cn.liangxian.gateway.http;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * A token bucket per client kept in PostgreSQL, so that the limit holds for the whole deployment
 * however many instances the balancer spreads a client over (an in-memory bucket per instance lets N
 * instances grant N times the burst). One statement per request at the limits a deployment runs with: the row lock
 * orders concurrent takers. For what is asked rarely enough to afford it: a kiosk's lookups, an anonymous caller's,
 * logins.
 *
 * <p>A limit so high that a second's refill is a hundred tokens or more (a load test's) takes a lease: up to a
 * hundredth of a second's refill or of the burst, whichever is less, in one statement, spent here without asking again
 * for up to a second. Leased
 * tokens are taken from the shared bucket, and a holder keeps at most one lease per client (what two statements at once
 * took beyond it is dropped), so the instances together grant no more than the bucket gave, at most a second's lease
 * early; tokens a holder leased and did not spend within the second are lost to the others.
 */
public final class SharedRateLimiter {
  // the bucket refilled since its last take, at most the burst; one token taken when there is one
  private static final String REFILLED = "least($2::float8, b.tokens + greatest(0, extract(epoch from ($3::timestamptz - b.at))) * $4::float8)";
  /** Of the tokens there, the whole ones up to the lease ($5). */
  private static final String TAKEN = "least($5::int, floor(" + REFILLED + "))::int";
  private static final String FIRST = "least($5::int, floor($2::float8))::int";
  static final String TAKE = "insert into rate_bucket as b (key, tokens, at, granted, taken)"
      + " values ($1, $2::float8 - " + FIRST + ", $3::timestamptz, true, " + FIRST + ")"
      + " on conflict (key) do update set tokens = " + REFILLED + " - " + TAKEN + ", taken = " + TAKEN + ","
      + " granted = " + REFILLED + " >= 1, at = greatest(b.at, $3::timestamptz)"
      + " returning taken, tokens";
  static final String PRUNE = "delete from rate_bucket where at < $1";
  public static final List<String> STATEMENTS = List.of(TAKE, PRUNE);

  private final SqlClient pool;
  private final String name;
  private final double perSecond;
  private final double burst;
  private final Clock clock;
  /** Tokens taken per statement: 1 but for limits whose second's refill is more than a token. */
  private final int lease;
  /** A lease's tokens not yet spent, and until when they may be (the clock's millis). */
  private record Lease(int left, long until) {}

  /** Per client, its lease (only where a lease is more than one), the least recently used dropped. */
  private final java.util.Map<String, Lease> leased = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, Lease> eldest) {
          return size() > LEASED_CLIENTS;
        }
      });
  /** How long a lease may be spent: the second whose refill it is. */
  static final long LEASE_MILLIS = 1_000;
  static final int LEASED_CLIENTS = 10_000;
  /**
   * A lease is this share of the burst or of a second's refill, whichever is less: one token below a hundred a second
   * (360,000 an hour: no limit a deployment sets per client), and requests in flight at once that each take one leave
   * the bucket more than they took, unless they are a hundred.
   */
  static final double LEASE_SHARE = 100;

  /**
   * {@code name} keeps this limit's buckets apart from the others' in the one table (a kiosk's lookups, an address's
   * logins): each bucket's key is the name, a colon and the client.
   */
  public SharedRateLimiter(SqlClient pool, String name, int perMinute, int burst, Clock clock) {
    this.pool = pool;
    this.name = name;
    this.perSecond = perMinute / 60.0;
    this.burst = Math.max(1, burst);
    this.clock = clock;
    this.lease = (int) Math.max(1, Math.min(Math.min(this.burst, perSecond) / LEASE_SHARE, Integer.MAX_VALUE));
  }

  /** Tokens one statement takes at most. */
  int lease() {
    return lease;
  }

  /** 0 when the call may go ahead, else the seconds to wait (for Retry-After). */
  public Future<Long> acquire(String client) {
    if (lease > 1 && spentLeased(client)) {
      return Future.succeededFuture(0L);
    }
    return pool.preparedQuery(TAKE).execute(Tuple.of(name + ":" + client, burst, now(), perSecond, lease)).map(rows -> {
      Row r = rows.iterator().next();
      int taken = r.getInteger(0);
      if (taken > 1) {
        long until = clock.millis() + LEASE_MILLIS;
        // at most one lease held: what a statement running beside this one took too is dropped, never added up
        leased.merge(client, new Lease(taken - 1, until),
            (held, fresh) -> held.until() < clock.millis() ? fresh : new Lease(Math.min(lease, held.left() + fresh.left()), until));
      }
      return taken >= 1 ? 0L : (long) Math.max(1, Math.ceil((1 - r.getDouble(1)) / perSecond));
    });
  }

  /**
   * As {@link #acquire(String)}, after this process's own limit {@code here}: a caller this process already refuses
   * costs the database nothing (a flood writes no bucket row per attempt).
   */
  public Future<Long> acquire(String client, RateLimiter here) {
    long wait = here.acquire(client);
    return wait > 0 ? Future.succeededFuture(wait) : acquire(client);
  }

  /** One of the client's leased tokens spent, if it has one. */
  private boolean spentLeased(String client) {
    synchronized (leased) {
      Lease held = leased.get(client);
      if (held == null) {
        return false;
      }
      if (held.until() < clock.millis()) {
        leased.remove(client);
        return false;
      }
      if (held.left() <= 1) {
        leased.remove(client);
      } else {
        leased.put(client, new Lease(held.left() - 1, held.until()));
      }
      return true;
    }
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
