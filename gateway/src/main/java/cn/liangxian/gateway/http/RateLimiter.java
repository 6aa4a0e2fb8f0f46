package cn.liangxian.gateway.http;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per client (a signed kiosk, a logged-in resident, else the address), shared by the verticle
 * instances of one gateway. Approximate across instances by design: it protects the service, it
 * is not an accounting record.
 */
public final class RateLimiter {
  private final double perSecond;
  private final double burst;
  private final Clock clock;
  private final ConcurrentHashMap<String, double[]> buckets = new ConcurrentHashMap<>();

  public RateLimiter(int perMinute, int burst, Clock clock) {
    this.perSecond = perMinute / 60.0;
    this.burst = Math.max(1, burst);
    this.clock = clock;
  }

  /** 0 when the call may go ahead, else the seconds to wait (for Retry-After). */
  public long acquire(String client) {
    long now = clock.millis();
    double[] result = new double[1];
    buckets.compute(client, (k, b) -> {
      if (b == null) {
        b = new double[] {burst, now};
      }
      // a clock stepped back (NTP) refills nothing, and takes nothing either
      double tokens = Math.min(burst, b[0] + Math.max(0, now - b[1]) / 1000.0 * perSecond);
      if (tokens >= 1) {
        result[0] = 0;
        return new double[] {tokens - 1, now};
      }
      result[0] = Math.ceil((1 - tokens) / perSecond);
      return new double[] {tokens, now};
    });
    if (buckets.size() > 100_000) {
      buckets.clear(); // a flood of distinct clients: forget, rather than grow without bound
    }
    return (long) result[0];
  }

  /**
   * What a per-address limit (or a login lock) counts under: the address, but an IPv6 address's /64, which one subscriber
   * is given whole and may take addresses from at will (one limit per address would be one per guess).
   */
  public static String limitKeyOf(io.vertx.ext.web.RoutingContext ctx) {
    String address = ClientAddress.of(ctx);
    return "ip:" + (address == null ? "unknown" : network(address));
  }

  /** An IPv4 address as it is (also one written as IPv6, ::ffff:a.b.c.d); an IPv6 one as its /64 network. */
  static String network(String host) {
    if (host.indexOf(':') < 0) {
      return host;
    }
    String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    int zone = literal.indexOf('%');
    literal = zone < 0 ? literal : literal.substring(0, zone);
    try {
      // an address literal: parsed, never looked up
      java.net.InetAddress a = java.net.InetAddress.getByName(literal);
      if (a instanceof java.net.Inet4Address) {
        return a.getHostAddress();
      }
      byte[] b = a.getAddress();
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < 8; i += 2) {
        out.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
      }
      return out.append(":/64").toString();
    } catch (java.net.UnknownHostException e) {
      return host;
    }
  }

}
