package cn.liangxian.gateway.handoff;

import cn.liangxian.gateway.audit.AuditLog;
import cn.liangxian.gateway.http.JsonBodies;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.Replies;
import cn.liangxian.gateway.operator.AuditTrail;
import cn.liangxian.gateway.operator.Operator;
import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.privacy.Masking;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import cn.liangxian.gateway.privacy.PersonalDataCipher;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Set;

/**
 * Refunds the agencies' news made due, while they wait: {@code GET /api/v1/operator/handoff/agency-refunds}
 * lists them inside the operator's scope, {@code POST .../agency-refunds/{id}/stop} {reason} stops one
 * (finance; audited). A stopped refund is never carried out.
 */
public final class AgencyRefundHandlers {
  static final String LIST = "select a.id, a.order_id, a.insurance, a.amount_fen, a.whole, a.reason, a.due_at, c.kind, p.id_masked, p.id_tail,"
      + " p.name, v.region_code, v.township, v.name as village from agency_refund a join agency_change c on c.change_id = a.change_id"
      + " join person p on p.id = a.person_id join household h on h.id = p.household_id join village v on v.id = h.village_id"
      + " where a.state = 'WAITING' and ($1::text is null or v.region_code = $1) and ($2::text is null or v.township = $2)"
      + " and ($3::text is null or v.name = $3) order by a.due_at limit 500";
  static final String ONE = "select a.state, v.region_code, v.township, v.name as village from agency_refund a"
      + " join person p on p.id = a.person_id join household h on h.id = p.household_id join village v on v.id = h.village_id"
      + " where a.id = $1 for update of a";
  static final String STOP = "update agency_refund set state = 'STOPPED', stopped_by = $2, stop_reason = $3 where id = $1"
      + " and state = 'WAITING'";

  private final Pool pool;
  private final PersonalDataCipher cipher;

  public AgencyRefundHandlers(Pool pool, PersonalDataCipher cipher) {
    this.pool = pool;
    this.cipher = cipher;
  }

  public void list(RoutingContext ctx) {
    Operator op = Operator.of(ctx).require(Role.ADMIN, Role.FINANCE, Role.TOWNSHIP, Role.VILLAGE);
    ctx.put(AuditTrail.ACTION, "agency.refund.read");
    var s = op.scope();
    Replies.json(ctx, pool.preparedQuery(LIST).execute(Tuple.of(s.region(), s.township(), s.village())).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        out.add(new JsonObject().put("id", r.getLong("id")).put("change", r.getString("kind")).put("reason", r.getString("reason"))
            .put("name", Masking.name(r.getString("name"))).put("idNumber", cipher.masked(r.getString("id_masked"), r.getBuffer("id_tail")))
            .put("region", r.getString("region_code")).put("township", r.getString("township")).put("village", r.getString("village"))
            .put("orderId", r.getUUID("order_id").toString()).put("insurance", r.getString("insurance"))
            .put("whole", r.getBoolean("whole")).put("amountFen", r.getLong("amount_fen"))
            .put("dueAt", cn.liangxian.gateway.time.UtcTime.iso(r.getOffsetDateTime("due_at"))));
      }
      return new JsonObject().put("waiting", out);
    }));
  }

  public void stop(RoutingContext ctx) {
    Operator op = Operator.of(ctx).require(Role.FINANCE);
    ctx.put(AuditTrail.ACTION, "agency.refund.stop");
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw Problem.invalidField("id", "id must be the number of a waiting refund");
    }
    String reason = JsonBodies.requiredString(JsonBodies.object(ctx, Set.of("reason")), "reason", 500);
    Replies.json(ctx, pool.withTransaction(conn -> conn.preparedQuery(ONE).execute(Tuple.of(id)).compose(rows -> {
      Row r = rows.size() == 0 ? null : rows.iterator().next();
      if (r == null || !r.getString("state").equals("WAITING")) {
        return Future.failedFuture(Problem.notFound("agency-refund-not-found", "No such waiting refund",
            "no refund " + id + " is waiting (it was carried out or stopped)"));
      }
      op.requireScope(r.getString("region_code"), r.getString("township"), r.getString("village"));
      JsonObject after = new JsonObject().put("id", id).put("state", "STOPPED").put("reason", reason);
      return conn.preparedQuery(STOP).execute(Tuple.of(id, op.username(), reason))
          .compose(x -> AuditLog.record(conn, new AuditLog.Change(op.username(), "agency.refund.stop", "agency_refund " + id,
              new JsonObject().put("state", "WAITING"), after)))
          .map(after);
    })));
  }
}
