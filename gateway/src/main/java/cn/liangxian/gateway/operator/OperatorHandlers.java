package cn.liangxian.gateway.operator;

import cn.liangxian.gateway.http.JsonBodies;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.Replies;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.order.OrderService;
import cn.liangxian.gateway.progress.Progress;
import cn.liangxian.gateway.reconcile.Reconciliation;
import cn.liangxian.policy.Insurance;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.UUID;

/** The operators' progress, refund and reconciliation routes (behind the operator token). */
public final class OperatorHandlers {
  private final Regions regions;
  private final OrderService orders;
  private final Progress progress;
  private final Reconciliation reconciliation;

  public OperatorHandlers(Regions regions, OrderService orders, Progress progress, Reconciliation reconciliation) {
    this.regions = regions;
    this.orders = orders;
    this.progress = progress;
    this.reconciliation = reconciliation;
  }

  /** {@code GET /api/v1/operator/progress/:region/:insurance[?year=]}. */
  public void progress(RoutingContext ctx) {
    String region = ctx.pathParam("region");
    Insurance ins = Insurance.ofCode(ctx.pathParam("insurance"))
        .orElseThrow(() -> Problem.invalidField("insurance", "insurance must be medical or pension"));
    Regions.Entry entry = regions.get(region)
        .orElseThrow(() -> Problem.notFound("region-not-served", "Region not served", "no region " + region));
    int year;
    try {
      year = ctx.queryParams().contains("year") ? Integer.parseInt(ctx.queryParams().get("year"))
          : entry.book().terms(ins).orElseThrow(() -> Problem.notFound("not-offered", "Not offered",
              ins.code() + " is not collected in " + region)).benefitYear();
    } catch (NumberFormatException e) {
      throw Problem.invalidField("year", "year must be a whole number");
    }
    Replies.jsonOrCsv(ctx, progress.of(region, ins.code(), year), Progress::csv);
  }

  /** {@code POST /api/v1/operator/refunds} {orderId, memberRef, insurance, reason}. */
  public void refund(RoutingContext ctx) {
    JsonObject b = JsonBodies.object(ctx, Set.of("orderId", "memberRef", "insurance", "reason"));
    UUID order;
    UUID member;
    try {
      order = UUID.fromString(JsonBodies.requiredString(b, "orderId", 40));
      member = UUID.fromString(JsonBodies.requiredString(b, "memberRef", 40));
    } catch (IllegalArgumentException e) {
      throw Problem.invalidField("orderId", "orderId and memberRef must be references");
    }
    Replies.json(ctx, orders.operatorRefund(order, member, JsonBodies.requiredString(b, "insurance", 10),
        JsonBodies.requiredString(b, "reason", 30), "operator"));
  }

  /** {@code GET /api/v1/operator/reconciliation/:channel/:date}. */
  public void reconcile(RoutingContext ctx) {
    LocalDate date;
    try {
      date = LocalDate.parse(ctx.pathParam("date"));
    } catch (DateTimeParseException e) {
      throw Problem.invalidField("date", "date must be YYYY-MM-DD");
    }
    Replies.jsonOrCsv(ctx, reconciliation.run(ctx.pathParam("channel"), date), Reconciliation::csv);
  }
}
