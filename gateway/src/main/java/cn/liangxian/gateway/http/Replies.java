package cn.liangxian.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** The one way a handler answers a future: JSON (or CSV when asked for and offered), a failure to the failure handler. */
public final class Replies {
  private Replies() {}

  public static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
        .end(body.toBuffer());
  }

  public static void json(RoutingContext ctx, Future<JsonObject> f) {
    f.onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else {
        json(ctx, 200, ar.result());
      }
    });
  }

  /** JSON, or CSV (rendered by {@code csv}, after a BOM) for a caller sending {@code Accept: text/csv}. */
  public static void jsonOrCsv(RoutingContext ctx, Future<JsonObject> f, Function<JsonObject, String> csv) {
    f.onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else if (String.valueOf(ctx.request().getHeader("Accept")).contains("text/csv")) {
        ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8").end(CsvLines.BOM + csv.apply(ar.result()));
      } else {
        json(ctx, 200, ar.result());
      }
    });
  }
}
