package cn.liangxian.gateway.operator;

import cn.liangxian.gateway.audit.AuditLog;
import cn.liangxian.gateway.http.JsonBodies;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.RateLimiter;
import cn.liangxian.gateway.http.Replies;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
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
import java.util.Set;

/**
 * Operator logins and the bearer tokens they give. A token is 32 random bytes; the database keeps only
 * its SHA-256, so a copy of the database lets no one in. Five wrong passwords in a row from one address
 * lock that address out of the account for 15 minutes, each further lock twice as long (up to a day);
 * the account itself stays open to its owner elsewhere, who is told of the failures at the next login.
 * An unknown name costs the same Argon2id work as a wrong password, so the answer's timing does not
 * tell which names exist. Password work runs on a worker thread, never on the event loop.
 */
public final class OperatorAuth {
  public static final int MAX_FAILURES = 5;
  public static final Duration LOCK = Duration.ofMinutes(15);
  public static final Duration SESSION = Duration.ofHours(8);
  private static final Duration MAX_LOCK = Duration.ofHours(24);
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OperatorAuth.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String SESSION_SQL = "select a.username, a.role, a.region_code, a.township, a.village"
      + " from operator_session s join operator_account a on a.username = s.username"
      + " where s.token_hash = $1 and s.ended_at is null and s.expires_at > $2 and a.disabled_at is null";

  private final PasswordWork passwords;
  private final Pool pool;
  private final Clock clock;
  private final PasswordHasher hasher;
  private final String dummyHash;
  private final io.micrometer.core.instrument.Counter loginsOk;
  private final io.micrometer.core.instrument.Counter loginsFailed;

  public OperatorAuth(Vertx vertx, Pool pool, Clock clock, PasswordHasher hasher, String dummyHash,
      io.micrometer.core.instrument.MeterRegistry registry) {
    this.loginsOk = io.micrometer.core.instrument.Counter.builder("liangxian_operator_logins").tag("outcome", "success")
        .description("operator login attempts").register(registry);
    this.loginsFailed = io.micrometer.core.instrument.Counter.builder("liangxian_operator_logins").tag("outcome", "failure")
        .description("operator login attempts").register(registry);
    this.passwords = new PasswordWork(vertx);
    this.pool = pool;
    this.clock = clock;
    this.hasher = hasher;
    this.dummyHash = dummyHash;
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }

  /** Who the audit log says tried to log in under a name no account has. */
  static final String UNKNOWN_NAME = "(no such account)";

