package cn.liangxian.gateway.operator;

import cn.liangxian.gateway.audit.AuditLog;
import cn.liangxian.gateway.http.JsonBodies;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.Replies;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Set;

/**
 * Administrators manage the accounts inside their scope: create, list, disable. They create no account that moves
 * money ({@link Role#movesMoney}): its password would be theirs to choose, and they could log in as it and refund.
 * Those are created on the server with {@code gateway.jar operator add}.
 */
public final class AccountHandlers {
  private final Pool pool;
  private final Clock clock;
  private final PasswordHasher hasher;

  private final PasswordWork passwords;

  public AccountHandlers(Vertx vertx, Pool pool, Clock clock, PasswordHasher hasher) {
    this.passwords = new PasswordWork(vertx);
    this.pool = pool;
    this.clock = clock;
    this.hasher = hasher;
  }

  /** {@code POST /api/v1/operator/accounts} {username, displayName, role, region, township, village, password}. */
  public void create(RoutingContext ctx) {
    Operator admin = Operator.of(ctx).require(Role.ADMIN);
    ctx.put(AuditTrail.ACTION, "account.create");
    JsonObject b = JsonBodies.object(ctx, Set.of("username", "displayName", "role", "region", "township", "village", "password"));
    String username = JsonBodies.requiredString(b, "username", 40).strip().toLowerCase(Locale.ROOT);
    if (!OperatorAccounts.USERNAME.matcher(username).matches()) {
      throw Problem.invalidField("username", "a username is 3-40 lower-case letters, digits, '.', '_' or '-'");
    }
    if (OperatorAccounts.RESERVED.contains(username)) {
      throw Problem.invalidField("username", "'" + username + "' names the gateway's own work in the audit log: choose another username");
    }
    String display = JsonBodies.optionalString(b, "displayName", 50);
    Role role = Role.of(JsonBodies.requiredString(b, "role", 20))
        .orElseThrow(() -> Problem.invalidField("role", "role is admin, finance, township or village"));
    if (role.movesMoney()) {
      throw new Problem(403, "money-account-forbidden", "Not created through the API",
          "a " + role.code() + " account moves money, and an administrator moves none: it is not created here, where its"
              + " creator would choose its password. Create it on the server: gateway.jar operator add <username> "
              + role.code() + " [<region>]");
    }
    Scope scope;
    try {
      scope = new Scope(JsonBodies.optionalString(b, "region", 6), JsonBodies.optionalString(b, "township", 50),
          JsonBodies.optionalString(b, "village", 50));
    } catch (IllegalArgumentException e) {
      throw Problem.invalidField("region", e.getMessage());
    }
    String shape = OperatorAccounts.shapeProblem(role, scope);
    if (shape != null) {
      throw Problem.invalidField("role", shape);
    }
    if (!admin.scope().contains(scope)) {
      throw admin.outOfScope(scope.toString());
    }
    String password = JsonBodies.requiredSecret(b, "password", 256);
    String weak = PasswordHasher.weakness(password);
    if (weak != null) {
      throw Problem.invalidField("password", weak);
    }
    JsonObject after = new JsonObject().put("username", username).put("role", role.code()).put("scope", scope.toString());
    passwords.run(() -> hasher.hash(password))
        .compose(hash -> pool.withTransaction(c -> c.preparedQuery(OperatorAccounts.INSERT)
            .execute(Tuple.from(new Object[] {username, display == null ? username : display, hash, role.name(), scope.region(),
                scope.township(), scope.village(), admin.username()}))
            .compose(rows -> rows.rowCount() == 0
                ? Future.failedFuture(Problem.conflict("account-exists", "Account exists", "the account " + username
                    + " exists already", null))
                : AuditLog.record(c, AuditLog.Change.of(admin.username(), "account.create", username, after)))))
        .recover(e -> e instanceof PgException pg && "23503".equals(pg.getSqlState())
            ? Future.failedFuture(Problem.invalidField("region", "region " + scope.region() + " is not served by this gateway"))
            : Future.failedFuture(e))
        .onSuccess(x -> Replies.json(ctx, 201, new JsonObject().put("username", username).put("role", role.code())
            .put("scope", Operator.scopeJson(scope))))
        .onFailure(ctx::fail);
  }

