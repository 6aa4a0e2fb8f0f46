package cn.liangxian.gateway.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * RFC 9110's {@code Date} on every answer the router gives (an origin server with a clock sends one), from the
 * gateway's clock. A phone's own clock may be far out (an old phone, a battery changed): the phone page takes "now"
 * from this header, so that it never tells a resident a hold is over, or still on, by the wrong clock.
 */
public final class ResponseDate {
  /** IMF-fixdate, {@code Fri, 04 Dec 2026 09:30:00 GMT}. */
  static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH)
      .withZone(ZoneOffset.UTC);

  private final Clock clock;
  /** The last second formatted and its text, together: formatted once a second, not once a request. */
  private volatile Stamp last = new Stamp(Long.MIN_VALUE, "");

  private record Stamp(long second, String text) {}

  public ResponseDate(Clock clock) {
    this.clock = clock;
  }

  /**
   * Stamped as the answer's headers are written, not as the request arrives: a long poll answered 20 s after it came
   * would otherwise tell a kiosk its clock was 20 s ahead.
   */
  public void handle(RoutingContext ctx) {
    ctx.addHeadersEndHandler(v -> ctx.response().putHeader(HttpHeaders.DATE, now()));
    ctx.next();
  }

  String now() {
    long second = Math.floorDiv(clock.millis(), 1000);
    Stamp s = last;
    if (s.second() != second) {
      s = new Stamp(second, IMF_FIXDATE.format(Instant.ofEpochSecond(second)));
      last = s;
    }
    return s.text();
  }
}
