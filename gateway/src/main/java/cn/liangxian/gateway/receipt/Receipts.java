package cn.liangxian.gateway.receipt;

import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.Replies;
import cn.liangxian.gateway.order.OrderHandlers;
import cn.liangxian.gateway.order.OrderStore;
import cn.liangxian.gateway.http.Caller;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** {@code GET /api/v1/orders/:id/receipt}: the receipt of a paid order (names and ID numbers masked). */
public final class Receipts {
  private final OrderStore orders;

  public Receipts(OrderStore orders) {
    this.orders = orders;
  }

  public void handle(RoutingContext ctx) {
    Replies.json(ctx, receipt(OrderHandlers.id(ctx), Caller.of(ctx).id()));
  }

  /** The receipt, for the caller who created the order only (anyone else: 404, as for no order). */
  Future<JsonObject> receipt(UUID id, String owner) {
    return orders.get(id, owner).map(o -> {
      if (!o.getString("state").equals("PAID")) {
        throw Problem.conflict("not-paid", "Not paid", "there is a receipt only for a paid order; this one is "
            + o.getString("state"), new JsonObject().put("state", o.getString("state")));
      }
      return of(o);
    });
  }

  /** The receipt of a paid (or since refunded) order as the API and the verification page show it. */
  static JsonObject of(JsonObject o) {
    JsonArray years = new JsonArray(o.getJsonArray("items").stream().map(x -> ((JsonObject) x).getInteger("year"))
        .distinct().sorted().toList());
    String paidAt = o.getString("paidAt");
    return new JsonObject().put("receiptNo", o.getString("outTradeNo")).put("orderId", o.getString("id"))
        .put("title", "城乡居民基本医疗/养老保险缴费凭证").put("region", o.getString("region")).put("benefitYears", years)
        .put("items", new JsonArray(o.getJsonArray("items").stream().map(x -> item((JsonObject) x)).toList()))
        .put("totalFen", o.getLong("totalFen")).put("channel", o.getString("channel"))
        .put("channelName", BeijingTime.channelName(o.getString("channel")))
        .put("transactionId", o.getString("transactionId")).put("paidAt", BeijingTime.offset(paidAt))
        .put("paidAtText", BeijingTime.paper(paidAt))
        .put("refunds", o.getJsonArray("refunds", new JsonArray()));
  }

  private static JsonObject item(JsonObject i) {
    return new JsonObject().put("name", i.getString("name")).put("idNumber", i.getString("idNumber"))
        .put("insurance", i.getString("insurance")).put("year", i.getInteger("year")).put("tier", i.getInteger("tier"))
        .put("personalFen", i.getLong("personalFen")).put("governmentFen", i.getLong("governmentFen"))
        .put("subsidyFen", i.getLong("subsidyFen"));
  }
}
