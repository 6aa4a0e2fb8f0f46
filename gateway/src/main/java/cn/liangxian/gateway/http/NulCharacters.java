package cn.liangxian.gateway.http;

import io.vertx.ext.web.RoutingContext;

/**
 * PostgreSQL refuses the NUL character in text: one in a query parameter, a path or a header is the
 * caller's mistake, answered 400 before anything reads it (bodies are checked by {@link JsonBodies}). So is
 * an address that cannot be decoded at all (a malformed %-escape such as {@code %ZZ}): every handler after
 * this one may read the path and the query as decoded.
 */
public final class NulCharacters {
  private NulCharacters() {}

  public static void handle(RoutingContext ctx) {
    var request = ctx.request();
    String uri = request.uri();
    if (uri != null && uri.toLowerCase(java.util.Locale.ROOT).contains("%00")) {
      throw Problem.badRequest("invalid-request", "Invalid request", "the address contains a NUL character (%00)");
    }
    try {
      ctx.normalizedPath();
      ctx.queryParams();
    } catch (IllegalArgumentException | io.vertx.ext.web.handler.HttpException e) {
      // the exception's message quotes the whole address, personal data and all: it is not logged
      throw Problem.badRequest("bad-request", "Bad request", "the address has a malformed %-escape");
    }
    for (var header : request.headers()) {
      if (header.getValue().indexOf('\0') >= 0) {
        throw Problem.badRequest("invalid-request", "Invalid request", "the header " + header.getKey() + " contains a NUL character");
      }
    }
    ctx.next();
  }
}
