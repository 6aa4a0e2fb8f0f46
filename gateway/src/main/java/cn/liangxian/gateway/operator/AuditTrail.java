package cn.liangxian.gateway.operator;

import cn.liangxian.gateway.audit.AuditLog;
import cn.liangxian.gateway.http.AccessLog;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.RequestDates;
import cn.liangxian.gateway.http.Replies;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.OffsetDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one audit row per operator request once it is answered: who (name, role, scope), the request,
 * its status, the request id, the address. Changes write their own before/after rows in the same
 * transaction as the change (refunds, imports, kiosks, accounts); this row says who asked and how it
 * ended, denials and failures included. Requests without a valid login write nothing here except
 * login attempts, which name the account tried.
 */
public final class AuditTrail {
  private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
  /** The account a login attempt named (set by the login route). */
  static final String ACTOR = "audit.actor";
  /** A short name of the action (set by a route; default: method and route). */
  public static final String ACTION = "audit.action";

  private final Pool pool;
  private final Clock clock;
  private final Counter failures;

  public AuditTrail(Pool pool, Clock clock, MeterRegistry registry) {
    this.pool = pool;
    this.clock = clock;
    this.failures = Counter.builder("liangxian_audit_write_failures").description("operator audit rows that could not be written")
        .register(registry);
  }

  /** First handler of the operator routes: arranges the row to be written when the request ends. */
  public void handle(RoutingContext ctx) {
    OffsetDateTime at = OffsetDateTime.now(clock);
    ctx.addEndHandler(v -> write(ctx, at));
    ctx.next();
  }

  private void write(RoutingContext ctx, OffsetDateTime at) {
    Operator op = ctx.get(Operator.KEY);
    String actor = op != null ? op.username() : ctx.get(ACTOR);
    if (actor == null) {
      return; // no login: nothing an operator did
    }
    String route = ctx.currentRoute() == null || ctx.currentRoute().getPath() == null ? ctx.normalizedPath()
        : ctx.currentRoute().getPath();
    String action = ctx.get(ACTION) != null ? ctx.get(ACTION) : ctx.request().method().name() + " " + route;
    Object requestId = ctx.get(AccessLog.KEY);
    AuditLog.request(pool, new AuditLog.Request(at, actor, op == null ? null : op.role().code(),
            op == null ? null : op.scope().toString(), action, ctx.request().method().name(), ctx.normalizedPath(),
            ctx.response().getStatusCode(), requestId == null ? null : requestId.toString(),
            cn.liangxian.gateway.http.ClientAddress.of(ctx)))
        .onFailure(e -> {
          failures.increment();
          LOG.error("audit row not written for {} {}: {}", ctx.request().method(), ctx.normalizedPath(), e.toString());
        });
  }

  /**
   * {@code GET /api/v1/operator/audit[?actor=&since=&limit=]}, administrators only: newest first, rows of
   * accounts inside the administrator's scope (and the changes they made).
   */
  public void list(RoutingContext ctx) {
    Operator op = Operator.of(ctx).require(Role.ADMIN);
    ctx.put(ACTION, "audit.read");
    String actor = ctx.queryParams().get("actor");
    OffsetDateTime since;
    int limit;
    since = ctx.queryParams().contains("since") ? RequestDates.instant(ctx.queryParams().get("since"), "since")
        : OffsetDateTime.parse("2000-01-01T00:00:00Z");
    try {
      limit = ctx.queryParams().contains("limit") ? Integer.parseInt(ctx.queryParams().get("limit")) : 200;
    } catch (NumberFormatException e) {
      throw Problem.invalidField("limit", "limit is a whole number");
    }
    if (limit < 1 || limit > 5000) {
      throw Problem.invalidField("limit", "limit is 1-5000");
    }
    Replies.json(ctx, AuditLog.read(pool, since, actor, op.scope().region(), limit)
        .map(entries -> new JsonObject().put("entries", entries)));
  }
}