  /** {@code GET /api/v1/operator/accounts}: the accounts inside the administrator's scope. */
  public void list(RoutingContext ctx) {
    Operator admin = Operator.of(ctx).require(Role.ADMIN);
    ctx.put(AuditTrail.ACTION, "account.list");
    // wrong passwords lock the address that typed them out of the account, not the account (V7): how many addresses are
    // locked out now, and the failures since the account's last login, tell its administrator someone is trying
    Replies.json(ctx, pool.preparedQuery("select a.username, a.display_name, a.role, a.region_code, a.township, a.village,"
            + " a.disabled_at, a.failed_logins, a.created_at, a.created_by, (select count(*) from login_lock l"
            + " where l.username = a.username and l.locked_until > $2) as locked_addresses from operator_account a"
            + " where $1::text is null or a.region_code = $1 order by a.username")
        .execute(Tuple.of(admin.scope().region(), OffsetDateTime.now(clock))).map(rows -> {
          JsonArray out = new JsonArray();
          for (Row r : rows) {
            Scope s = new Scope(r.getString("region_code"), r.getString("township"), r.getString("village"));
            if (admin.scope().contains(s)) {
              out.add(new JsonObject().put("username", r.getString("username")).put("displayName", r.getString("display_name"))
                  .put("role", r.getString("role").toLowerCase(Locale.ROOT)).put("scope", Operator.scopeJson(s))
                  .put("disabled", r.getValue("disabled_at") != null)
                  .put("lockedAddresses", r.getLong("locked_addresses")).put("failedLoginsSinceLastLogin", r.getInteger("failed_logins"))
                  .put("createdAt", cn.liangxian.gateway.time.UtcTime.iso(r.getOffsetDateTime("created_at"))).put("createdBy", r.getString("created_by")));
            }
          }
          return new JsonObject().put("accounts", out);
        }));
  }

  /** {@code POST /api/v1/operator/accounts/:username/disable}: the account can no longer log in; its logins end. */
  public void disable(RoutingContext ctx) {
    Operator admin = Operator.of(ctx).require(Role.ADMIN);
    ctx.put(AuditTrail.ACTION, "account.disable");
    String username = ctx.pathParam("username");
    if (username.equals(admin.username())) {
      throw Problem.badRequest("cannot-disable-self", "Cannot disable yourself", "another administrator disables your account");
    }
    OffsetDateTime now = OffsetDateTime.now(clock);
    pool.withTransaction(c -> c.preparedQuery("select role, region_code, township, village, disabled_at from operator_account"
            + " where username = $1 for update").execute(Tuple.of(username)).compose(rows -> {
              if (rows.size() == 0) {
                return Future.failedFuture(Problem.notFound("no-such-account", "No such account", "no account " + username));
              }
              Row r = rows.iterator().next();
              Scope s = new Scope(r.getString("region_code"), r.getString("township"), r.getString("village"));
              if (!admin.scope().contains(s)) {
                return Future.failedFuture(admin.outOfScope(username + " (" + s + ")"));
              }
              boolean was = r.getValue("disabled_at") != null;
              return c.preparedQuery("update operator_account set disabled_at = coalesce(disabled_at, $2) where username = $1")
                  .execute(Tuple.of(username, now))
                  .compose(x -> c.preparedQuery("update operator_session set ended_at = $2 where username = $1 and ended_at is null")
                      .execute(Tuple.of(username, now)))
                  .compose(x -> AuditLog.record(c, new AuditLog.Change(admin.username(), "account.disable", username,
                      new JsonObject().put("disabled", was), new JsonObject().put("disabled", true))));
            }))
        .onSuccess(x -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }
}
