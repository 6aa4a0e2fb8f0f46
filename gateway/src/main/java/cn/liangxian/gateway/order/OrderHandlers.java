package cn.liangxian.gateway.order;

import cn.liangxian.gateway.http.JsonBodies;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.RateLimiter;
import cn.liangxian.gateway.http.Replies;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** The order routes: create (with Idempotency-Key), read, cancel. */
public final class OrderHandlers {
  private final Orders orders;

  public OrderHandlers(Orders orders) {
    this.orders = orders;
  }

  public void create(RoutingContext ctx) {
    String key = ctx.request().getHeader("Idempotency-Key");
    if (key == null || key.isBlank() || key.length() > 128) {
      throw new Problem(400, "idempotency-key-required", "Idempotency-Key required",
          "send an Idempotency-Key header (at most 128 characters) so that a retried request cannot pay twice");
    }
    OrderRequest req = OrderRequest.from(JsonBodies.object(ctx, OrderRequest.FIELDS), orders.channelNames());
    orders.create(RateLimiter.clientOf(ctx), key.strip(), req).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      JsonObject o = ar.result().order();
      ctx.response().setStatusCode(ar.result().fresh() ? 201 : 200).putHeader("Content-Type", "application/json")
          .putHeader("Location", "/api/v1/orders/" + o.getString("id")).end(o.toBuffer());
    });
  }

  public void get(RoutingContext ctx) {
    Replies.json(ctx, orders.get(id(ctx)));
  }

  public void cancel(RoutingContext ctx) {
    Replies.json(ctx, orders.cancel(id(ctx)));
  }

  /** The order a path names; 404 when it cannot be one. */
  public static UUID id(RoutingContext ctx) {
    try {
      return UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw Problem.notFound("order-not-found", "No such order", "'" + ctx.pathParam("id") + "' is not an order id");
    }
  }
}
