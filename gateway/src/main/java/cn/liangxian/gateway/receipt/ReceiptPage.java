package cn.liangxian.gateway.receipt;

import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.order.OrderStore;
import cn.liangxian.gateway.order.OutTradeNo;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * {@code GET /r/{receiptNo}}: the public verification page the printed receipt's QR code opens. It shows only
 * what the paper shows (names and ID numbers masked, amounts, year, paid time, the channel's transaction id)
 * and whether the payment stands: paid, partly refunded (each refunded item marked, with the amount and when, and
 * the total kept beside the one paid) or refunded entirely; a refund under way is shown but not counted yet. A
 * receipt number is the order's random 128-bit id, so one receipt's number says nothing about another's.
 * {@code Accept: application/json} gives the receipt as JSON.
 */
public final class ReceiptPage {
  private final OrderStore orders;

  public ReceiptPage(OrderStore orders) {
    this.orders = orders;
  }

  public void handle(RoutingContext ctx) {
    UUID id = OutTradeNo.orderId(ctx.pathParam("receiptNo"));
    String accept = String.valueOf(ctx.request().getHeader("Accept"));
    boolean html = !accept.contains("application/json");
    // a browser (the printed QR code opened on a phone) gets a page even for a number that names nothing;
    // any other client a problem+json, as from every route
    boolean browser = accept.contains("text/html");
    if (id == null) {
      notFound(ctx, browser);
      return;
    }
    orders.get(id).onComplete(ar -> {
      if (ar.failed() && ar.cause() instanceof Problem p && p.status() == 404) {
        notFound(ctx, browser);
        return;
      }
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      JsonObject o = ar.result();
      String state = o.getString("state");
      if (!"PAID".equals(state) && !"REFUNDED".equals(state)) {
        notFound(ctx, browser);
        return;
      }
      Receipts.refunds(orders, o).onComplete(refunds -> {
        if (refunds.failed()) {
          ctx.fail(refunds.cause());
          return;
        }
        // valid while any of the payment stands: a receipt some of whose items were refunded still proves the rest
        JsonObject r = publicView(Receipts.of(o, refunds.result()));
        r.put("valid", !r.getString("status").equals(Receipts.REFUNDED)).put("state", state);
        if (html) {
          ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-store")
              .end(ReceiptHtml.page(r));
        } else {
          ctx.response().putHeader("Content-Type", "application/json; charset=utf-8").end(r.encode());
        }
      });
    });
  }

  /**
   * What anyone holding the paper may read: not why an item was refunded (a death, another scheme: about a person,
   * not about the receipt), nor whether it was a difference (only a category granted after paying, 低保 or the
   * like, gives one back), nor the refunds' own numbers. The resident's own receipt (the API's) keeps all three.
   */
  static JsonObject publicView(JsonObject receipt) {
    strip(receipt.getJsonArray("refunds"));
    io.vertx.core.json.JsonArray items = receipt.getJsonArray("items");
    if (items != null) {
      items.forEach(x -> {
        JsonObject i = (JsonObject) x;
        strip(i.getJsonArray("refunds"));
        if (Receipts.DIFFERENCE_REFUNDED.equals(i.getString("status"))) {
          i.put("status", Receipts.PARTLY_REFUNDED).put("statusText", "部分退款");
        }
      });
    }
    return receipt;
  }

  private static void strip(io.vertx.core.json.JsonArray refunds) {
    if (refunds != null) {
      refunds.forEach(f -> {
        ((JsonObject) f).remove("reason");
        ((JsonObject) f).remove("outRefundNo");
        ((JsonObject) f).remove("covers");
      });
    }
  }

  private static void notFound(RoutingContext ctx, boolean html) {
    if (html) {
      ctx.response().setStatusCode(404).putHeader("Content-Type", "text/html; charset=utf-8").end(ReceiptHtml.notFound());
    } else {
      ctx.fail(Problem.notFound("receipt-not-found", "No such receipt", "no paid order has this receipt number"));
    }
  }
}
