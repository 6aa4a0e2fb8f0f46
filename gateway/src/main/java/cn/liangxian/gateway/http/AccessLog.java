package cn.liangxian.gateway.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One structured line per request: request id (the caller's {@code X-Request-Id} when it is sane, else a
 * new one, echoed in the response), method, route template, status and duration. Never the body, the
 * query or a header that could carry personal data.
 */
public final class AccessLog {
  private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._-]{8,64}");
  public static final String KEY = "requestId";
  private static final CharSequence REQUEST_ID = HttpHeaders.createOptimized("X-Request-Id");
  /** Method, route template, status, milliseconds. */
  private static final String LINE = "{} {} {} {}ms";

  private AccessLog() {}

  public static void handle(RoutingContext ctx) {
    String given = ctx.request().getHeader(REQUEST_ID);
    // a correlation id, not a secret: a fast random is enough (UUID.randomUUID would take SecureRandom's lock per request)
    String id = given != null && SANE.matcher(given).matches() ? given
        : Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    long start = System.nanoTime();
    ctx.put(KEY, id);
    ctx.response().putHeader(REQUEST_ID, id);
    ctx.addBodyEndHandler(v -> {
      MDC.put(KEY, id);
      try {
        String route = ctx.currentRoute() == null || ctx.currentRoute().getPath() == null ? "-" : ctx.currentRoute().getPath();
        int status = ctx.response().getStatusCode();
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (status >= 500 && status != 503) {
          // a fault of ours at WARN: written to the console at once, not with the next batch (a process killed right after
          // it still leaves it in the log). Not a 503: a request turned away under load is no fault, and thousands a
          // second must not each wake the console's thread
          LOG.warn(LINE, ctx.request().method(), route, status, ms);
        } else {
          LOG.info(LINE, ctx.request().method(), route, status, ms);
        }
      } finally {
        MDC.remove(KEY);
      }
    });
    ctx.next();
  }

  /** Runs a log call with the request id of this context in the MDC. */
  public static void with(RoutingContext ctx, Runnable log) {
    Object id = ctx.get(KEY);
    if (id != null) {
      MDC.put(KEY, id.toString());
    }
    try {
      log.run();
    } finally {
      MDC.remove(KEY);
    }
  }
}
