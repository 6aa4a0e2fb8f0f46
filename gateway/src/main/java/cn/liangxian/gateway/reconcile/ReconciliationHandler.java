package cn.liangxian.gateway.reconcile;

import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.RequestDates;
import cn.liangxian.gateway.http.Replies;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.operator.AuditTrail;
import cn.liangxian.gateway.operator.Operator;
import cn.liangxian.gateway.operator.Role;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;

/**
 * The finance routes of the daily reconciliation of a channel's bill (it runs by itself, once per channel,
 * merchant and day): {@code GET} reads what the run found, or which days are left, changing nothing; {@code POST}
 * runs it again (or now, before its time), audited.
 */
public final class ReconciliationHandler {
  private final Regions regions;
  private final Reconciliation reconciliation;

  public ReconciliationHandler(Regions regions, Reconciliation reconciliation) {
    this.regions = regions;
    this.reconciliation = reconciliation;
  }

  /** {@code GET /api/v1/operator/reconciliation/days-left}: the days due and not reconciled, given up or not. */
  public void daysLeft(RoutingContext ctx) {
    finance(ctx, "reconciliation.read");
    Replies.json(ctx, reconciliation.daysLeft());
  }

  /** {@code GET /api/v1/operator/reconciliation/:channel/:date}: the day's result as it was run. */
  public void read(RoutingContext ctx) {
    finance(ctx, "reconciliation.read");
    Replies.jsonOrCsv(ctx, reconciliation.get(ctx.pathParam("channel"), ctx.queryParams().get("merchant"), date(ctx)),
        Reconciliation::csv);
  }

  /** {@code POST /api/v1/operator/reconciliation/:channel/:date}: runs the day again; the report. */
  public void run(RoutingContext ctx) {
    Operator op = finance(ctx, "reconciliation.run");
    Replies.jsonOrCsv(ctx, reconciliation.rerun(ctx.pathParam("channel"), ctx.queryParams().get("merchant"), date(ctx),
        op.username()), Reconciliation::csv);
  }

  /**
   * Finance over every region, since a channel's bill covers every order of the merchant and a run
   * repairs orders anywhere.
   */
  private Operator finance(RoutingContext ctx, String action) {
    Operator op = Operator.of(ctx).require(Role.FINANCE);
    ctx.put(AuditTrail.ACTION, action);
    if (!op.scope().isAll() && !(regions.all().size() == 1 && op.scope().township() == null
        && regions.all().get(0).code().equals(op.scope().region()))) {
      throw op.outOfScope("the merchant's bill (every region)");
    }
    return op;
  }

  private static LocalDate date(RoutingContext ctx) {
    return RequestDates.day(ctx.pathParam("date"), "date");
  }
}
