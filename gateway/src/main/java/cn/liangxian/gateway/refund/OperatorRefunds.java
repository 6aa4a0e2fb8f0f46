package cn.liangxian.gateway.refund;

import cn.liangxian.gateway.audit.AuditLog;
import cn.liangxian.gateway.http.JsonBodies;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.Replies;
import cn.liangxian.gateway.lookup.HouseholdStore;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.operator.AuditTrail;
import cn.liangxian.gateway.operator.Operator;
import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.operator.Scope;
import cn.liangxian.gateway.order.OrderStore;
import cn.liangxian.gateway.outbox.Outbox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * {@code POST /api/v1/operator/refunds} {orderId, memberRef, insurance, reason}: finance refunds one paid
 * person-item inside its scope. The whole item (duplicate payment, death, enrolled elsewhere: the item is
 * no longer paid), or, when a special-group flag arrived after the person paid in full, the difference to
 * what they owe now (002 五(二)(三)(四)). Idempotent: the same item and reason refund once.
 */
public final class OperatorRefunds {
  /** Why an operator refunds a paid item. */
  public static final Set<String> REASONS = Set.of("duplicate", "death", "enrolled-elsewhere", "category-arrived");

  /** One paid item to refund, as the order has it. */
  private record Item(UUID orderId, UUID memberRef, String insurance, String reason, Row row) {
    long personId() {
      return row.getLong("person_id");
    }

    long personalFen() {
      return row.getLong("personal_fen");
    }

    boolean whole() {
      return !reason.equals("category-arrived");
    }

    ItemRefund refund() {
      return new ItemRefund(orderId, personId(), insurance, whole());
    }
  }

  private final OrderStore orders;
  private final RefundStore store;
  private final Refunds refunds;
  private final HouseholdStore households;
  private final Regions regions;
  private final Clock clock;

  public OperatorRefunds(OrderStore orders, RefundStore store, Refunds refunds, HouseholdStore households, Regions regions,
      Clock clock) {
    this.orders = orders;
    this.store = store;
    this.refunds = refunds;
    this.households = households;
    this.regions = regions;
    this.clock = clock;
  }

  public void handle(RoutingContext ctx) {
    Operator op = Operator.of(ctx).require(Role.FINANCE);
    ctx.put(AuditTrail.ACTION, "refund.request");
    JsonObject b = JsonBodies.object(ctx, Set.of("orderId", "memberRef", "insurance", "reason"));
    UUID order = reference(b, "orderId");
    UUID member = reference(b, "memberRef");
    String insurance = JsonBodies.requiredString(b, "insurance", 10);
    if (cn.liangxian.policy.Insurance.ofCode(insurance).isEmpty()) {
      throw Problem.invalidField("insurance", "insurance must be \"medical\" or \"pension\"");
    }
    Replies.json(ctx, refund(order, member, insurance, JsonBodies.requiredString(b, "reason", 30), op.username(), op.scope()));
  }

  /** A field holding a reference (a UUID), refused by its own name when it is not one. */
  private static UUID reference(JsonObject b, String field) {
    try {
      return UUID.fromString(JsonBodies.requiredString(b, field, 40));
    } catch (IllegalArgumentException e) {
      throw Problem.invalidField(field, field + " must be a reference (a UUID as the order or the lookup gave it)");
    }
  }

  Future<JsonObject> refund(UUID orderId, UUID memberRef, String insurance, String reason, String operator, Scope scope) {
    if (!REASONS.contains(reason)) {
      return Future.failedFuture(Problem.invalidField("reason", "reason must be one of " + new TreeSet<>(REASONS)));
    }
    return orders.item(orderId, memberRef, insurance).compose(r -> {
      if (r == null) {
        return Future.failedFuture(Problem.notFound("item-not-found", "No such paid item",
            "order " + orderId + " has no " + insurance + " item for that member"));
      }
      if (!scope.covers(r.getString("region_code"), r.getString("township"), r.getString("village"))) {
        return Future.failedFuture(new Problem(403, "operator-out-of-scope", "Outside your scope",
            "order " + orderId + " belongs to " + r.getString("region_code") + "/" + r.getString("township") + ", outside your scope ("
                + scope + ")"));
      }
      if (!r.getString("state").equals("PAID")) {
        return Future.failedFuture(Problem.conflict("not-paid", "Not paid", "only a paid order's items can be refunded", null));
      }
      Item item = new Item(orderId, memberRef, insurance, reason, r);
      return amount(item).compose(fen -> fen == 0
          ? Future.failedFuture(Problem.unprocessable("nothing-to-refund", "Nothing to refund",
              "with the categories on record now, this person owes what they paid", null))
          : record(item, fen, operator));
    });
  }

