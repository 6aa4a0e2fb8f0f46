package cn.liangxian.gateway.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * A request whose body has not fully arrived within the read time-out is answered 408 and its
 * connection closed: a client trickling a body a byte at a time holds a connection and a buffer for
 * no one. (A connection silent for the idle time-out is closed by the server itself.)
 */
public final class SlowClients {
  private final Vertx vertx;
  private final long readTimeoutMillis;
  private final Counter dropped;

  public SlowClients(Vertx vertx, long readTimeoutMillis, MeterRegistry registry) {
    this.vertx = vertx;
    this.readTimeoutMillis = readTimeoutMillis;
    this.dropped = Counter.builder("liangxian_slow_requests_dropped")
        .description("requests whose body did not arrive within the read time-out").register(registry);
  }

  public void handle(RoutingContext ctx) {
    if (ctx.request().isEnded()) {
      ctx.next();
      return;
    }
    long timer = vertx.setTimer(readTimeoutMillis, t -> {
      if (!ctx.request().isEnded() && !ctx.response().ended() && !ctx.response().closed()) {
        dropped.increment();
        ctx.response().putHeader("Connection", "close");
        ctx.addEndHandler(ar -> ctx.request().connection().close());
        ctx.fail(new Problem(408, "request-timeout", "请求超时，请重试",
            "the request body did not arrive within " + readTimeoutMillis + " ms"));
      }
    });
    ctx.addEndHandler(ar -> vertx.cancelTimer(timer));
    ctx.next();
  }
}
