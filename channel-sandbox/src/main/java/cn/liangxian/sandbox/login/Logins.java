package cn.liangxian.sandbox.login;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Mini-program login as the channels run it. A phone's {@code wx.login} / {@code my.getAuthCode} is
 * {@code POST /sandbox/login/{wechat|alipay}} here (a code for a made-up user of an app); the server
 * side is WeChat's {@code GET /sns/jscode2session} and Alipay's {@code alipay.system.oauth.token}
 * (answered by the Alipay gateway with this class's help). A code is good once, for five minutes
 * (WeChat) or ten (Alipay), and only for the app it was issued to. Codes are kept in a concurrent map
 * (tests ask for them from their own threads) until they expire: a code past its life is invalid anyway,
 * so a sandbox serving logins for hours keeps the last minutes' codes only.
 */
public final class Logins {
  static final Duration WECHAT_CODE_LIFE = Duration.ofMinutes(5);
  static final Duration ALIPAY_CODE_LIFE = Duration.ofMinutes(10);

  /** A code handed to a phone: for which app, which user, when. */
  private record Code(String app, String user, Instant issuedAt) {}

  /** What the Alipay gateway answers for a code: the user, or the error's sub_code and sub_msg. */
  public record AlipayGrant(String userId, String subCode, String subMsg) {}

  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, String> wechatSecrets = new ConcurrentHashMap<>();
  private final Map<String, Code> wechatCodes = new ConcurrentHashMap<>();
  private final Map<String, Code> alipayCodes = new ConcurrentHashMap<>();
  /** When the expired codes are next dropped (at most once a minute, as codes are issued). */
  private final AtomicReference<Instant> nextPrune = new AtomicReference<>(Instant.MIN);

  public Logins(Clock clock) {
    this.clock = clock;
  }

  /** A mini-program the sandbox knows, with the AppSecret its server logs users in with. */
  public void registerWechat(String appId, String appSecret) {
    wechatSecrets.put(appId, appSecret);
  }

  public void routes(Router router) {
    router.get("/sns/jscode2session").handler(this::jscode2session);
    router.route("/sandbox/login/*").handler(Logins::cors);
    router.post("/sandbox/login/wechat").handler(ctx -> issued(ctx, "code", wechatCode(param(ctx, "appid"), user(ctx))));
    router.post("/sandbox/login/alipay").handler(ctx -> issued(ctx, "authCode", alipayCode(param(ctx, "app_id"), user(ctx))));
  }

  /** {@code wx.login} on a phone of {@code user} in mini-program {@code appId}. */
  public String wechatCode(String appId, String user) {
    String code = token(24);
    prune();
    wechatCodes.put(code, new Code(appId, user, clock.instant()));
    return code;
  }

  /** {@code my.getAuthCode} on a phone of {@code user} in the Alipay app {@code appId}. */
  public String alipayCode(String appId, String user) {
    String code = HexFormat.of().formatHex(bytes(16));
    prune();
    alipayCodes.put(code, new Code(appId, user, clock.instant()));
    return code;
  }

  /** The openid WeChat gives a user in an app: stable, and different in every app. */
  public static String openid(String appId, String user) {
    return "o" + Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(appId + "/" + user)).substring(0, 27);
  }

  /** The 16-digit Alipay user id (2088...) of a user. */
  public static String alipayUserId(String user) {
    byte[] h = sha256("alipay/" + user);
    long n = 0;
    for (int i = 0; i < 6; i++) {
      n = n << 8 | (h[i] & 0xff);
    }
    return "2088" + String.format("%012d", Math.floorMod(n, 1_000_000_000_000L));
  }

  /** WeChat's code2Session: {@code appid}, {@code secret}, {@code js_code}, {@code grant_type=authorization_code}. */
  private void jscode2session(RoutingContext ctx) {
    String appId = param(ctx, "appid");
    String secret = wechatSecrets.get(appId);
    JsonObject answer;
    if (secret == null) {
      answer = error(40013, "invalid appid");
    } else if (!secret.equals(param(ctx, "secret"))) {
      answer = error(40125, "invalid appsecret");
    } else if (!"authorization_code".equals(param(ctx, "grant_type"))) {
      answer = error(40002, "invalid grant_type");
    } else {
      answer = redeemWechat(appId, param(ctx, "js_code"));
    }
    // WeChat answers text/plain, whatever the body is
    ctx.response().putHeader("Content-Type", "text/plain").end(answer.encode());
  }

  private JsonObject redeemWechat(String appId, String jsCode) {
    Code c = wechatCodes.get(jsCode);
    if (c == null || !c.app().equals(appId) || expired(c, WECHAT_CODE_LIFE)) {
      return error(40029, "invalid code");
    }
    if (c.user() == null) {
      return error(40163, "code been used");
    }
    wechatCodes.put(jsCode, new Code(c.app(), null, c.issuedAt()));
    return new JsonObject().put("openid", openid(appId, c.user()))
        .put("session_key", Base64.getEncoder().encodeToString(bytes(16)));
  }

  /** {@code alipay.system.oauth.token} with {@code grant_type=authorization_code}: the app's code, once. */
  public AlipayGrant redeemAlipay(String appId, String grantType, String code) {
    if (!"authorization_code".equals(grantType)) {
      return new AlipayGrant(null, "isv.invalid-parameter", "grant_type参数无效");
    }
    Code c = code == null ? null : alipayCodes.remove(code);
    if (c == null || !c.app().equals(appId) || expired(c, ALIPAY_CODE_LIFE)) {
      return new AlipayGrant(null, "isv.code-invalid", "授权码code无效");
    }
    return new AlipayGrant(alipayUserId(c.user()), null, null);
  }

  /** Drops the codes past their life, used or not, at most once a minute. */
  private void prune() {
    Instant now = clock.instant();
    Instant next = nextPrune.get();
    if (!now.isBefore(next) && nextPrune.compareAndSet(next, now.plusSeconds(60))) {
      prune(now);
    }
  }

  /** Drops the codes past their life at {@code now}. */
  void prune(Instant now) {
    wechatCodes.values().removeIf(c -> expired(c, WECHAT_CODE_LIFE, now));
    alipayCodes.values().removeIf(c -> expired(c, ALIPAY_CODE_LIFE, now));
  }

  /** Codes held, for tests. */
  int codesHeld() {
    return wechatCodes.size() + alipayCodes.size();
  }

  private boolean expired(Code c, Duration life) {
    return expired(c, life, clock.instant());
  }

  private static boolean expired(Code c, Duration life, Instant now) {
    return now.isAfter(c.issuedAt().plus(life));
  }

  private static JsonObject error(int code, String message) {
    return new JsonObject().put("errcode", code).put("errmsg", message + ", rid: sandbox");
  }

  private static void issued(RoutingContext ctx, String field, String code) {
    ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject().put(field, code).encode());
  }

  /** The demo page (another origin) asks for codes as a phone's mini-program would. */
  private static void cors(RoutingContext ctx) {
    ctx.response().putHeader("Access-Control-Allow-Origin", "*");
    ctx.next();
  }

  /** The made-up phone user ({@code ?user=}), "demo-phone" when not said. */
  private static String user(RoutingContext ctx) {
    String u = param(ctx, "user");
    return u.isEmpty() ? "demo-phone" : u;
  }

  private static String param(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    return v == null ? "" : v;
  }

  private String token(int n) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(n));
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
