package cn.liangxian.kiosk.ui;

import cn.liangxian.kiosk.flow.KioskFlow;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.core.json.JsonArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The touch UI on loopback: the static page from the jar ({@code webroot/}), {@code GET /api/state} (what the
 * screen shows, masked) and {@code POST /api/action} (what the resident touched). Nothing is fetched from
 * anywhere else.
 */
public final class UiServer {

  private static final Logger LOG = LoggerFactory.getLogger(UiServer.class);

  private final Vertx vertx;
  private final KioskFlow flow;
  private final Simulators sim;
  private final Future<PinyinIndex> pinyin;
  private HttpServer server;

  /** @param sim the simulated devices' demo routes ({@code /api/sim/...}), or null on a kiosk with real devices */
  public UiServer(Vertx vertx, KioskFlow flow, Simulators sim) {
    this.vertx = vertx;
    this.flow = flow;
    this.sim = sim;
    this.pinyin = vertx.executeBlocking(PinyinIndex::build, false);
  }

  public Future<Integer> listen(String host, int port) {
    Router r = Router.router(vertx);
    r.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(4096));
    r.get("/api/state").handler(this::state);
    r.post("/api/action").handler(this::action);
    r.get("/api/qr.svg").handler(this::qr);
    r.get("/api/receipt-qr.svg").handler(this::receiptQr);
    r.get("/api/pinyin").handler(this::pinyin);
    if (sim != null) {
      sim.routes(r);
    }
    r.route("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false).setIndexPage("index.html"));
    r.route().failureHandler(ctx -> {
      LOG.warn("ui request failed: {}", ctx.failure() == null ? ctx.statusCode() : ctx.failure().toString());
      int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      String said = status >= 500 ? "系统繁忙，请稍后再试" : "操作没有成功，请重新点一下";
      // RFC 9457, as the gateway answers; "message" too, which the page reads
      ctx.response().setStatusCode(status)
          .putHeader("Content-Type", "application/problem+json; charset=utf-8")
          .end(new JsonObject().put("type", "about:blank").put("title", io.netty.handler.codec.http.HttpResponseStatus
              .valueOf(status).reasonPhrase()).put("status", status).put("detail", said).put("message", said).encode());
    });
    return vertx.createHttpServer().requestHandler(r).listen(port, host).map(s -> {
      server = s;
      return s.actualPort();
    });
  }

  private void state(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/json; charset=utf-8").putHeader("Cache-Control", "no-store")
        .end(flow.view().encode());
  }

  private void qr(RoutingContext ctx) {
    qr(ctx, "order", "codeUrl");
  }

  /** The verification code of a paid order's receipt that did not come out of the printer (the one printed on it). */
  private void receiptQr(RoutingContext ctx) {
    qr(ctx, "receipt", "verifyUrl");
  }

  /** The QR code of {@code field} of the screen's {@code part}; 404 while the screen shows none. */
  private void qr(RoutingContext ctx, String part, String field) {
    JsonObject shown = flow.view().getJsonObject(part);
    if (shown == null) {
      ctx.fail(404);
      return;
    }
    ctx.response().putHeader("Content-Type", "image/svg+xml").putHeader("Cache-Control", "no-store")
        .end(QrSvg.svg(shown.getString(field)));
  }

  private void action(RoutingContext ctx) {
    Runnable touch;
    try {
      JsonObject a = ctx.body().asJsonObject();
      touch = a == null ? null : touch(a);
    } catch (RuntimeException e) {
      // no JSON object, or a field of the wrong JSON type ("year": "2026", "on": "yes"): the page never sends one
      touch = null;
    }
    if (touch == null) {
      ctx.fail(400);
      return;
    }
    touch.run();
    state(ctx);
  }

  /**
   * What the resident touched, its fields read and checked before anything is done; null for an action the screen does
   * not know. IllegalArgumentException for a field of the wrong type (null counts as absent).
   */
  private Runnable touch(JsonObject a) {
    if (!(a.getValue("action") instanceof String action)) {
      return null;
    }
    switch (action) {
      case "keypad":
        return flow::startKeypad;
      case "typed": {
        String id = field(a, "idNumber", String.class);
        String name = field(a, "name", String.class);
        return () -> flow.typed(id, name);
      }
      case "toggle": {
        String member = field(a, "memberRef", String.class);
        String insurance = field(a, "insurance", String.class);
        Integer year = whole(a, "year");
        Integer tier = whole(a, "tier");
        return () -> flow.toggle(member, insurance, year, tier);
      }
      case "confirm":
        return flow::confirmSelection;
      case "payAll":
        return flow::payAll;
      case "channel": {
        String channel = field(a, "channel", String.class);
        return () -> flow.choose(channel);
      }
      case "cancel":
        return flow::cancel;
      case "reprint":
        return flow::reprint;
      case "elder": {
        boolean on = Boolean.TRUE.equals(field(a, "on", Boolean.class));
        return () -> flow.elder(on);
      }
      case "touch":
        return flow::stillHere;
      case "back":
        return flow::back;
      default:
        return null;
    }
  }

  private static <T> T field(JsonObject a, String name, Class<T> type) {
    Object v = a.getValue(name);
    if (v != null && !type.isInstance(v)) {
      throw new IllegalArgumentException(name + " is not a " + type.getSimpleName());
    }
    return type.cast(v);
  }

  /** A whole number (JSON has no other kind the page sends for a year or a tier). */
  private static Integer whole(JsonObject a, String name) {
    Number n = field(a, name, Number.class);
    if (n == null) {
      return null;
    }
    if (n.doubleValue() != Math.rint(n.doubleValue()) || Math.abs(n.doubleValue()) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(name + " is not a whole number");
    }
    return n.intValue();
  }

  /** {@code GET /api/pinyin?q=zhang}: the name keyboard's candidate characters for what was typed. */
  private void pinyin(RoutingContext ctx) {
    String q = ctx.request().getParam("q", "");
    pinyin.onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      ctx.response().putHeader("Content-Type", "application/json; charset=utf-8")
          .end(new JsonObject().put("q", q).put("candidates", new JsonArray(ar.result().candidates(q, 60))).encode());
    });
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
