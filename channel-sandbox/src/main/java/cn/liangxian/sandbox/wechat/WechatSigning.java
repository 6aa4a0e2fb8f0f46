package cn.liangxian.sandbox.wechat;

import cn.liangxian.channel.wechat.WechatPaySignatures;
import cn.liangxian.sandbox.Signer;
import cn.liangxian.sandbox.ledger.Ledger;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/** Both directions of WeChat Pay's signatures: the merchant's on each request, the platform's on each answer. */
final class WechatSigning {
  private static final long MAX_SKEW_SECONDS = 300;

  private final WechatPlatform platform;
  private final Map<String, WechatMerchant> merchants;
  private final Ledger ledger;
  private final Clock clock;
  private final Signer signer;

  WechatSigning(WechatPlatform platform, Map<String, WechatMerchant> merchants, Ledger ledger, Clock clock,
      Signer signer) {
    this.signer = signer;
    this.platform = platform;
    this.merchants = merchants;
    this.ledger = ledger;
    this.clock = clock;
  }

  /** The merchant whose Authorization signature checks out; otherwise answers 401 itself and gives null. */
  WechatMerchant authenticated(RoutingContext ctx) {
    var auth = WechatPaySignatures.parseAuthorization(ctx.request().getHeader("Authorization"));
    WechatMerchant m = auth.map(a -> merchants.get(a.get("mchid"))).orElse(null);
    if (auth.isEmpty() || m == null || auth.get().scheme() != m.scheme()) {
      ctx.response().setStatusCode(401).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("code", "SIGN_ERROR").put("message", "签名错误").encode());
      return null;
    }
    var a = auth.get();
    byte[] body = ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    long ts;
    try {
      ts = Long.parseLong(a.get("timestamp"));
    } catch (RuntimeException e) {
      ts = -1;
    }
    boolean ok = Math.abs(clock.instant().getEpochSecond() - ts) <= MAX_SKEW_SECONDS && WechatPaySignatures.verify(m.scheme(),
        m.merchantKey(), WechatPaySignatures.requestMessage(ctx.request().method().name(), ctx.request().uri(), ts,
            a.get("nonce_str"), body), a.get("signature"));
    if (!ok) {
      error(ctx, m, 401, "SIGN_ERROR", "签名错误");
      return null;
    }
    return m;
  }

  void answer(RoutingContext ctx, WechatMerchant m, int status, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json");
    signed(ctx, m, status, body.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** Every answer carries the platform signature, an empty 204 included. */
  void signed(RoutingContext ctx, WechatMerchant m, int status, byte[] bytes) {
    String ts = Long.toString(clock.instant().getEpochSecond());
    String nonce = WechatPlatform.nonce(16);
    signer.sign(() -> platform.signFor(m, WechatPaySignatures.responseMessage(ts, nonce, bytes))).onComplete(signed -> {
      if (signed.failed()) {
        ctx.fail(signed.cause());
        return;
      }
      ctx.response().setStatusCode(status)
          .putHeader("Wechatpay-Timestamp", ts).putHeader("Wechatpay-Nonce", nonce)
          .putHeader("Wechatpay-Signature", signed.result()).putHeader("Wechatpay-Serial", platform.serialFor(m))
          .putHeader("Request-ID", "sandbox-" + ledger.next())
          .end(Buffer.buffer(bytes));
    });
  }

  void error(RoutingContext ctx, WechatMerchant m, int status, String code, String message) {
    answer(ctx, m, status, new JsonObject().put("code", code).put("message", message));
  }
}
