package cn.liangxian.gateway.posting;

import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.RequestDates;
import cn.liangxian.gateway.http.Replies;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.operator.AuditTrail;
import cn.liangxian.gateway.operator.Operator;
import cn.liangxian.gateway.operator.OperatorPaths;
import cn.liangxian.gateway.operator.Role;
import cn.liangxian.policy.Insurance;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;

/** The village's public posting (公示) route: JSON, CSV or PDF, for administrators, townships and villages in scope. */
public final class PostingHandler {
  private final Vertx vertx;
  private final Regions regions;
  private final Posting posting;
  private final Clock clock;

  public PostingHandler(Vertx vertx, Regions regions, Posting posting, Clock clock) {
    this.vertx = vertx;
    this.regions = regions;
    this.posting = posting;
    this.clock = clock;
  }

  /**
   * {@code GET /api/v1/operator/postings/:region/:insurance?township=&village=[&from=YYYY-MM-DD][&days=7]}:
   * the village's public posting as JSON, CSV ({@code Accept: text/csv}) or PDF ({@code Accept: application/pdf}).
   */
  public void handle(RoutingContext ctx) {
    Operator op = Operator.of(ctx).require(Role.ADMIN, Role.TOWNSHIP, Role.VILLAGE);
    ctx.put(AuditTrail.ACTION, "posting.read");
    Insurance ins = OperatorPaths.insurance(ctx);
    Regions.Entry entry = OperatorPaths.region(ctx, regions);
    String township = ctx.queryParams().get("township");
    String village = ctx.queryParams().get("village");
    if (township == null || township.isBlank() || township.length() > 50) {
      throw Problem.invalidField("township", "township is required (the name as on the roster)");
    }
    if (village == null || village.isBlank() || village.length() > 50) {
      throw Problem.invalidField("village", "village is required (the name as on the roster)");
    }
    op.requireScope(entry.code(), township, village);
    LocalDate from;
    int days;
    from = ctx.queryParams().contains("from") ? RequestDates.day(ctx.queryParams().get("from"), "from")
        : LocalDate.now(clock.withZone(Posting.CHINA));
    try {
      days = ctx.queryParams().contains("days") ? Integer.parseInt(ctx.queryParams().get("days")) : 7;
    } catch (NumberFormatException e) {
      throw Problem.invalidField("days", "days must be a whole number");
    }
    if (days < 1 || days > 60) {
      throw Problem.invalidField("days", "a posting runs 1-60 days");
    }
    String accept = String.valueOf(ctx.request().getHeader("Accept"));
    var answer = posting.of(entry, ins, township, village, from, days);
    if (accept.contains("application/pdf")) {
      answer.compose(p -> vertx.executeBlocking(() -> PostingPdf.render(p), false)).onComplete(ar -> {
        if (ar.failed()) {
          ctx.fail(ar.cause());
          return;
        }
        ctx.response().putHeader("Content-Type", "application/pdf").putHeader("Cache-Control", "no-store")
            .putHeader("Content-Disposition", "inline; filename=\"posting-" + entry.code() + "-" + ins.code() + ".pdf\"")
            .end(io.vertx.core.buffer.Buffer.buffer(ar.result()));
      });
    } else if (accept.contains("text/csv")) {
      answer.onComplete(ar -> {
        if (ar.failed()) {
          ctx.fail(ar.cause());
          return;
        }
        // a BOM, so that spreadsheet programs read the Chinese as UTF-8
        ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8").putHeader("Cache-Control", "no-store")
            .end(cn.liangxian.gateway.http.CsvLines.BOM + Posting.csv(ar.result()), StandardCharsets.UTF_8.name());
      });
    } else {
      Replies.json(ctx, answer);
    }
  }
}
