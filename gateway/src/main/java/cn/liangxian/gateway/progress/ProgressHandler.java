package cn.liangxian.gateway.progress;

import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.RequestDates;
import cn.liangxian.gateway.http.Replies;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.operator.AuditTrail;
import cn.liangxian.gateway.operator.Operator;
import cn.liangxian.gateway.operator.OperatorPaths;
import cn.liangxian.gateway.operator.Scope;
import cn.liangxian.policy.Insurance;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The operators' live progress route, per township and village, inside the operator's scope. */
public final class ProgressHandler {
  private final Regions regions;
  private final Progress progress;

  public ProgressHandler(Regions regions, Progress progress) {
    this.regions = regions;
    this.progress = progress;
  }

  /**
   * {@code GET /api/v1/operator/progress/:region/:insurance[?year=]}: every role; a township sees its own
   * township and villages, a village collector its own village.
   */
  public void handle(RoutingContext ctx) {
    Operator op = Operator.of(ctx);
    ctx.put(AuditTrail.ACTION, "progress.read");
    Insurance ins = OperatorPaths.insurance(ctx);
    Regions.Entry entry = OperatorPaths.region(ctx, regions);
    if (!op.scope().touches(entry.code())) {
      throw op.outOfScope(entry.code());
    }
    int year = ctx.queryParams().contains("year") ? RequestDates.year(ctx.queryParams().get("year"), "year")
        : entry.book().terms(ins).orElseThrow(() -> Problem.notFound("not-offered", "Not offered",
            ins.code() + " is not collected in " + entry.code())).benefitYear();
    Replies.jsonOrCsv(ctx, progress.of(entry.code(), ins.code(), year).map(p -> within(p, op.scope())), Progress::csv);
  }

  /** The part of a progress answer inside a scope, totals recomputed from what remains. */
  static JsonObject within(JsonObject p, Scope scope) {
    if (scope.township() == null) {
      return p;
    }
    JsonArray townships = new JsonArray();
    long enrolled = 0;
    long paid = 0;
    long target = 0;
    for (Object o : p.getJsonArray("townships")) {
      JsonObject t = (JsonObject) o;
      if (!t.getString("township").equals(scope.township())) {
        continue;
      }
      JsonObject keep = t;
      if (scope.village() != null) {
        JsonArray villages = new JsonArray();
        t.getJsonArray("villages").forEach(v -> {
          if (scope.village().equals(((JsonObject) v).getString("village"))) {
            villages.add(v);
          }
        });
        // a village collector sees the village alone: the township's totals are not theirs to see
        keep = villages.isEmpty() ? null : villages.getJsonObject(0).copy().put("township", t.getString("township"))
            .put("villages", villages);
      }
      if (keep != null) {
        townships.add(keep);
        enrolled += keep.getLong("enrolled");
        paid += keep.getLong("paid");
        target += keep.getLong("target") == null ? 0 : keep.getLong("target");
      }
    }
    return p.copy().put("enrolled", enrolled).put("paid", paid).put("target", target)
        .put("paidRate", target == 0 ? null : paid / (double) target).put("townships", townships).put("scope", scope.toString());
  }
}
