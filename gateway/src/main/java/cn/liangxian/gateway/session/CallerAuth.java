package cn.liangxian.gateway.session;

import cn.liangxian.gateway.http.Caller;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.RateLimiter;
import cn.liangxian.gateway.kiosk.KioskAuth;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Set;

/**
 * Establishes the {@link Caller} of a resident-facing route: a request claiming a kiosk must carry the
 * kiosk's valid signature, a request with {@code Authorization: Bearer} must carry a live resident
 * session, and anything else is anonymous. A claim that does not hold is refused, never downgraded.
 * {@link #only} then says which kinds of caller a route serves.
 */
public final class CallerAuth {
  private final KioskAuth kiosks;
  private final Sessions sessions;

  public CallerAuth(KioskAuth kiosks, Sessions sessions) {
    this.kiosks = kiosks;
    this.sessions = sessions;
  }

  public void identify(RoutingContext ctx) {
    kiosks.verify(ctx).compose(kiosk -> kiosk != null ? Future.succeededFuture(Caller.kiosk(kiosk)) : resident(ctx))
        .onComplete(ar -> {
          if (ar.failed()) {
            ctx.fail(ar.cause());
            return;
          }
          ctx.put(Caller.KEY, ar.result());
          ctx.next();
        });
  }

  private Future<Caller> resident(RoutingContext ctx) {
    String h = ctx.request().getHeader("Authorization");
    if (h == null) {
      return Future.succeededFuture(Caller.anonymous(RateLimiter.limitKeyOf(ctx).substring(3)));
    }
    if (!h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Future.failedFuture(expired());
    }
    return sessions.resolve(h.substring(7).strip()).compose(c -> c == null ? Future.failedFuture(expired()) : Future.succeededFuture(c));
  }

  /**
   * A route for these kinds of caller only: an anonymous caller is answered 401 (sign, or log in), a
   * known caller of another kind 403.
   */
  public static Handler<RoutingContext> only(Caller.Kind first, Caller.Kind... more) {
    Set<Caller.Kind> allowed = EnumSet.of(first, more);
    boolean kioskOnly = allowed.equals(EnumSet.of(Caller.Kind.KIOSK));
    return ctx -> {
      Caller c = Caller.of(ctx);
      if (allowed.contains(c.kind())) {
        ctx.next();
      } else if (kioskOnly) {
        ctx.fail(c.known() ? new Problem(403, "kiosk-only", "此功能只在自助缴费机上使用", "this route serves signed kiosks only")
            : new Problem(401, "kiosk-unauthorized", "Kiosk not authenticated", "this route serves signed kiosks only"));
      } else {
        ctx.fail(new Problem(401, "login-required", "请先登录",
            "log in first with POST /api/v1/session/wechat or /api/v1/session/alipay").resident("请在微信或支付宝小程序里登录后再试"));
      }
    };
  }

  static Problem expired() {
    return new Problem(401, "session-expired", "Session expired", "the session has expired: log in again");
  }
}