  /** The whole personal amount, or what the person paid beyond what they owe with the categories on record now. */
  private Future<Long> amount(Item item) {
    if (item.whole()) {
      return Future.succeededFuture(item.personalFen());
    }
    return households.byRef(orders.pool(), item.row().getUUID("household_ref")).map(h -> ItemRefund.difference(h.orElseThrow(),
            item.memberRef(), item.insurance(), regions, item.row().getInteger("year"), item.row().getOffsetDateTime("paid_at"),
            item.row().getInteger("tier_yuan"), item.personalFen())).recover(e -> e instanceof cn.liangxian.policy.AssessmentException a
        ? Future.failedFuture(Problem.unprocessable("cannot-assess", "Cannot assess the difference",
            "the payment cannot be assessed again with the categories on record now: " + a.getMessage(), null))
        : Future.failedFuture(e));
  }

  /** Records the refund with its audit row in one transaction, then asks the channel; answers the refund as it stands. */
  private Future<JsonObject> record(Item item, long fen, String operator) {
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    ItemRefund refund = item.refund();
    String[] answered = {refund.number()};
    return orders.pool().withTransaction(conn -> refund.decide(conn, fen).compose(d -> {
          if (d.existing() != null) {
            answered[0] = d.existing(); // refunded already, in whole or as far as this asks
            // a whole refund after differences that gave back every fen: the item is released all the same
            return !d.release() ? Future.succeededFuture(false) : refund.releaseWithoutMoney(conn, item.reason(), now)
                .compose(fresh -> !fresh ? Future.<Void>succeededFuture() : AuditLog.record(conn, new AuditLog.Change(operator,
                    "refund.request", d.number(), new JsonObject().put("order", item.orderId().toString()).put("state", "PAID")
                        .put("insurance", item.insurance()).put("itemPaid", true).put("personalFen", item.personalFen()),
                    new JsonObject().put("order", item.orderId().toString()).put("itemPaid", false)
                        .put("insurance", item.insurance()).put("reason", item.reason()).put("amountFen", 0)
                        .put("givenBackBefore", d.existing()))))
                .map(false);
          }
          if (d.fen() == 0) {
            return Future.failedFuture(Problem.unprocessable("nothing-to-refund", "Nothing to refund",
                "nothing of this item is left to refund", null));
          }
          answered[0] = d.number();
          return RefundStore.insert(conn, item.orderId(), d.number(), d.fen(), item.reason(), now)
              .compose(fresh -> !fresh ? Future.succeededFuture(false) : book(conn, item, d.number(), d.fen(), operator, now));
        }))
        .compose(x -> refunds.requestPending(item.orderId()).recover(e -> Future.succeededFuture()))
        .compose(x -> store.one(answered[0]))
        .map(f -> new JsonObject().put("outRefundNo", f.getString("out_refund_no")).put("amountFen", f.getLong("amount_fen"))
            .put("reason", f.getString("reason")).put("state", f.getString("state")));
  }

  /** The item released (a whole refund), the agency's reversal and the audit row, in the refund's transaction. */
  private Future<Boolean> book(SqlConnection conn, Item item, String no, long fen, String operator, OffsetDateTime now) {
    Future<?> release = item.whole() ? OrderStore.releaseItem(conn, item.orderId(), item.personId(), item.insurance())
        : Future.succeededFuture();
    // the agency hears of the refund exactly when it commits
    return release.compose(x -> Outbox.reversal(conn, new Outbox.Reversal(item.orderId(), item.personId(),
            item.insurance(), fen, item.reason(), item.whole(), no, now)))
        .compose(x -> AuditLog.record(conn, new AuditLog.Change(operator, "refund.request", no,
            new JsonObject().put("order", item.orderId().toString()).put("state", "PAID").put("insurance", item.insurance())
                .put("itemPaid", true).put("personalFen", item.personalFen()),
            new JsonObject().put("order", item.orderId().toString()).put("itemPaid", !item.whole())
                .put("insurance", item.insurance()).put("reason", item.reason()).put("amountFen", fen))))
        .map(true);
  }
}
