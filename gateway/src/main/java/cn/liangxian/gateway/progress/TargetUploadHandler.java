package cn.liangxian.gateway.progress;

import cn.liangxian.gateway.operator.Operator;
import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.operator.AuditTrail;
import cn.liangxian.gateway.audit.AuditLog;
import cn.liangxian.gateway.http.CsvUploads;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.Replies;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.progress.Targets;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * {@code POST /api/v1/operator/targets?file=<name>} (administrators, {@code text/csv}): a published target
 * table, {@code region_code,township,village,insurance,year,target,source}. All or nothing: any bad
 * line, unknown region or row outside the administrator's scope and nothing changes. The audit log
 * keeps every target before and after.
 */
public final class TargetUploadHandler {
  private final Pool pool;
  private final Regions regions;

  public TargetUploadHandler(Pool pool, Regions regions) {
    this.pool = pool;
    this.regions = regions;
  }

  public void handle(RoutingContext ctx) {
    Operator op = Operator.of(ctx).require(Role.ADMIN);
    ctx.put(AuditTrail.ACTION, "targets.import");
    String file = CsvUploads.fileName(ctx, "targets.csv");
    List<Targets.Target> rows;
    try {
      // as rosters: UTF-8, else the GBK a spreadsheet saves
      rows = Targets.parse(file, ctx.body() == null || ctx.body().buffer() == null ? "" : CsvUploads.decode(ctx.body().buffer().getBytes()));
    } catch (Targets.BadTargets e) {
      throw Problem.unprocessable("targets-not-importable", "Targets not importable", e.getMessage(),
          new JsonObject().put("problems", new JsonArray(e.problems())));
    }
    if (rows.isEmpty()) {
      throw Problem.badRequest("empty-targets", "No targets", "the table has no rows");
    }
    for (Targets.Target t : rows) {
      if (regions.get(t.region()).isEmpty()) {
        throw Problem.unprocessable("targets-not-importable", "Targets not importable", "line " + t.line() + ": region "
            + t.region() + " is not served", null);
      }
      if (!op.scope().covers(t.region(), t.township(), t.village().isEmpty() ? null : t.village())) {
        throw op.outOfScope("line " + t.line() + " (" + t.region() + "/" + t.township() + ")");
      }
    }
    JsonArray before = new JsonArray();
    JsonArray after = new JsonArray();
    pool.withTransaction(c -> {
      Future<?> f = Future.succeededFuture();
      for (Targets.Target t : rows) {
        f = f.compose(x -> c.preparedQuery("select target from target where region_code = $1 and township = $2 and village = $3"
                + " and insurance = $4 and year = $5 for update")
            .execute(Tuple.of(t.region(), t.township(), t.village(), t.insurance(), t.year())).compose(old -> {
              String key = t.region() + "/" + t.township() + (t.village().isEmpty() ? "" : "/" + t.village()) + " " + t.insurance()
                  + " " + t.year();
              before.add(new JsonObject().put("key", key).put("target", old.size() == 0 ? null : old.iterator().next().getInteger(0)));
              after.add(new JsonObject().put("key", key).put("target", t.target()));
              return c.preparedQuery(Targets.UPSERT).execute(Tuple.from(new Object[] {t.region(), t.township(), t.village(),
                  t.insurance(), t.year(), t.target(), t.source()}));
            }));
      }
      return f.compose(x -> AuditLog.record(c, new AuditLog.Change(op.username(), "targets.import", file,
          new JsonObject().put("targets", before), new JsonObject().put("targets", after))));
    }).onSuccess(x -> Replies.json(ctx, 200, new JsonObject().put("file", file).put("imported", rows.size())))
        .onFailure(ctx::fail);
  }
}
