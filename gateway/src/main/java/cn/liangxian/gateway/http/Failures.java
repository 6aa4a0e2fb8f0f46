package cn.liangxian.gateway.http;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure handler of the router: every failure leaves as problem+json (but a browser's request for a page there
 * is not, which is shown a Chinese page: {@link BrowserPage}). Caller mistakes are
 * 4xx with what to fix; our own faults are logged here and answered 503 or 500 without detail, never
 * with a stack trace.
 */
public final class Failures {
  private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

  private Failures() {}

  public static void handle(RoutingContext ctx) {
    AccessLog.with(ctx, () -> answer(ctx));
  }

  private static void answer(RoutingContext ctx) {
    Problem p = problemOf(ctx);
    if (ctx.response().ended()) {
      return;
    }
    String page = BrowserPage.of(ctx, p.status(), normalized(ctx));
    if (page != null) {
      // a page not there is 404 whatever the router made of it (a 405 for a path only posted to); the others keep theirs
      int status = page == BrowserPage.NOT_FOUND ? 404 : p.status();
      ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-store")
          .end(page);
      return;
    }
    JsonObject answer = p.toJson(ctx.request().path(), ResidentTexts.residentFacing(normalized(ctx)));
    if (answer.getValue("retryAfterSeconds") instanceof Integer seconds && ctx.response().headers().get("Retry-After") == null) {
      // said in the body for the page that reads it, and where HTTP says it for every client
      ctx.response().putHeader("Retry-After", Integer.toString(seconds));
    }
    ctx.response().setStatusCode(p.status()).putHeader("Content-Type", "application/problem+json")
        // the route as the router resolved it ("//api/v1/orders" is the orders route): its residents read Chinese
        .end(answer.toBuffer());
  }

  private static String normalized(RoutingContext ctx) {
    try {
      return ctx.normalizedPath();
    } catch (RuntimeException e) {
      return ctx.request().path(); // a path the router could not resolve: as sent
    }
  }

  /**
   * What a failed request is to be told, our own faults logged; for routes that must answer in a
   * channel's format rather than problem+json. Call with the request id in the MDC.
   */
  public static Problem problemOf(RoutingContext ctx) {
    Throwable f = ctx.failure();
    Problem p;
    if (f instanceof Problem problem) {
      p = problem;
    } else if (f instanceof DecodeException) {
      p = Problem.malformedJson("the body could not be parsed as JSON");
    } else if (f instanceof io.vertx.ext.web.handler.HttpException e && e.getStatusCode() >= 400 && e.getStatusCode() < 500) {
      // Vert.x Web's own refusal of the caller's request, answered as its status alone (its message may quote the
      // address: not passed on)
      p = byStatus(ctx, e.getStatusCode());
    } else if (undecodableBody(f)) {
      p = Problem.badRequest("malformed-body", "Request body could not be decoded", "the body is not a well-formed form, or a field of it is too large");
    } else if (f == null) {
      p = byStatus(ctx, ctx.statusCode());
    } else if ((ctx.get(CLIENT_CONNECTION_FAILED) != null || ctx.response().closed()) && ioFailure(f)) {
      // the caller's own connection was reset under the request: nothing of ours failed, and no one is left to answer
      p = new Problem(400, "client-closed", "Request abandoned", "the connection closed before the request was answered");
    } else if (Outage.databaseUnreachable(f)) {
      Outage.refused(ctx.request().method().name(), ctx.request().path(), f);
      ctx.response().putHeader("Retry-After", Integer.toString(Outage.RETRY_AFTER_SECONDS));
      p = new Problem(503, "unavailable", "Service temporarily unavailable", "please try again in a few seconds");
    } else if (f instanceof io.vertx.core.http.HttpClosedException) {
      // the client hung up mid-request: nothing of ours failed, and there is no one left to answer
      p = new Problem(400, "client-closed", "Request abandoned", "the connection closed before the request was read");
    } else if (f instanceof io.vertx.pgclient.PgException || f instanceof io.vertx.core.VertxException) {
      LOG.error("dependency failure on {} {}: {}", ctx.request().method(), ctx.request().path(), f.toString());
      p = new Problem(503, "unavailable", "Service temporarily unavailable", "please try again shortly");
    } else {
      p = internal(f);
    }
    if (p.status() >= 500 && f instanceof Problem) {
      LOG.error("{} {} answered {}", ctx.request().method(), ctx.request().path(), p.status());
    }
    return p;
  }

  /** A failure known by its status alone (the router's, or Vert.x Web's own refusal). */
  private static Problem byStatus(RoutingContext ctx, int status) {
    return switch (status) {
      case 400 -> Problem.badRequest("bad-request", "Bad request", "the request could not be understood");
      case 404 -> new Problem(404, "no-such-route", "Not found", "no such resource: " + ctx.request().path());
      case 405 -> new Problem(405, "method-not-allowed", "Method not allowed", ctx.request().method() + " is not allowed here");
      case 413 -> new Problem(413, "body-too-large", "Request body too large", "the request body exceeds the limit");
      case 415 -> new Problem(415, "unsupported-media-type", "Unsupported media type", "send application/json");
      default -> status >= 400 && status < 500 ? new Problem(status, "client-error", "Request refused", null) : internal(null);
    };
  }

  private static final String CLIENT_CONNECTION_FAILED = "clientConnectionFailed";

  /**
   * Marks the request when its caller's connection fails under it (reset mid-body, say): the same "Connection reset",
   * raised in the same read loop, is the database's outage when it comes from one of the database's connections, and
   * only the connection it came from tells them apart. Vert.x tells the connection before the request.
   */
  public static void watchConnection(RoutingContext ctx) {
    io.vertx.core.http.HttpConnection connection = ctx.request().connection();
    if (connection != null) {
      connection.exceptionHandler(e -> ctx.put(CLIENT_CONNECTION_FAILED, Boolean.TRUE));
    }
    ctx.next();
  }

  private static boolean ioFailure(Throwable f) {
    for (Throwable t = f; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.io.IOException) {
        return true;
      }
    }
    return false;
  }

  /** A form body the HTTP decoder could not read (bad %-escapes, binary, a field too large): the caller's, not ours. */
  private static boolean undecodableBody(Throwable f) {
    for (Throwable t = f; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof io.netty.handler.codec.DecoderException) {
        return true;
      }
      // the form decoder also lets out bare IllegalArgumentException and IOException, and the HTTP decoder a
      // NumberFormatException for a chunk size that is not hexadecimal (that one only: a failure of ours raised
      // while the decoder is on the stack is still ours, and logged)
      for (StackTraceElement e : t.getStackTrace()) {
        if (e.getClassName().startsWith("io.netty.handler.codec.http.multipart.")
            || t instanceof NumberFormatException && e.getClassName().startsWith("io.netty.handler.codec.http.HttpObjectDecoder")) {
          return true;
        }
      }
    }
    return false;
  }

  private static Problem internal(Throwable f) {
    if (f != null) {
      LOG.error("unexpected failure", f);
    }
    return new Problem(500, "internal", "Internal error", "the request could not be completed; it changed nothing");
  }
}
