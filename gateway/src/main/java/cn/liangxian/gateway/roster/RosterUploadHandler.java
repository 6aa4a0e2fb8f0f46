package cn.liangxian.gateway.roster;

import cn.liangxian.gateway.operator.Operator;
import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.operator.AuditTrail;
import cn.liangxian.gateway.http.CsvUploads;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.roster.ImportReport;
import cn.liangxian.gateway.roster.RosterImport;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /api/v1/operator/rosters?file=<name>}: a village roster or department list as
 * {@code text/csv} (UTF-8 or GB18030), imported exactly as the command line does. The import is
 * blocking (JDBC, COPY), so it runs on a worker, never on the event loop. The answer is the report:
 * every rejected row with its line and reason, rows imported, persons flagged for cross-check.
 */
public final class RosterUploadHandler {

  private final Vertx vertx;
  private final RosterImport importer;

  public RosterUploadHandler(Vertx vertx, RosterImport importer) {
    this.vertx = vertx;
    this.importer = importer;
  }

  /**
   * Administrators, township staff and village collectors; rows outside the operator's scope are rejected. A department
   * list (who is in a special group, so owes less or nothing) administrators only: 403 for the others.
   */
  public void handle(RoutingContext ctx) {
    Operator op = Operator.of(ctx).require(Role.ADMIN, Role.TOWNSHIP, Role.VILLAGE);
    ctx.put(AuditTrail.ACTION, "roster.import");
    String file = CsvUploads.fileName(ctx, "upload.csv");
    if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().buffer().length() == 0) {
      throw Problem.badRequest("empty-roster", "Empty roster", "the body is empty");
    }
    // copied out of the request's buffer on the worker: a file of tens of megabytes is not the event loop's to copy
    io.vertx.core.buffer.Buffer body = ctx.body().buffer();
    String name = file;
    vertx.executeBlocking(() -> importer.importCsv(name, body.getBytes(), op.username(), op.scope()::covers,
        op.role() == Role.ADMIN), false).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
            .end(toJson(ar.result()).encode());
      } else if (ar.cause() instanceof RosterImport.DepartmentListRefused e) {
        ctx.fail(new Problem(403, "operator-forbidden", "Not allowed for this role", e.getMessage()));
      } else if (ar.cause() instanceof IllegalArgumentException e) {
        ctx.fail(Problem.unprocessable("roster-not-importable", "Roster not importable", e.getMessage(), null));
      } else if (ar.cause() instanceof BulkLoad.Unavailable e) {
        ctx.response().putHeader("Retry-After", "10");
        ctx.fail(new Problem(503, "unavailable", "Database unavailable", e.getMessage() + "; send the file again in a moment"));
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  static JsonObject toJson(ImportReport r) {
    JsonArray rejected = new JsonArray();
    r.problems().forEach(p -> rejected.add(new JsonObject().put("line", p.line()).put("reason", p.reason())));
    return new JsonObject().put("file", r.file()).put("kind", r.kind()).put("rows", r.rows()).put("imported", r.imported())
        .put("unchanged", r.unchanged()).put("rejected", rejected).put("crossChecks", r.crossChecks()).put("millis", r.millis())
        .put("ignoredColumns", new JsonArray(r.ignoredColumns()));
  }
}