  /** Lets the request on with its {@link Operator}, or answers 401. */
  public void authenticate(RoutingContext ctx) {
    String h = ctx.request().getHeader("Authorization");
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7) || h.length() > 200) {
      ctx.fail(unauthorized(ctx));
      return;
    }
    pool.preparedQuery(SESSION_SQL).execute(Tuple.of(Buffer.buffer(sha256(h.substring(7).strip())), now()))
        .onSuccess(rows -> {
          if (rows.size() == 0) {
            ctx.fail(unauthorized(ctx));
            return;
          }
          Row r = rows.iterator().next();
          ctx.put(Operator.KEY, new Operator(r.getString("username"), Role.valueOf(r.getString("role")),
              new Scope(r.getString("region_code"), r.getString("township"), r.getString("village"))));
          ctx.next();
        })
        .onFailure(ctx::fail);
  }

  private static Problem unauthorized(RoutingContext ctx) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"operator\"");
    return new Problem(401, "operator-unauthorized", "Operator login required",
        "log in with POST /api/v1/operator/login and send Authorization: Bearer <token>");
  }

  /** {@code POST /api/v1/operator/login} {username, password} → {token, expiresAt, operator}. */
  public void login(RoutingContext ctx) {
    JsonObject b = JsonBodies.object(ctx, Set.of("username", "password"));
    String username = JsonBodies.requiredString(b, "username", 40).strip().toLowerCase(java.util.Locale.ROOT);
    String password = JsonBodies.requiredSecret(b, "password", 256);
    OffsetDateTime now = now();
    String address = RateLimiter.limitKeyOf(ctx);
    // whether this source is locked out is read where its try is counted (tryFrom)
    pool.preparedQuery("select a.password_hash, a.role, a.region_code, a.township, a.village, a.failed_logins, a.disabled_at"
            + " from operator_account a where a.username = $1").execute(Tuple.of(username))
        .compose(rows -> {
          Row r = rows.size() == 0 ? null : rows.iterator().next();
          // the audit names the account tried; a name no account has is not kept (it may be a password typed there)
          ctx.put(AuditTrail.ACTOR, r == null ? UNKNOWN_NAME : username);
          String hash = r == null ? dummyHash : r.getString("password_hash");
          boolean open = r != null && r.getOffsetDateTime("disabled_at") == null;
          // the try is counted before the password is checked, so guesses sent side by side are counted as they come
          Future<Boolean> mayTry = open ? tryFrom(username, address, now) : Future.succeededFuture(false);
          // the password is checked even where the answer is known, so that time tells nothing of the account
          return mayTry.compose(may -> passwords.run(() -> hasher.verify(password, hash)).compose(ok -> {
            if (!open || !may) {
              return Future.failedFuture(badLogin());
            }
            if (!ok) {
              return failed(username, address, now).compose(x -> Future.failedFuture(badLogin()));
            }
            // a hash made with weaker parameters than today's is made again from the password just proven
            Future<String> fresh = hasher.outdated(hash) ? passwords.run(() -> hasher.hash(password))
                : Future.succeededFuture();
            return fresh.compose(h -> session(ctx, username, address, r, now, hash, h));
          }));
        })
        .onSuccess(body -> {
          loginsOk.increment();
          Replies.json(ctx, 200, body);
        })
        .onFailure(e -> {
          loginsFailed.increment();
          ctx.fail(e);
        });
  }

  /**
   * A new session for a right password: this source's failures forgotten, the owner told how many there were; the
   * password's hash replaced by {@code fresh} where one was made (unless the password was changed meanwhile).
   */
  private Future<JsonObject> session(RoutingContext ctx, String username, String address, Row r, OffsetDateTime now,
      String hash, String fresh) {
    byte[] token = new byte[32];
    RANDOM.nextBytes(token);
    String t = Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    OffsetDateTime expires = now.plus(SESSION);
    Operator op = new Operator(username, Role.valueOf(r.getString("role")),
        new Scope(r.getString("region_code"), r.getString("township"), r.getString("village")));
    int failures = r.getInteger("failed_logins");
    return pool.withTransaction(c -> c.preparedQuery("update operator_account set failed_logins = 0, locked_until = null,"
            + " password_hash = case when $2::text is not null and password_hash = $3 then $2 else password_hash end"
            + " where username = $1").execute(Tuple.of(username, fresh, hash))
        .compose(x -> c.preparedQuery("delete from login_lock where username = $1 and address = $2").execute(Tuple.of(username, address)))
        .compose(x -> c.preparedQuery("insert into operator_session (token_hash, username, created_at, expires_at)"
            + " values ($1, $2, $3, $4)").execute(Tuple.of(Buffer.buffer(sha256(t)), username, now, expires))))
        .map(x -> {
          ctx.put(Operator.KEY, op);
          // the owner learns that someone tried: the failures since the last login, from any address
          return new JsonObject().put("token", t).put("expiresAt", cn.liangxian.gateway.time.UtcTime.iso(expires)).put("operator", op.toJson())
              .put("failedLoginsSinceLastLogin", failures);
        });
  }

  /**
   * Counts a try from this source before its password is checked: false where the source is locked out, or where
   * {@link #MAX_FAILURES} tries since its last lock are already counted (sent side by side, still being checked), which
   * locks it out now. Tries counted more than {@link #LOCK} apart start again from one: a count whose checks never ended
   * (the process stopped, a write failed) is not held against the source for good.
   */
  private Future<Boolean> tryFrom(String username, String address, OffsetDateTime now) {
    return pool.preparedQuery("insert into login_lock (username, address, failures, tried_at) values ($1, $2, 1, $3)"
            + " on conflict (username, address) do update set"
            + " failures = case when login_lock.locked_until > $3 then login_lock.failures"
            + " when login_lock.tried_at is null or login_lock.tried_at < $4 then 1"
            + " else login_lock.failures + 1 end,"
            + " tried_at = case when login_lock.locked_until > $3 then login_lock.tried_at else $3 end"
            + " returning failures, locked_until")
        .execute(Tuple.of(username, address, now, now.minus(LOCK)))
        .compose(rows -> {
          Row l = rows.iterator().next();
          OffsetDateTime until = l.getOffsetDateTime("locked_until");
          if (until != null && until.isAfter(now)) {
            return Future.succeededFuture(false);
          }
          if (l.getInteger("failures") <= MAX_FAILURES) {
            return Future.succeededFuture(true);
          }
          // more tries than a lock allows were counted without one being set (their checks still running, or never
          // finished): the source is locked out now, as the fifth failure would have done
          return pool.withTransaction(c -> lock(c, username, address, now)).map(false);
        });
  }

  /**
   * A wrong password from a source whose try was counted: the account's failures (to tell its owner) go up, and the
   * source is locked out once {@link #MAX_FAILURES} tries are counted (once, however many fail side by side).
   */
  private Future<Void> failed(String username, String address, OffsetDateTime now) {
    return pool.withTransaction(c -> c.preparedQuery("update operator_account set failed_logins = failed_logins + 1"
            + " where username = $1").execute(Tuple.of(username))
        .compose(x -> lock(c, username, address, now)));
  }

  /** Locks the source out of the account, once {@link #MAX_FAILURES} tries are counted and no lock holds: in {@code c}. */
  private Future<Void> lock(io.vertx.sqlclient.SqlConnection c, String username, String address, OffsetDateTime now) {
    return c.preparedQuery("select failures, locks, locked_until from login_lock where username = $1 and address = $2"
            + " for update").execute(Tuple.of(username, address))
        .compose(rows -> {
          Row l = rows.size() == 0 ? null : rows.iterator().next();
          OffsetDateTime until = l == null ? null : l.getOffsetDateTime("locked_until");
          if (l == null || l.getInteger("failures") < MAX_FAILURES || (until != null && until.isAfter(now))) {
            return Future.succeededFuture();
          }
          Duration lock = lockFor(l.getInteger("locks"));
          LOG.warn("{} tries with wrong passwords for operator account '{}' from {} (the address, or an IPv6 address's /64):"
              + " locked out of it for {} minutes", MAX_FAILURES, username, address, lock.toMinutes());
          return c.preparedQuery("update login_lock set failures = 0, locks = locks + 1, locked_until = $3"
              + " where username = $1 and address = $2").execute(Tuple.of(username, address, now.plus(lock))).mapEmpty();
        });
  }

  /** 15 minutes for a source's first lock, twice as long for each next one, a day at most. */
  static Duration lockFor(int earlierLocks) {
    Duration d = LOCK.multipliedBy(1L << Math.min(earlierLocks, 7));
    return d.compareTo(MAX_LOCK) > 0 ? MAX_LOCK : d;
  }

  private static Problem badLogin() {
    return new Problem(401, "operator-login-failed", "Login failed",
        "wrong username or password, or locked out (" + MAX_FAILURES + " failures from one address lock that address out"
            + " for " + LOCK.toMinutes() + " minutes or more)");
  }

  /** {@code POST /api/v1/operator/logout}: ends this token. */
  public void logout(RoutingContext ctx) {
    String h = ctx.request().getHeader("Authorization");
    pool.preparedQuery("update operator_session set ended_at = $2 where token_hash = $1 and ended_at is null")
        .execute(Tuple.of(Buffer.buffer(sha256(h.substring(7).strip())), now()))
        .onSuccess(x -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  /** {@code GET /api/v1/operator/me}. */
  public void me(RoutingContext ctx) {
    Replies.json(ctx, 200, Operator.of(ctx).toJson());
  }

  /** {@code POST /api/v1/operator/password} {current, password}: changes one's own password; other logins end. */
  public void changePassword(RoutingContext ctx) {
    Operator op = Operator.of(ctx);
    JsonObject b = JsonBodies.object(ctx, Set.of("current", "password"));
    String current = JsonBodies.requiredSecret(b, "current", 256);
    String next = JsonBodies.requiredSecret(b, "password", 256);
    String weak = PasswordHasher.weakness(next);
    if (weak != null) {
      throw Problem.invalidField("password", weak);
    }
    String h = ctx.request().getHeader("Authorization");
    byte[] thisToken = sha256(h.substring(7).strip());
    Buffer token = Buffer.buffer(thisToken);
    // a stolen token must not let its holder guess the password at leisure, nor many guesses at once: the login is ended
    // before its guess is checked (one guess holds it; any other sent meanwhile finds it ended), and opened again only
    // for the right password. A wrong guess leaves it ended: the next goes through the login, whose failures lock out
    pool.preparedQuery("update operator_session set ended_at = $2 where token_hash = $1 and ended_at is null")
        .execute(Tuple.of(token, now()))
        .compose(held -> held.rowCount() == 0 ? Future.failedFuture(unauthorized(ctx))
            : pool.preparedQuery("select password_hash from operator_account where username = $1").execute(Tuple.of(op.username())))
        .compose(rows -> passwords.run(() -> hasher.verify(current, rows.iterator().next().getString("password_hash"))
            ? hasher.hash(next) : null))
        .compose(hash -> {
          if (hash == null) {
            return Future.failedFuture(Problem.invalidField("current",
                "the current password is wrong; this login has ended: log in again to try once more"));
          }
          return pool.withTransaction(c -> c.preparedQuery("update operator_account set password_hash = $2 where username = $1")
              .execute(Tuple.of(op.username(), hash))
              .compose(x -> c.preparedQuery("update operator_session set ended_at = $3 where username = $1 and token_hash <> $2"
                  + " and ended_at is null").execute(Tuple.of(op.username(), token, now())))
              .compose(x -> c.preparedQuery("update operator_session set ended_at = null where token_hash = $1")
                  .execute(Tuple.of(token)))
              .compose(x -> AuditLog.record(c, AuditLog.Change.of(op.username(), "account.password", op.username(),
                  new JsonObject().put("changed", true)))));
        })
        .onSuccess(x -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
