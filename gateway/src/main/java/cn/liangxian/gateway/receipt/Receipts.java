package cn.liangxian.gateway.receipt;

import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.Replies;
import cn.liangxian.gateway.order.OrderHandlers;
import cn.liangxian.gateway.order.OrderStore;
import cn.liangxian.gateway.http.Caller;
import cn.liangxian.gateway.refund.OrderRefunds;
import cn.liangxian.gateway.time.BeijingTime;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/** {@code GET /api/v1/orders/:id/receipt}: the receipt of a paid order (names and ID numbers masked). */
public final class Receipts {
  /** The receipt's and each item's status: nothing of the payment went back. */
  static final String PAID = "PAID";
  /** Some of it went back: items refunded whole, or an item's difference; the rest stands. */
  static final String PARTLY_REFUNDED = "PARTLY_REFUNDED";
  /** All of it went back, no item is paid by this receipt any more; of an item: it went back whole. */
  static final String REFUNDED = "REFUNDED";
  /** An item's refund is under way (requested, not confirmed yet): it still counts as paid. */
  static final String REFUNDING = "REFUNDING";
  /** An item's difference went back (a category that arrived late); the item stays paid. */
  static final String DIFFERENCE_REFUNDED = "DIFFERENCE_REFUNDED";

  private final OrderStore orders;

  public Receipts(OrderStore orders) {
    this.orders = orders;
  }

  public void handle(RoutingContext ctx) {
    Replies.json(ctx, receipt(OrderHandlers.id(ctx), Caller.of(ctx).id()));
  }

  /** The receipt, for the caller who created the order only (anyone else: 404, as for no order). */
  Future<JsonObject> receipt(UUID id, String owner) {
    return orders.get(id, owner).compose(o -> {
      if (!o.getString("state").equals("PAID")) {
        return Future.failedFuture(Problem.conflict("not-paid", "Not paid", "there is a receipt only for a paid order; this one is "
            + o.getString("state"), new JsonObject().put("state", o.getString("state"))));
      }
      return refunds(orders, o).map(refunds -> of(o, refunds));
    });
  }

  /** The order's refunds, read only when the order has any (most have none: the order's own read says so). */
  static Future<List<OrderRefunds.Refund>> refunds(OrderStore orders, JsonObject order) {
    return order.containsKey("refunds") ? OrderRefunds.of(orders.pool(), UUID.fromString(order.getString("id")))
        : Future.succeededFuture(List.of());
  }

  /**
   * The receipt of a paid (or since refunded) order as the API and the verification page show it: what was paid,
   * and what of it went back. A refund counts once the channel confirmed it (SUCCESS), or once finance paid back
   * another way one the channel refused; one under way (or refused by the channel, owed still) is shown but not counted. A payment the order could not take, refunded by itself, is
   * another payment's money: listed, never counted against this one.
   */
  static JsonObject of(JsonObject o, List<OrderRefunds.Refund> refunds) {
    JsonArray years = new JsonArray(o.getJsonArray("items").stream().map(x -> ((JsonObject) x).getInteger("year"))
        .distinct().sorted().toList());
    String paidAt = o.getString("paidAt");
    // an order whose state is REFUNDED never became paid: the money it got went back entirely
    boolean neverTaken = "REFUNDED".equals(o.getString("state"));
    long total = o.getLong("totalFen");
    // a refund of the order's payment as such that gave all of it back (one made on the channel's merchant platform) gave
    // back every item with it
    List<OrderRefunds.Refund> ofTheOrder = refunds.stream().filter(f -> f.covers() == OrderRefunds.Covers.ORDER && f.done()).toList();
    boolean orderRefunded = total > 0 && sum(ofTheOrder) >= total;
    JsonArray items = new JsonArray();
    boolean anyStands = false;
    for (Object x : o.getJsonArray("items")) {
      JsonObject i = (JsonObject) x;
      List<OrderRefunds.Refund> own = refunds.stream().filter(f -> f.memberRef() != null
          && f.memberRef().equals(i.getString("memberRef")) && f.insurance().equals(i.getString("insurance"))).toList();
      JsonObject item = item(i, own, neverTaken, orderRefunded ? ofTheOrder : List.of());
      anyStands |= !item.getString("status").equals(REFUNDED);
      items.add(item);
    }
    long refunded = neverTaken ? total : Math.min(total, sum(refunds.stream().filter(f -> f.ofThePayment() && f.done()).toList()));
    // under way: what the items have under way (none once an item went back whole), and a refund of the order as such
    long refunding = neverTaken ? 0 : items.stream().mapToLong(x -> ((JsonObject) x).getLong("refundingFen")).sum()
        + sum(refunds.stream().filter(f -> f.covers() == OrderRefunds.Covers.ORDER && !f.done()).toList());
    // all of it went back when no item stands any more (a refund of the order's payment as such that gave back all of
    // it gave back every item with it, but one the government pays in full, which stands)
    String status = !anyStands ? REFUNDED : refunded > 0 ? PARTLY_REFUNDED : PAID;
    return new JsonObject().put("receiptNo", o.getString("outTradeNo")).put("orderId", o.getString("id"))
        .put("title", "城乡居民基本医疗/养老保险缴费凭证").put("region", o.getString("region")).put("benefitYears", years)
        .put("items", items)
        .put("totalFen", total).put("channel", o.getString("channel"))
        .put("channelName", channelName(o.getString("channel")))
        .put("transactionId", o.getString("transactionId")).put("paidAt", BeijingTime.offset(paidAt))
        .put("paidAtText", BeijingTime.paper(paidAt))
        .put("refunds", new JsonArray(refunds.stream().map(Receipts::refund).toList()))
        .put("status", status).put("statusText", statusText(status))
        .put("refundedFen", refunded).put("keptFen", total - refunded).put("refundingFen", refunding);
  }

