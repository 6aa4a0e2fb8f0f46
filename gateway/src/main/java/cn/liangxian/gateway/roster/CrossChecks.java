package cn.liangxian.gateway.roster;

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
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The cross-check worklist: a person on two departments' lists (000 三(一)2(4)) waits here until an
 * operator chooses the category that applies, with the reason; until then the person is assessed on the
 * most favourable one. {@code GET /api/v1/operator/cross-checks}, {@code POST
 * /api/v1/operator/cross-checks/{memberRef}/resolve} {category, reason}; each resolution audited.
 */
public final class CrossChecks {
  static final String LIST = "select p.ref, p.id_masked, p.id_tail, p.name, x.categories, x.departments, x.flagged_at, v.region_code, v.township,"
      + " v.name as village from cross_check x join person p on p.id = x.person_id join household h on h.id = p.household_id"
      + " join village v on v.id = h.village_id where x.resolved_at is null and ($1::text is null or v.region_code = $1)"
      + " and ($2::text is null or v.township = $2) and ($3::text is null or v.name = $3) order by x.flagged_at limit 500";
  static final String ONE = "select x.person_id, x.categories, x.departments, x.resolved_at, v.region_code, v.township,"
      + " v.name as village from cross_check x join person p on p.id = x.person_id join household h on h.id = p.household_id"
      + " join village v on v.id = h.village_id where p.ref = $1 for update of x";
  static final String RESOLVE = "update cross_check set resolved_at = $2, resolved_by = $3, resolved_category = $4, resolution = $5"
      + " where person_id = $1 and resolved_at is null";

  private final Pool pool;
  private final PersonalDataCipher cipher;
  private final Clock clock;

  public CrossChecks(Pool pool, Clock clock, PersonalDataCipher cipher) {
    this.pool = pool;
    this.cipher = cipher;
    this.clock = clock;
  }

  public void list(RoutingContext ctx) {
    Operator op = Operator.of(ctx).require(Role.ADMIN, Role.TOWNSHIP, Role.VILLAGE, Role.FINANCE);
    ctx.put(AuditTrail.ACTION, "cross-check.read");
    var s = op.scope();
    Replies.json(ctx, pool.preparedQuery(LIST).execute(Tuple.of(s.region(), s.township(), s.village())).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        out.add(new JsonObject().put("memberRef", r.getUUID("ref").toString()).put("name", Masking.name(r.getString("name")))
            .put("idNumber", cipher.masked(r.getString("id_masked"), r.getBuffer("id_tail"))).put("region", r.getString("region_code"))
            .put("township", r.getString("township")).put("village", r.getString("village"))
            .put("categories", new JsonArray(List.of(r.getArrayOfStrings("categories"))))
            .put("departments", new JsonArray(List.of(r.getArrayOfStrings("departments"))))
            .put("flaggedAt", cn.liangxian.gateway.time.UtcTime.iso(r.getOffsetDateTime("flagged_at"))));
      }
      return new JsonObject().put("crossChecks", out);
    }));
  }

  public void resolve(RoutingContext ctx) {
    Operator op = Operator.of(ctx).require(Role.ADMIN, Role.TOWNSHIP);
    ctx.put(AuditTrail.ACTION, "cross-check.resolve");
    UUID ref;
    try {
      ref = UUID.fromString(ctx.pathParam("memberRef"));
    } catch (IllegalArgumentException e) {
      throw Problem.invalidField("memberRef", "memberRef must be a member reference");
    }
    JsonObject b = JsonBodies.object(ctx, Set.of("category", "reason"));
    String category = JsonBodies.requiredString(b, "category", 40);
    String reason = JsonBodies.requiredString(b, "reason", 500);
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    Replies.json(ctx, pool.withTransaction(conn -> conn.preparedQuery(ONE).execute(Tuple.of(ref)).compose(rows -> {
      Row r = rows.size() == 0 ? null : rows.iterator().next();
      if (r == null || r.getOffsetDateTime("resolved_at") != null) {
        return Future.failedFuture(Problem.notFound("cross-check-not-found", "No such open cross-check",
            "member " + ref + " has no unresolved cross-check"));
      }
      op.requireScope(r.getString("region_code"), r.getString("township"), r.getString("village"));
      List<String> flagged = Arrays.asList(r.getArrayOfStrings("categories"));
      if (!flagged.contains(category)) {
        return Future.failedFuture(Problem.invalidField("category", "category must be one of the flagged " + flagged));
      }
      JsonObject before = new JsonObject().put("categories", new JsonArray(flagged))
          .put("departments", new JsonArray(List.of(r.getArrayOfStrings("departments"))));
      JsonObject after = new JsonObject().put("memberRef", ref.toString()).put("category", category).put("reason", reason);
      return conn.preparedQuery(RESOLVE).execute(Tuple.of(r.getLong("person_id"), now, op.username(), category, reason))
          .compose(x -> AuditLog.record(conn, new AuditLog.Change(op.username(), "cross-check.resolve", "member " + ref, before, after)))
          .map(after);
    })));
  }
}
