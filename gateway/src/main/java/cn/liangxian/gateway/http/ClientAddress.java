package cn.liangxian.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

/**
 * The address a request is counted and audited under. Behind a balancer ({@code http.behindProxy}) it is the client's,
 * from the X-Forwarded-For the balancer sets, but only for a request that came from one of the balancers it is given
 * ({@link cn.liangxian.gateway.config.TrustedProxies}); from
 * any other peer it is that peer's own address, whatever header it sent. Without a balancer it is the peer's.
 */
public final class ClientAddress {
  private static final String KEY = "lx.clientAddress";

  private ClientAddress() {}

  /** The first handler of the router behind a balancer: the request's address decided once, before anyone reads it. */
  public static Handler<RoutingContext> behind(cn.liangxian.gateway.config.TrustedProxies trusted) {
    return ctx -> {
      SocketAddress peer = ctx.request().connection() == null ? null : ctx.request().connection().remoteAddress();
      String raw = peer == null ? null : peer.hostAddress();
      if (raw != null && trusted.trusts(raw)) {
        SocketAddress forwarded = ctx.request().remoteAddress();
        ctx.put(KEY, forwarded == null ? raw : forwarded.hostAddress());
      } else if (raw != null) {
        ctx.put(KEY, raw);
      }
      ctx.next();
    };
  }

  /** The request's address as limits and the audit log count it; null when none is known. */
  public static String of(RoutingContext ctx) {
    String decided = ctx.get(KEY);
    if (decided != null) {
      return decided;
    }
    SocketAddress a = ctx.request().remoteAddress();
    return a == null ? null : a.hostAddress();
  }
}
