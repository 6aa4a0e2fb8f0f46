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
import java.util.function.Consumer;
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
  private final Consumer<String> simulatedCard;
  private HttpServer server;

  /** @param simulatedCard when not null, {@code POST /api/sim/idcard} places the simulator's demo card */
  public UiServer(Vertx vertx, KioskFlow flow, Consumer<String> simulatedCard) {
    this.vertx = vertx;
    this.flow = flow;
    this.simulatedCard = simulatedCard;
  }

  public Future<Integer> listen(String host, int port) {
    Router r = Router.router(vertx);
    r.route("/api/*").handler(BodyHandler.create().setBodyLimit(4096));
    r.get("/api/state").handler(this::state);
    r.post("/api/action").handler(this::action);
    r.get("/api/qr.svg").handler(this::qr);
    if (simulatedCard != null) {
      r.post("/api/sim/idcard").handler(ctx -> {
        simulatedCard.accept(ctx.body().asJsonObject() == null ? "place" : ctx.body().asJsonObject().getString("do", "place"));
        ctx.response().setStatusCode(204).end();
      });
    }
    r.route("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false).setIndexPage("index.html"));
    r.route().failureHandler(ctx -> {
      LOG.warn("ui request failed: {}", ctx.failure() == null ? ctx.statusCode() : ctx.failure().toString());
      ctx.response().setStatusCode(ctx.statusCode() > 0 ? ctx.statusCode() : 500)
          .putHeader("Content-Type", "application/json; charset=utf-8")
          .end(new JsonObject().put("message", "系统繁忙，请稍后再试").encode());
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
    JsonObject order = flow.view().getJsonObject("order");
    if (order == null) {
      ctx.fail(404);
      return;
    }
    ctx.response().putHeader("Content-Type", "image/svg+xml").putHeader("Cache-Control", "no-store")
        .end(QrSvg.svg(order.getString("codeUrl")));
  }

  private void action(RoutingContext ctx) {
    JsonObject a;
    try {
      a = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      ctx.fail(400);
      return;
    }
    if (a == null) {
      ctx.fail(400);
      return;
    }
    switch (a.getString("action", "")) {
      case "keypad" -> flow.startKeypad();
      case "typed" -> flow.typed(a.getString("idNumber"), a.getString("name"));
      case "toggle" -> flow.toggle(a.getString("memberRef"), a.getString("insurance"), a.getInteger("tier"));
      case "confirm" -> flow.confirmSelection();
      case "channel" -> flow.choose(a.getString("channel"));
      case "cancel" -> flow.cancel();
      case "reprint" -> flow.reprint();
      case "elder" -> flow.elder(a.getBoolean("on", false));
      default -> {
        ctx.fail(400);
        return;
      }
    }
    state(ctx);
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
