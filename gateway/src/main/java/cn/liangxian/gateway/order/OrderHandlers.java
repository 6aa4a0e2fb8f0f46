package cn.liangxian.gateway.order;

import cn.liangxian.gateway.http.Admission;
import cn.liangxian.gateway.http.JsonBodies;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.Replies;
import cn.liangxian.gateway.http.Caller;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** The order routes: create (with Idempotency-Key) and read (at once, or waiting for a change), by the caller who created it. */
public final class OrderHandlers {
  static final int MAX_WAIT_SECONDS = 25;
  private final Orders orders;
  private final OrderWatch watch;

  public OrderHandlers(Orders orders, OrderWatch watch) {
    this.orders = orders;
    this.watch = watch;
  }

  public void create(RoutingContext ctx) {
    String key = ctx.request().getHeader("Idempotency-Key");
    if (key == null || key.isBlank() || key.length() > 128) {
      throw new Problem(400, "idempotency-key-required", "Idempotency-Key required",
          "send an Idempotency-Key header (at most 128 characters) so that a retried request cannot pay twice");
    }
    OrderRequest req = OrderRequest.from(JsonBodies.object(ctx, OrderRequest.FIELDS), orders.channelNames());
    // the channel's time is not this process's: left out of the latency admission follows
    orders.create(Caller.of(ctx), key.strip(), req, call -> Admission.outside(ctx, call)).onComplete(ar -> {
      if (ar.failed()) {
        if (ar.cause() instanceof Problem p && p.slug().equals("order-being-prepared")) {
          ctx.response().putHeader("Retry-After", Integer.toString(Orders.PREPARING_RETRY_SECONDS));
        }
        ctx.fail(ar.cause());
        return;
      }
      JsonObject o = ar.result().order();
      ctx.response().setStatusCode(ar.result().fresh() ? 201 : 200).putHeader("Content-Type", "application/json")
          .putHeader("Location", "/api/v1/orders/" + o.getString("id")).end(o.toBuffer());
    });
  }

  /** {@code GET /api/v1/orders?idempotencyKey=}: the order the caller's request with that key made, if any. */
  public void byKey(RoutingContext ctx) {
    String key = ctx.request().getParam("idempotencyKey");
    if (key == null || key.isBlank() || key.length() > 128) {
      throw Problem.invalidField("idempotencyKey", "idempotencyKey (at most 128 characters) names the order to find:"
          + " the Idempotency-Key its creating request was sent with");
    }
    Replies.json(ctx, orders.byKey(Caller.of(ctx).id(), key.strip()));
  }

  /**
   * The order; with {@code waitSeconds} held while it is still PAYING (and still the {@code state} the
   * caller saw) until its state changes or the time is up: a kiosk showing a QR code asks once instead
   * of every second.
   */
  public void get(RoutingContext ctx) {
    UUID id = id(ctx);
    String owner = Caller.of(ctx).id();
    int wait = waitSeconds(ctx);
    OrderWatch.Waiter w = wait == 0 ? null : watch.watch(id);
    if (w == null) {
      Replies.json(ctx, orders.get(id, owner));
      return;
    }
    // watching before reading: a change between the read and the wait still wakes it
    ctx.addEndHandler(x -> {
      watch.forget(w);
      w.woken().tryComplete();
    });
    String seen = ctx.request().getParam("state");
    // the state alone first: most held requests find the order still paying and wait, and read it whole
    // only when they answer
    orders.state(id, owner).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      if (settled(ar.result(), seen)) {
        Replies.json(ctx, orders.get(id, owner));
        return;
      }
      Admission.waiting(ctx); // held: it costs nothing until the order changes or the time is up
      long timer = ctx.vertx().setTimer(wait * 1000L, t -> watch.timeUp(w));
      w.woken().future().onComplete(x -> {
        ctx.vertx().cancelTimer(timer);
        if (!ctx.response().ended() && !ctx.response().closed()) {
          Replies.json(ctx, orders.get(id, owner));
        }
      });
    });
  }

  /** Nothing to wait for: the order is no longer paying, or not in the state the caller last saw. */
  private static boolean settled(String state, String seen) {
    return !"PAYING".equals(state) || seen != null && !seen.equals(state);
  }

  private static int waitSeconds(RoutingContext ctx) {
    String v = ctx.request().getParam("waitSeconds");
    if (v == null) {
      return 0;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 0 && n <= MAX_WAIT_SECONDS) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw Problem.invalidField("waitSeconds", "waitSeconds must be a whole number from 0 to " + MAX_WAIT_SECONDS);
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
