package cn.liangxian.gateway.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies one process holds at once, shared by its event loops. Before a body is
 * read its size (Content-Length, else the route's whole limit) is reserved; a body that would not fit
 * is answered 503 with Retry-After before a byte of it is read, and the reservation is given back when
 * the exchange ends. So a few dozen clients sending large bodies cannot exhaust the heap. Callbacks (and
 * health checks) are counted but never refused, as {@link Admission} treats them.
 */
public final class BodyBudget {
  private final long budget;
  private final int retryAfterSeconds;
  private final AtomicLong held = new AtomicLong();
  private final Counter refused;

  public BodyBudget(long budgetBytes, int retryAfterSeconds, MeterRegistry registry) {
    this.budget = budgetBytes;
    this.retryAfterSeconds = retryAfterSeconds;
    Gauge.builder("liangxian_request_bodies_bytes", held, AtomicLong::get)
        .description("bytes of request bodies reserved by requests being read or served").register(registry);
    this.refused = Counter.builder("liangxian_request_bodies_refused").description("requests refused: the body budget was spent")
        .register(registry);
  }

  /** A handler reading bodies up to {@code limit} bytes, within the budget. */
  public io.vertx.core.Handler<RoutingContext> reader(int limit) {
    BodyHandler read = BodyHandler.create(false).setBodyLimit(limit);
    return ctx -> {
      long size = declaredSize(ctx, limit);
      if (size > limit) {
        ctx.fail(new Problem(413, "body-too-large", "Request body too large", "the request body exceeds " + limit + " bytes"));
        return;
      }
      // a channel's callback is not turned away because uploads hold the budget: it may go over it by a quarter, which
      // still bounds what anyone posting to those paths (before any signature is checked) can make the process hold
      boolean never = RouteClass.of(ctx.request().method(), ctx.normalizedPath()).shedding() == RouteClass.Shedding.NEVER;
      if (size > 0 && !reserve(size, never ? budget + budget / 4 : budget)) {
        refused.increment();
        ctx.response().putHeader("Retry-After", Integer.toString(retryAfterSeconds));
        ctx.fail(new Problem(503, "bodies-busy", "系统正忙，请稍后再试",
            "the server is reading as many request bodies as it can hold; retry in " + retryAfterSeconds + " s"));
        return;
      }
      if (size > 0) {
        AtomicBoolean given = new AtomicBoolean();
        ctx.addEndHandler(ar -> {
          if (given.compareAndSet(false, true)) {
            held.addAndGet(-size);
          }
        });
      }
      read.handle(ctx);
    };
  }

  /** Content-Length when given, 0 for a request that has none and sends no chunks, else the whole limit. */
  private static long declaredSize(RoutingContext ctx, int limit) {
    String length = ctx.request().getHeader("Content-Length");
    if (length != null) {
      try {
        return Math.max(0, Long.parseLong(length.strip()));
      } catch (NumberFormatException e) {
        return limit + 1L;
      }
    }
    String chunked = ctx.request().getHeader("Transfer-Encoding");
    return chunked == null ? 0 : limit;
  }

  boolean reserve(long size) {
    return reserve(size, budget);
  }

  private boolean reserve(long size, long bound) {
    while (true) {
      long now = held.get();
      if (now + size > bound) {
        return false;
      }
      if (held.compareAndSet(now, now + size)) {
        return true;
      }
    }
  }

  public long held() {
    return held.get();
  }
}
