package cn.liangxian.gateway.operator;

import cn.liangxian.gateway.http.JsonBodies;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.Replies;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.order.OrderService;
import cn.liangxian.gateway.progress.Progress;
import cn.liangxian.gateway.reconcile.Reconciliation;
import cn.liangxian.policy.Insurance;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.UUID;

/** The operators' progress, posting, refund and reconciliation routes, each checking role and scope. */
public final class OperatorHandlers {
  private final Vertx vertx;
  private final Regions regions;
  private final OrderService orders;
  private final Progress progress;
  private final Reconciliation reconciliation;
  private final Posting posting;
  private final Clock clock;

  public OperatorHandlers(Vertx vertx, Regions regions, OrderService orders, Progress progress, Reconciliation reconciliation,
      Posting posting, Clock clock) {
    this.vertx = vertx;
    this.regions = regions;
    this.orders = orders;
    this.progress = progress;
    this.reconciliation = reconciliation;
    this.posting = posting;
    this.clock = clock;
  }

  private Regions.Entry region(RoutingContext ctx) {
    String region = ctx.pathParam("region");
    return regions.get(region).orElseThrow(() -> Problem.notFound("region-not-served", "Region not served", "no region " + region));
  }

  private static Insurance insurance(RoutingContext ctx) {
    return Insurance.ofCode(ctx.pathParam("insurance"))
        .orElseThrow(() -> Problem.invalidField("insurance", "insurance must be medical or pension"));
  }

  /**
   * {@code GET /api/v1/operator/progress/:region/:insurance[?year=]}: every role; a township sees its own
   * township and villages, a village collector its own village.
   */
  public void progress(RoutingContext ctx) {
    Operator op = Operator.of(ctx);
    ctx.put(AuditTrail.ACTION, "progress.read");
    Insurance ins = insurance(ctx);
    Regions.Entry entry = region(ctx);
    if (!op.scope().touches(entry.code())) {
      throw op.outOfScope(entry.code());
    }
    int year;
    try {
      year = ctx.queryParams().contains("year") ? Integer.parseInt(ctx.queryParams().get("year"))
          : entry.book().terms(ins).orElseThrow(() -> Problem.notFound("not-offered", "Not offered",
              ins.code() + " is not collected in " + entry.code())).benefitYear();
    } catch (NumberFormatException e) {
      throw Problem.invalidField("year", "year must be a whole number");
    }
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

  /**
   * {@code GET /api/v1/operator/postings/:region/:insurance?township=&village=[&from=YYYY-MM-DD][&days=7]}:
   * the village's public posting as JSON, CSV ({@code Accept: text/csv}) or PDF ({@code Accept: application/pdf}).
   */
  public void posting(RoutingContext ctx) {
    Operator op = Operator.of(ctx).require(Role.ADMIN, Role.TOWNSHIP, Role.VILLAGE);
    ctx.put(AuditTrail.ACTION, "posting.read");
    Insurance ins = insurance(ctx);
    Regions.Entry entry = region(ctx);
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
    try {
      from = ctx.queryParams().contains("from") ? LocalDate.parse(ctx.queryParams().get("from"))
          : LocalDate.now(clock.withZone(Posting.CHINA));
    } catch (DateTimeParseException e) {
      throw Problem.invalidField("from", "from must be YYYY-MM-DD");
    }
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
            .end("\uFEFF" + Posting.csv(ar.result()), StandardCharsets.UTF_8.name());
      });
    } else {
      Replies.json(ctx, answer);
    }
  }

  /** {@code POST /api/v1/operator/refunds} {orderId, memberRef, insurance, reason}: finance, inside its scope. */
  public void refund(RoutingContext ctx) {
    Operator op = Operator.of(ctx).require(Role.FINANCE);
    ctx.put(AuditTrail.ACTION, "refund.request");
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
        JsonBodies.requiredString(b, "reason", 30), op.username(), op.scope()));
  }

  /**
   * {@code GET /api/v1/operator/reconciliation/:channel/:date}: finance over every region, since a
   * channel's bill covers every order of the merchant and a run repairs orders anywhere.
   */
  public void reconcile(RoutingContext ctx) {
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
