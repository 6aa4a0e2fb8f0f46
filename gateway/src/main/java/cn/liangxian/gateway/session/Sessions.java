package cn.liangxian.gateway.session;

import cn.liangxian.gateway.http.Caller;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;

/**
 * Residents' sessions in PostgreSQL, so that every instance knows them: a token of 32 random bytes is
 * given once, and only its SHA-256 is kept. Nothing is cached: a session is one primary-key read, and
 * an instance can never honour a session the database no longer has.
 */
public final class Sessions {
  static final String INSERT = "insert into resident_session (token_hash, channel, subject, created_at, expires_at)"
      + " values ($1, $2, $3, $4, $5)";
  public static final String RESOLVE = "select channel, subject from resident_session where token_hash = $1 and expires_at > $2";
  static final String PRUNE = "delete from resident_session where expires_at < $1";

  /** Every statement above, prepared on each connection when it opens. */
  public static final List<String> STATEMENTS = List.of(INSERT, RESOLVE, PRUNE);

  private static final SecureRandom RANDOM = new SecureRandom();
  /** The token's form: a prefix that says what it is (and keeps it apart from an operator's), then Base64url. */
  static final String PREFIX = "lxr_";

  private final Pool pool;
  private final SqlClient reads;
  private final Clock clock;
  private final Duration life;

  /** Sessions written on {@code pool}; tokens resolved on {@code reads}, an event loop's own read connections (every request asks). */
  public Sessions(Pool pool, SqlClient reads, Clock clock, Duration life) {
    this.pool = pool;
    this.reads = reads;
    this.clock = clock;
    this.life = life;
  }

  /** A new session for a resident the channel vouched for: {token, expiresAt}. */
  public Future<JsonObject> open(String channel, String subject) {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    OffsetDateTime now = now();
    OffsetDateTime expires = now.plus(life);
    return pool.preparedQuery(INSERT).execute(Tuple.of(Buffer.buffer(sha256(token)), channel, subject, now, expires))
        .map(x -> new JsonObject().put("token", token).put("expiresAt", cn.liangxian.gateway.time.BeijingTime.iso(expires)));
  }

  /** The resident a token stands for; null when it is unknown or expired. */
  public Future<Caller> resolve(String token) {
    if (!token.startsWith(PREFIX) || token.length() > 100) {
      return Future.succeededFuture(null);
    }
    return reads.preparedQuery(RESOLVE).execute(Tuple.of(Buffer.buffer(sha256(token)), now())).map(rows -> rows.size() == 0
        ? null : Caller.resident(rows.iterator().next().getString("channel"), rows.iterator().next().getString("subject")));
  }

  /** Sessions expired more than a day ago are dropped (the leader's sweep). */
  public Future<Void> prune() {
    return pool.preparedQuery(PRUNE).execute(Tuple.of(now().minusDays(1))).mapEmpty();
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
