package cn.liangxian.gateway.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;

/**
 * Requests the HTTP decoder could not read (a request line or headers too long, not HTTP at all) never
 * reach the router; they are answered here, as problem+json like every other error, and the connection closed.
 */
public final class InvalidRequests {
  private InvalidRequests() {}

  public static void handle(HttpServerRequest request) {
    Throwable cause = request.decoderResult() == null ? null : request.decoderResult().cause();
    Problem p;
    if (cause instanceof TooLongHttpLineException) {
      p = new Problem(414, "uri-too-long", "URI too long", "the request line is longer than the server accepts");
    } else if (cause instanceof TooLongHttpHeaderException) {
      p = new Problem(431, "headers-too-large", "Request header fields too large", "the request headers are larger than the server accepts");
    } else {
      p = Problem.badRequest("malformed-request", "Malformed request", "the request could not be read as HTTP");
    }
    // the decoder's state is unknown after a bad request: the connection is not reused
    request.response().setStatusCode(p.status()).putHeader("Content-Type", "application/problem+json").putHeader("Connection", "close")
        .end(p.toJson(null, true).toBuffer());
  }
}
