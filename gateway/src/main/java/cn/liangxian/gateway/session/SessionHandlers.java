package cn.liangxian.gateway.session;

import cn.liangxian.gateway.channel.ChannelException;
import cn.liangxian.gateway.channel.ResidentLogin;
import cn.liangxian.gateway.channel.ResidentLogins;
import cn.liangxian.gateway.http.Admission;
import cn.liangxian.gateway.http.JsonBodies;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.RateLimiter;
import cn.liangxian.gateway.http.SharedRateLimiter;
import cn.liangxian.gateway.http.ResidentTexts;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/session/{wechat|alipay}} {code}: the phone's one-time login code is exchanged at
 * the channel for the resident's id there, and a session token bound to it is answered. The code is
 * never stored or logged; the resident's id is not answered (the phone needs only the token).
 */
public final class SessionHandlers {
  private static final Logger LOG = LoggerFactory.getLogger(SessionHandlers.class);

  private final ResidentLogins logins;
  private final Sessions sessions;
  private final RateLimiter here;
  private final SharedRateLimiter perAddress;
  private final MeterRegistry registry;

  /**
   * {@code perAddress}: the logins an address may make, for the whole deployment (each is a call to the channel);
   * {@code here}: the same limit in this process, asked first, so that a flood costs no database write per attempt.
   */
  public SessionHandlers(ResidentLogins logins, Sessions sessions, RateLimiter here, SharedRateLimiter perAddress,
      MeterRegistry registry) {
    this.here = here;
    this.logins = logins;
    this.sessions = sessions;
    this.perAddress = perAddress;
    this.registry = registry;
    for (String channel : List.of("wechat", "alipay")) {
      for (String outcome : List.of("ok", "code-refused", "channel-error")) {
        registry.counter("liangxian_resident_logins", "channel", channel, "outcome", outcome);
      }
    }
  }

  public void login(RoutingContext ctx) {
    String channel = ctx.pathParam("channel");
    ResidentLogin login = logins.byChannel().get(channel);
    if (login == null) {
      throw Problem.notFound("no-such-login", "没有这种登录方式", "log in with /api/v1/session/wechat or /api/v1/session/alipay")
          .resident("请在微信或支付宝小程序里登录");
    }
    String code = JsonBodies.requiredString(JsonBodies.object(ctx, Set.of("code")), "code", 128);
    if (!code.matches("[\\x21-\\x7e]+")) {
      throw Problem.invalidField("code", "code is the login code of wx.login or my.getAuthCode, as the phone got it");
    }
    String address = RateLimiter.limitKeyOf(ctx);
    perAddress.acquire(address, here).onComplete(limit -> {
      if (limit.failed()) {
        ctx.fail(limit.cause());
      } else if (limit.result() > 0) {
        ctx.response().putHeader("Retry-After", Long.toString(limit.result()));
        ctx.fail(new Problem(429, "rate-limited", "登录太频繁，请稍后再试", "too many logins from this address; retry in "
            + limit.result() + " s").resident(ResidentTexts.retryIn(limit.result()) + "。"));
      } else {
        exchange(ctx, channel, login, code);
      }
    });
  }

  /** The code exchanged at the channel for the resident's id there, and a session opened for it. */
  private void exchange(RoutingContext ctx, String channel, ResidentLogin login, String code) {
    // the channel's time is not this process's: left out of the latency admission follows
    Admission.outside(ctx, () -> login.subject(code)).compose(subject -> sessions.open(channel, subject)).onComplete(ar -> {
      if (ar.succeeded()) {
        count(channel, "ok");
        ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
            .end(ar.result().put("channel", channel).toBuffer());
      } else if (ar.cause() instanceof ResidentLogin.CodeRefused) {
        count(channel, "code-refused");
        ctx.fail(new Problem(401, "login-code-refused", "Login code refused", "the channel refused the login code: invalid,"
            + " used or expired"));
      } else if (ar.cause() instanceof ChannelException e) {
        count(channel, "channel-error");
        // a wrong appid or secret shows here too: the operators' problem, said in the log, not to the resident
        LOG.warn("{} login failed at the channel: {}", channel, e.getMessage());
        ctx.fail(new Problem(503, "channel-unavailable", (channel.equals("wechat") ? "微信" : "支付宝") + "登录暂时不可用",
            "the channel's login service failed (see the gateway's log)", new JsonObject().put("retryAfterSeconds", 5))
            .resident("请稍后再试。"));
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  private void count(String channel, String outcome) {
    registry.counter("liangxian_resident_logins", "channel", channel, "outcome", outcome).increment();
  }
}
