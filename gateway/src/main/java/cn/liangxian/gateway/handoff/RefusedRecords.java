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
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;

/**
 * The operators' worklist of records a receiver refused: {@code GET /api/v1/operator/handoff/refused}
 * lists them (reason, person masked, the order) inside the operator's scope; {@code POST
 * .../refused/{id}/resolve} {action: resend | close, note} sends one again once the roster is fixed, or
 * closes it: a contribution refunded since, or a reversal of a contribution the agency never took, by whoever may resolve;
 * any other (money or cover left behind) only by finance, settled with the agency. Each resolution is audited with its
 * before and after.
 */
public final class RefusedRecords {
  /**
   * Whether a contribution's item was given back whole since: its order no longer holds it paid (a whole refund
   * releases the item; a part given back does not). By the reservation's primary key: a row or none.
   */
  static final String REFUNDED = "(r.kind = 'CONTRIBUTION' and not exists (select 1 from reservation x where x.person_id = r.person_id"
      + " and x.insurance = r.insurance and x.year = r.year and x.order_id = r.order_id and x.paid))";
  static final String LIST = "select r.id, r.kind, r.region_code, r.township, r.village, r.insurance, r.year, r.personal_fen,"
      + " r.order_id, r.answer_reason, r.answered_at, r.attempts, p.id_masked, p.id_tail, p.name, " + REFUNDED + " as refunded,"
      // how many are open in the scope, the list showing the first LIMIT of them
      + " count(*) over () as total"
      + " from handoff_record r"
      + " join person p on p.id = r.person_id where r.state = 'REFUSED' and r.resolved_at is null"
      + " and ($1::text is null or r.region_code = $1) and ($2::text is null or r.township = $2)"
      + " and ($3::text is null or r.village = $3) order by r.id limit 500";
  /**
   * The record, locked, with whether closing it leaves no money or cover behind ({@code settled}): a contribution whose
   * item was given back whole since, or a reversal whose contribution the agency never took and that was closed itself
   * because its item had been given back whole ({@code closed_refunded}: not settled with the agency while paid, when the
   * agency may hold it; one still open could be sent again, the whole of it, after part was paid back). Anything else is
   * finance's to close (settled with the agency). {@code contribution_open}: a reversal's contribution refused and not
   * closed. A reversal's contribution is one row at most (unique per order, person and insurance).
   */
  static final String ONE = "select r.kind, r.region_code, r.township, r.village, r.state, r.answer_reason, r.resolved_at,"
      + " " + REFUNDED + " as refunded, " + REFUNDED + " or coalesce(c.state not in ('ACCEPTED', 'FILED')"
      + " and c.resolved_at is not null and c.closed_refunded, false) as settled,"
      + " coalesce(c.state = 'REFUSED' and c.resolved_at is null, false) as contribution_open"
      + " from handoff_record r left join handoff_record c on r.kind = 'REVERSAL' and c.kind = 'CONTRIBUTION'"
      + " and c.order_id = r.order_id and c.person_id = r.person_id and c.insurance = r.insurance"
      + " where r.id = $1 for update of r";
  static final String RESEND = "update handoff_record set state = 'PENDING', next_attempt_at = $2, answer = null,"
      + " answer_reason = null, answered_at = null where id = $1 and state = 'REFUSED' and resolved_at is null";
  static final String CLOSE = "update handoff_record set resolved_at = $2, resolved_by = $3, resolution = $4,"
      + " closed_refunded = $5 where id = $1 and state = 'REFUSED' and resolved_at is null";

  private final Pool pool;
  private final PersonalDataCipher cipher;
  private final Clock clock;

  public RefusedRecords(Pool pool, Clock clock, PersonalDataCipher cipher) {
    this.pool = pool;
    this.cipher = cipher;
    this.clock = clock;
  }

