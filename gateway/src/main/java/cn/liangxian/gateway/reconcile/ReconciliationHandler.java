package cn.liangxian.gateway.reconcile;

import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.Replies;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.operator.AuditTrail;
import cn.liangxian.gateway.operator.Operator;
import cn.liangxian.gateway.operator.Role;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/** The finance route that compares a channel's bill of a day with our records and repairs what we missed. */
public final class ReconciliationHandler {
  private final Regions regions;
  private final Reconciliation reconciliation;

  public ReconciliationHandler(Regions regions, Reconciliation reconciliation) {
    this.regions = regions;
    this.reconciliation = reconciliation;
  }

  /**
   * {@code GET /api/v1/operator/reconciliation/:channel/:date}: finance over every region, since a
   * channel's bill covers every order of the merchant and a run repairs orders anywhere.
   */
  public void handle(RoutingContext ctx) {
    Operator op = Operator.of(ctx).require(Role.FINANCE);
    ctx.put(AuditTrail.ACTION, "reconciliation.run");
    if (!op.scope().isAll() && !(regions.all().size() == 1 && op.scope().township() == null
        && regions.all().get(0).code().equals(op.scope().region()))) {
      throw op.outOfScope("the merchant's bill (every region)");
    }
    LocalDate date;
    try {
      date = LocalDate.parse(ctx.pathParam("date"));
    } catch (DateTimeParseException e) {
      throw Problem.invalidField("date", "date must be YYYY-MM-DD");
    }
    Replies.jsonOrCsv(ctx, reconciliation.run(ctx.pathParam("channel"), date, op.username()), Reconciliation::csv);
  }
}
