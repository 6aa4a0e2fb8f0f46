package cn.liangxian.gateway.http;

import io.vertx.ext.web.RoutingContext;

/**
 * Who is calling, as proven, never as claimed: a kiosk whose signature verified, a resident whose
 * mini-program session is valid (the openid or Alipay user id the channel gave at login), or nobody
 * known (the network address only). {@link #id()} is what orders and idempotency keys belong to.
 */
public record Caller(Kind kind, String id, String channel, String subject) {
  public enum Kind { KIOSK, RESIDENT, ANONYMOUS }

  public static final String KEY = "liangxian.caller";

  public static Caller kiosk(String kioskId) {
    return new Caller(Kind.KIOSK, "kiosk:" + kioskId, null, kioskId);
  }

  /** A logged-in resident: {@code wechat:<openid>} or {@code alipay:<user id>}. */
  public static Caller resident(String channel, String subject) {
    return new Caller(Kind.RESIDENT, channel + ":" + subject, channel, subject);
  }

  public static Caller anonymous(String address) {
    return new Caller(Kind.ANONYMOUS, "ip:" + address, null, null);
  }

  /** The caller {@link CallerAuth} established for this request. */
  public static Caller of(RoutingContext ctx) {
    Caller c = ctx.get(KEY);
    if (c == null) {
      throw new IllegalStateException("no caller: the route is not behind CallerAuth");
    }
    return c;
  }

  public boolean known() {
    return kind != Kind.ANONYMOUS;
  }
}