  public void list(RoutingContext ctx) {
    Operator op = Operator.of(ctx).require(Role.ADMIN, Role.FINANCE, Role.TOWNSHIP, Role.VILLAGE);
    ctx.put(AuditTrail.ACTION, "handoff.refused.read");
    var s = op.scope();
    Replies.json(ctx, pool.preparedQuery(LIST).execute(Tuple.of(s.region(), s.township(), s.village())).map(rows -> {
      JsonArray out = new JsonArray();
      long total = 0;
      for (Row r : rows) {
        total = r.getLong("total");
        out.add(new JsonObject().put("id", r.getLong("id")).put("kind", r.getString("kind"))
            .put("region", r.getString("region_code")).put("township", r.getString("township")).put("village", r.getString("village"))
            .put("name", Masking.name(r.getString("name"))).put("idNumber", cipher.masked(r.getString("id_masked"), r.getBuffer("id_tail")))
            .put("insurance", r.getString("insurance")).put("year", r.getInteger("year")).put("personalFen", r.getLong("personal_fen"))
            .put("orderId", r.getUUID("order_id").toString()).put("reason", r.getString("answer_reason"))
            .put("refusedAt", cn.liangxian.gateway.time.UtcTime.iso(r.getOffsetDateTime("answered_at"))).put("attempts", r.getInteger("attempts"))
            .put("refunded", r.getBoolean("refunded")));
      }
      return new JsonObject().put("refused", out).put("total", total);
    }));
  }

  public void resolve(RoutingContext ctx) {
    Operator op = Operator.of(ctx).require(Role.ADMIN, Role.FINANCE, Role.TOWNSHIP);
    ctx.put(AuditTrail.ACTION, "handoff.refused.resolve");
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw Problem.invalidField("id", "id must be the number of a refused record");
    }
    JsonObject b = JsonBodies.object(ctx, Set.of("action", "note"));
    String action = JsonBodies.requiredString(b, "action", 10);
    String note = JsonBodies.requiredString(b, "note", 500);
    if (!Set.of("resend", "close").contains(action)) {
      throw Problem.invalidField("action", "action must be resend or close");
    }
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    Replies.json(ctx, pool.withTransaction(conn -> conn.preparedQuery(ONE).execute(Tuple.of(id)).compose(rows -> {
      Row r = rows.size() == 0 ? null : rows.iterator().next();
      if (r == null || !r.getString("state").equals("REFUSED") || r.getOffsetDateTime("resolved_at") != null) {
        return Future.failedFuture(Problem.notFound("refused-record-not-found", "No such refused record",
            "no unresolved refused record " + id));
      }
      op.requireScope(r.getString("region_code"), r.getString("township"), r.getString("village"));
      if (action.equals("resend") && r.getBoolean("refunded")) {
        // sent again, it would cover a person whose money went back: the agency would have the contribution after its reversal
        return Future.failedFuture(Problem.conflict("refunded-since", "Refunded since",
            "this contribution's item was refunded after the agency refused it: close the record instead of sending it again",
            new JsonObject().put("id", id)));
      }
      if (action.equals("close") && !r.getBoolean("settled") && op.role() != Role.FINANCE) {
        // closed, it would leave a resident's payment without cover (a contribution), or the agency keeping cover for money
        // paid back (a reversal): finance settles that with the agency
        return Future.failedFuture(new Problem(403, "operator-forbidden", "Not allowed for this role",
            r.getString("kind").equals("CONTRIBUTION")
                ? "this contribution's item is still paid: send it again once the agency's roster is fixed, or ask finance"
                    + " to close it (settled with the agency, or refunded)"
                : r.getBoolean("contribution_open")
                    ? "the contribution this reversal undoes is still open (it could be sent again): close it first, or ask"
                        + " finance to close this one"
                    : "the agency may have the contribution this reversal undoes: send it again, or ask finance to close it"
                        + " (settled with the agency)"));
      }
      Future<?> change = action.equals("resend") ? conn.preparedQuery(RESEND).execute(Tuple.of(id, now))
          : conn.preparedQuery(CLOSE).execute(Tuple.of(id, now, op.username(), note, r.getBoolean("refunded")));
      JsonObject before = new JsonObject().put("state", "REFUSED").put("reason", r.getString("answer_reason"));
      JsonObject after = new JsonObject().put("action", action).put("note", note)
          .put("state", action.equals("resend") ? "PENDING" : "REFUSED (closed)");
      return change.compose(x -> AuditLog.record(conn, new AuditLog.Change(op.username(), "handoff.refused.resolve",
          "handoff_record " + id, before, after))).map(after.put("id", id));
    })));
  }
}
