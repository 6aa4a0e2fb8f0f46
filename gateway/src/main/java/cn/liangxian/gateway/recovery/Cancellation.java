package cn.liangxian.gateway.recovery;

import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.Replies;
import cn.liangxian.gateway.order.OrderHandlers;
import cn.liangxian.gateway.order.OrderStore;
import cn.liangxian.gateway.http.Caller;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * {@code POST /api/v1/orders/{id}/cancel}, by the caller who created the order only (anyone else: 404,
 * as for no order). As expiry does, the trade is closed at the channel first and the items are released
 * only once it can no longer be paid; if the channel says it was paid already, the order becomes PAID
 * and the cancel is refused. So a resident cannot pay a cancelled order while its items are ordered again.
 */
public final class Cancellation {
  private final OrderStore orders;
  private final Recovery recovery;

  public Cancellation(OrderStore orders, Recovery recovery) {
    this.orders = orders;
    this.recovery = recovery;
  }

  public void handle(RoutingContext ctx) {
    Replies.json(ctx, cancel(OrderHandlers.id(ctx), Caller.of(ctx).id()));
  }

  public Future<JsonObject> cancel(UUID id, String owner) {
    return orders.get(id, owner).compose(o -> {
      if ("CANCELLED".equals(o.getString("state"))) {
        // cancelled already (a kiosk asking again after an answer lost on the way): what it asked for is done
        return Future.succeededFuture(o);
      }
      if (!"PAYING".equals(o.getString("state"))) {
        return refused(o);
      }
      String expiresAt = o.getString("expiresAt");
      return orders.channelOf(id).compose(at -> recovery.closeAtChannel(id, at.channel(), at.merchant(),
              expiresAt == null ? null : java.time.OffsetDateTime.parse(expiresAt)))
          .recover(e -> Future.failedFuture(e instanceof cn.liangxian.gateway.channel.ChannelException c
              && c.code().equals(Recovery.REFUNDED_AT_CHANNEL)
              // paid, and given back on the channel's platform: the day's reconciliation books both; nothing to cancel
              ? Problem.conflict("refunded-at-channel", "Payment refunded", "the payment was refunded on the channel's"
                  + " platform; nothing to cancel", new JsonObject().put("state", "PAYING"))
              : e instanceof cn.liangxian.gateway.channel.ChannelException c
              && c.code().equals(cn.liangxian.gateway.channel.ChannelException.STILL_PAYABLE)
              // a UnionPay code nobody paid, or an Alipay code nobody has scanned: it cannot be voided before its time,
              // when the order expires by itself
              ? Problem.conflict("code-still-payable", "Code still payable", "the channel cannot void this code before it expires"
                  + " at payableUntil; the order expires by itself then", new JsonObject().put("state", "PAYING")
                  .put("payableUntil", o.getString("expiresAt"))).resident(stillPayable(o.getString("expiresAt")))
              : e instanceof cn.liangxian.gateway.channel.ChannelException c
              && (c.code().equals("TRADE_PROCESSING") || c.code().equals("NOT_CLOSED"))
              // the channel would not close it and says it is not paid yet: paid, the bank not having answered (UnionPay's
              // 03/04/05), or being paid (a password being typed): whether money is taken is not known, so nothing is promised
              ? Problem.conflict("payment-processing", "Payment processing", "the channel would not close the order: its"
                  + " payment is being processed", new JsonObject().put("state", "PAYING"))
              : new Problem(503, "channel-unavailable", "暂时无法取消，请稍后再试", "the channel did not answer the close;"
                  + " the order is not cancelled", new JsonObject().put("retryAfterSeconds", 5))
                  .resident("支付渠道暂时没有答复，订单没有取消，也没有扣款变化；请稍后再试。")))
          .compose(closed -> closed ? orders.cancel(id) : Future.succeededFuture((String) null))
          .compose(x -> orders.get(id))
          .compose(after -> "CANCELLED".equals(after.getString("state")) ? Future.succeededFuture(after) : refused(after));
    });
  }

  /** What a resident is told of a code that stays payable until the order's end ({@code expiresAt}, ISO). */
  static String stillPayable(String expiresAt) {
    String until = expiresAt == null ? "订单到期" : cn.liangxian.gateway.time.BeijingTime.clock(expiresAt);
    return "这个付款码在" + until + "以前仍然可以付款，不能提前作废。如果不付款，订单到时会自动取消，不会扣款。";
  }

  /** How an order ended, in the resident's words (the state's code stays in the answer's {@code state}). */
  static String ended(String state) {
    return switch (state == null ? "" : state) {
      case "CANCELLED" -> "已经取消";
      case "EXPIRED" -> "已超过支付时间";
      case "FAILED" -> "没有支付成功";
      case "REFUNDED" -> "已经退款";
      default -> "已经结束";
    };
  }

  private static Future<JsonObject> refused(JsonObject o) {
    String state = o.getString("state");
    return Future.failedFuture(Problem.conflict("not-cancellable", "Order not cancellable", "an order in state " + state
        + " cannot be cancelled", new JsonObject().put("state", state))
        .resident("PAID".equals(state) ? "这笔订单已经支付成功，不能取消。" : "这笔订单" + ended(state) + "，不能取消。"));
  }
}
