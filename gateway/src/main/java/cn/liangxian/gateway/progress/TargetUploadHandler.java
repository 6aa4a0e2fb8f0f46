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
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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
 * keeps every target before and after. The table (up to the roster's body limit) is decoded, parsed and
 * checked on a worker, never on the event loop.
 */
public final class TargetUploadHandler {
  private final Vertx vertx;
  private final Pool pool;
  private final Regions regions;

  public TargetUploadHandler(Vertx vertx, Pool pool, Regions regions) {
    this.vertx = vertx;
    this.pool = pool;
    this.regions = regions;
  }

  public void handle(RoutingContext ctx) {
    Operator op = Operator.of(ctx).require(Role.ADMIN);
    ctx.put(AuditTrail.ACTION, "targets.import");
    String file = CsvUploads.fileName(ctx, "targets.csv");
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    Replies.json(ctx, vertx.executeBlocking(() -> rows(op, file, body), false).compose(rows -> store(op, file, rows))
        .map(imported -> new JsonObject().put("file", file).put("imported", imported)));
  }

  /** The table's targets, every one in a served region and in the operator's scope; else the problem to answer. */
  private List<Targets.Target> rows(Operator op, String file, Buffer body) {
    List<Targets.Target> rows;
    try {
      // as rosters: UTF-8, else the GBK a spreadsheet saves
      rows = Targets.parse(file, body == null ? "" : CsvUploads.decode(body.getBytes()));
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
    return rows;
  }

  /** Every target upserted in one transaction with its audit record: how many. */
  private Future<Integer> store(Operator op, String file, List<Targets.Target> rows) {
    JsonArray before = new JsonArray();
    JsonArray after = new JsonArray();
    return pool.withTransaction(c -> {
      Future<?> f = Future.succeededFuture();
      for (Targets.Target t : rows) {
        f = f.compose(x -> c.preparedQuery("select target from target where region_code = $1 and township = $2 and village = $3"
                + " and insurance = $4 and year = $5 for update")
            .execute(Tuple.of(t.region(), t.township(), t.village(), t.insurance(), t.year())).compose(old -> {
              String key = Targets.key(t.region(), t.township(), t.village(), t.insurance(), t.year());
              before.add(new JsonObject().put("key", key).put("target", old.size() == 0 ? null : old.iterator().next().getInteger(0)));
              after.add(new JsonObject().put("key", key).put("target", t.target()));
              return c.preparedQuery(Targets.UPSERT).execute(Tuple.from(new Object[] {t.region(), t.township(), t.village(),
                  t.insurance(), t.year(), t.target(), t.source()}));
            }));
      }
      return f.compose(x -> AuditLog.record(c, new AuditLog.Change(op.username(), "targets.import", file,
          new JsonObject().put("targets", before), new JsonObject().put("targets", after))));
    }).map(x -> rows.size());
  }
}
