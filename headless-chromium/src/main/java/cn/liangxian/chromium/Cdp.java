package cn.liangxian.chromium;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Chrome DevTools protocol over a Vert.x WebSocket: one target (the browser or a page), commands and their answers.
 * Messages up to 256 MiB: a screenshot of a tall page is one.
 */
public final class Cdp implements AutoCloseable {
  private final WebSocket ws;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, Promise<JsonObject>> pending = new ConcurrentHashMap<>();

  private Cdp(WebSocket ws) {
    this.ws = ws;
    ws.textMessageHandler(text -> {
      JsonObject m = new JsonObject(text);
      Integer id = m.getInteger("id");
      Promise<JsonObject> p = id == null ? null : pending.remove(id);
      if (p == null) {
        return; // an event
      }
      if (m.containsKey("error")) {
        p.fail(m.getJsonObject("error").encode());
      } else {
        p.complete(m.getJsonObject("result", new JsonObject()));
      }
    });
    // a connection that ends fails what waits on it at once, saying why, instead of leaving it to time out
    ws.closeHandler(v -> {
      String why = "the DevTools connection closed (" + ws.closeStatusCode() + " " + ws.closeReason() + ")";
      pending.values().forEach(p -> p.tryFail(why));
      pending.clear();
    });
    ws.exceptionHandler(e -> System.err.println("DevTools connection: " + e));
  }

  public static Cdp connect(Vertx vertx, String webSocketUrl) throws Exception {
    URI u = URI.create(webSocketUrl);
    WebSocket ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(256 * 1024 * 1024)
            .setMaxFrameSize(256 * 1024 * 1024))
        .connect(new WebSocketConnectOptions().setHost(u.getHost()).setPort(u.getPort()).setURI(u.getPath()))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    return new Cdp(ws);
  }

  public JsonObject send(String method, JsonObject params) throws Exception {
    int id = ids.incrementAndGet();
    Promise<JsonObject> p = Promise.promise();
    pending.put(id, p);
    ws.writeTextMessage(new JsonObject().put("id", id).put("method", method).put("params", params).encode());
    return p.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Evaluates a JavaScript expression in the page, returning its value. */
  public Object eval(String js) throws Exception {
    JsonObject r = send("Runtime.evaluate", new JsonObject().put("expression", js).put("returnByValue", true)
        .put("awaitPromise", true));
    if (r.containsKey("exceptionDetails")) {
      throw new AssertionError("page script failed: " + r.getJsonObject("exceptionDetails").encode());
    }
    return r.getJsonObject("result").getValue("value");
  }

  /** Closed, and the closing handshake done: a browser that outlives this page is left no connection of it. */
  @Override
  public void close() throws Exception {
    ws.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