  /** The receipt's status as the page's top line says it. */
  static String statusText(String status) {
    return switch (status) {
      case PARTLY_REFUNDED -> "部分退款";
      case REFUNDED -> "已全额退款";
      default -> "已缴费";
    };
  }

  /** An item's status as the page marks it. */
  static String itemStatusText(String status) {
    return switch (status) {
      case REFUNDED -> "已退款";
      case REFUNDING -> "退款处理中";
      case DIFFERENCE_REFUNDED -> "已退差额";
      default -> "已缴费";
    };
  }

  /** An item: {@code wholeOrder}, the refunds of the order as such that gave all of it back (none: they did not). */
  private static JsonObject item(JsonObject i, List<OrderRefunds.Refund> own, boolean neverTaken,
      List<OrderRefunds.Refund> wholeOrder) {
    long personal = i.getLong("personalFen");
    // an item the government pays in full had no money in the payment: it stands after the payment went back
    boolean withTheOrder = !wholeOrder.isEmpty() && personal > 0;
    List<OrderRefunds.Refund> done = withTheOrder ? wholeOrder : own.stream().filter(OrderRefunds.Refund::done).toList();
    boolean allBack = neverTaken || withTheOrder;
    long refunded = allBack ? personal : Math.min(personal, sum(done));
    String status = allBack || done.stream().anyMatch(f -> f.covers() == OrderRefunds.Covers.ITEM) ? REFUNDED
        : own.stream().anyMatch(f -> !f.done()) ? REFUNDING
        : done.isEmpty() ? PAID : DIFFERENCE_REFUNDED;
    String refundedAt = done.stream().map(OrderRefunds.Refund::backAt).max(Comparator.naturalOrder()).map(Object::toString)
        .orElse(null);
    return new JsonObject().put("name", i.getString("name")).put("idNumber", i.getString("idNumber"))
        .put("insurance", i.getString("insurance")).put("year", i.getInteger("year")).put("tier", i.getInteger("tier"))
        .put("personalFen", personal).put("governmentFen", i.getLong("governmentFen"))
        .put("subsidyFen", i.getLong("subsidyFen"))
        .put("status", status).put("statusText", itemStatusText(status)).put("refundedFen", refunded)
        .put("keptFen", personal - refunded)
        .put("refundingFen", neverTaken || status.equals(REFUNDED) ? 0 : sum(own.stream().filter(f -> !f.done()).toList()))
        .put("refundedAt", BeijingTime.offset(refundedAt)).put("refundedAtText", BeijingTime.paper(refundedAt))
        .put("refunds", new JsonArray(own.stream().map(Receipts::refund).toList()));
  }

  /**
   * A refund as the receipt lists it: the order's fields, what it covers and, once the money went back, when (Beijing
   * time). One the channel refused and finance paid back another way keeps its state FAILED, says
   * {@code settledElsewhere} and reads 已退款（线下）; how and under which voucher stay with finance.
   */
  private static JsonObject refund(OrderRefunds.Refund f) {
    String at = f.backAt() == null ? null : f.backAt().toString();
    return new JsonObject().put("outRefundNo", f.outRefundNo()).put("amountFen", f.amountFen()).put("reason", f.reason())
        .put("state", f.state()).put("settledElsewhere", f.settledElsewhere()).put("stateText", stateText(f))
        .put("covers", f.covers().name()).put("refundedAt", BeijingTime.offset(at)).put("refundedAtText", BeijingTime.paper(at));
  }

  /** A refund's state as a resident reads it: back, back another way, or not back yet (a refusal is owed still, not news). */
  static String stateText(OrderRefunds.Refund f) {
    return f.settledElsewhere() ? "已退款（线下）" : f.done() ? "已退款" : "退款处理中";
  }

  private static long sum(List<OrderRefunds.Refund> refunds) {
    return refunds.stream().mapToLong(OrderRefunds.Refund::amountFen).sum();
  }

  /** The channel as residents call it; one not named here (a channel added later) in words, never its code. */
  static String channelName(String channel) {
    return switch (channel == null ? "" : channel) {
      case "wechat" -> "微信支付";
      case "alipay" -> "支付宝";
      case "unionpay" -> "云闪付（银联）";
      default -> "其他支付方式";
    };
  }
}
