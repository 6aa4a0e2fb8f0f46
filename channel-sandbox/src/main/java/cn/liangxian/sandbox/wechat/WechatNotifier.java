package cn.liangxian.sandbox.wechat;

import cn.liangxian.channel.wechat.ResourceCipher;
import cn.liangxian.channel.wechat.WechatPayScheme;
import cn.liangxian.channel.wechat.WechatPaySignatures;
import cn.liangxian.sandbox.Signer;
import cn.liangxian.sandbox.fault.Delivery;
import cn.liangxian.sandbox.ledger.Ledger;
import cn.liangxian.sandbox.ledger.Refund;
import cn.liangxian.sandbox.ledger.Trade;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Map;

/** WeChat Pay's notifications: the resource encrypted with the merchant's API v3 key, the body signed by the platform. */
public final class WechatNotifier {
  private final WechatPlatform platform;
  private final Map<String, WechatMerchant> merchants;
  private final Ledger ledger;
  private final Delivery delivery;
  private final WebClient http;
  private final Signer signer;
  private final Clock clock;

  public WechatNotifier(WechatPlatform platform, Map<String, WechatMerchant> merchants, Ledger ledger, Delivery delivery,
      WebClient http, Clock clock, Signer signer) {
    this.signer = signer;
    this.platform = platform;
    this.merchants = merchants;
    this.ledger = ledger;
    this.delivery = delivery;
    this.http = http;
    this.clock = clock;
  }

  /** TRANSACTION.SUCCESS for a paid trade, to the notify_url of its prepay. */
  public void paid(Trade t) {
    // a sub-merchant's trade is notified to its service provider, under the provider's key
    WechatMerchant m = merchants.get(t.via() != null ? t.via() : t.merchantId());
    send(m, t.notifyUrl(), "TRANSACTION.SUCCESS", "transaction", WechatResources.transaction(t), t.outTradeNo());
  }

  /** REFUND.SUCCESS, after the notification delay in force, as the refund completes. */
  void refunded(WechatMerchant m, String url, Trade t, Refund r) {
    JsonObject refund = WechatResources.refund(t, r, "SUCCESS").put("refund_status", "SUCCESS");
    // a sub-merchant's refund names its service provider and itself, as its trade does
    if (t.via() != null) {
      refund.put("sp_mchid", t.via()).put("sub_mchid", t.merchantId());
    } else {
      refund.put("mchid", m.mchid());
    }
    delivery.afterNotifyDelay(() -> send(m, url, "REFUND.SUCCESS", "refund", refund, t.outTradeNo()));
  }

  /**
   * One notification of the sandbox's own making, sent once: for tests of what a merchant must refuse
   * (another amount or merchant, an unknown order, a stale timestamp, an unknown serial, a tampered
   * ciphertext). Resolves to the HTTP status the merchant answered.
   */
  public Future<Integer> crafted(String mchid, String url, JsonObject transaction, long clockSkewSeconds, String serial,
      boolean tamper) {
    return crafted(mchid, url, "TRANSACTION.SUCCESS", "transaction", "支付成功", transaction, clockSkewSeconds, serial, tamper);
  }

  /** A refund notification of the sandbox's own making (REFUND.SUCCESS with this resource), sent once, signed and encrypted. */
  public Future<Integer> craftedRefund(String mchid, String url, JsonObject refund) {
    return crafted(mchid, url, "REFUND.SUCCESS", "refund", "退款成功", refund, 0, null, false);
  }

  private Future<Integer> crafted(String mchid, String url, String eventType, String type, String summary, JsonObject resource,
      long clockSkewSeconds, String serial, boolean tamper) {
    WechatMerchant m = merchants.get(mchid);
    byte[] bytes;
    try {
      bytes = craftedBody(m, eventType, type, summary, resource, tamper);
    } catch (GeneralSecurityException e) {
      return Future.failedFuture(e);
    }
    return post(m, url, bytes, clockSkewSeconds, serial);
  }

  /**
   * A TRANSACTION.SUCCESS notification of the sandbox's own making, encrypted and signed now as WeChat Pay does, but
   * not sent: its headers ({@code Wechatpay-*} and Content-Type) and its body (a string), for a test that posts the
   * very same request more than once, as whoever has seen a genuine one may.
   */
  public Future<JsonObject> signedTransaction(String mchid, JsonObject transaction) {
    WechatMerchant m = merchants.get(mchid);
    byte[] bytes;
    try {
      bytes = craftedBody(m, "TRANSACTION.SUCCESS", "transaction", "支付成功", transaction, false);
    } catch (GeneralSecurityException e) {
      return Future.failedFuture(e);
    }
    return headers(m, bytes, 0, null).map(h -> new JsonObject().put("headers", h)
        .put("body", new String(bytes, StandardCharsets.UTF_8)));
  }

  private byte[] craftedBody(WechatMerchant m, String eventType, String type, String summary, JsonObject resource, boolean tamper)
      throws GeneralSecurityException {
    String nonce = WechatPlatform.nonce(6);
    String ciphertext = ResourceCipher.encrypt(m.scheme().resourceAlgorithm(), m.apiV3Key(), nonce, type,
        resource.encode().getBytes(StandardCharsets.UTF_8));
    if (tamper) {
      char c = ciphertext.charAt(8);
      ciphertext = ciphertext.substring(0, 8) + (c == 'A' ? 'B' : 'A') + ciphertext.substring(9);
    }
    JsonObject body = new JsonObject().put("id", "EV-" + ledger.next()).put("event_type", eventType)
        .put("resource_type", "encrypt-resource").put("summary", summary)
        .put("resource", new JsonObject().put("original_type", type).put("algorithm", m.scheme().resourceAlgorithm())
            .put("ciphertext", ciphertext).put("associated_data", type).put("nonce", nonce));
    return body.encode().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * One delivery: the body signed now (a fresh timestamp, {@code skewSeconds} off the clock, and nonce, on the
   * signing threads) and posted with WeChat Pay's headers; {@code serial} null for the platform's own.
   * Resolves to the HTTP status the merchant answered.
   */
  private Future<Integer> post(WechatMerchant m, String url, byte[] bytes, long skewSeconds, String serial) {
    return headers(m, bytes, skewSeconds, serial).compose(h -> {
      var request = http.postAbs(url);
      h.forEach(e -> request.putHeader(e.getKey(), String.valueOf(e.getValue())));
      return request.sendBuffer(Buffer.buffer(bytes));
    }).map(r -> r.statusCode());
  }

  /** The headers of one delivery of {@code bytes}: signed now, {@code skewSeconds} off the clock, with a fresh nonce. */
  private Future<JsonObject> headers(WechatMerchant m, byte[] bytes, long skewSeconds, String serial) {
    String ts = Long.toString(clock.instant().getEpochSecond() + skewSeconds);
    String n = WechatPlatform.nonce(16);
    return signer.sign(() -> platform.signFor(m, WechatPaySignatures.responseMessage(ts, n, bytes)))
        .map(sig -> new JsonObject().put("Content-Type", "application/json")
            .put("Wechatpay-Timestamp", ts).put("Wechatpay-Nonce", n).put("Wechatpay-Signature", sig)
            .put("Wechatpay-Serial", serial == null ? platform.serialFor(m) : serial).put("Wechatpay-Signature-Type",
                m.scheme() == WechatPayScheme.RSA ? "WECHATPAY2-SHA256-RSA2048" : "WECHATPAY2-SM2-WITH-SM3"));
  }

  private void send(WechatMerchant m, String url, String event, String originalType, JsonObject resource, String outTradeNo) {
    String nonce = WechatPlatform.nonce(6);
    String ciphertext;
    try {
      ciphertext = ResourceCipher.encrypt(m.scheme().resourceAlgorithm(), m.apiV3Key(), nonce, originalType,
          resource.encode().getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    JsonObject body = new JsonObject().put("id", "EV-" + ledger.next())
        .put("create_time", WechatResources.createTime(clock.instant()))
        .put("resource_type", "encrypt-resource").put("event_type", event)
        .put("summary", event.startsWith("REFUND") ? "退款成功" : "支付成功")
        .put("resource", new JsonObject().put("original_type", originalType).put("algorithm", m.scheme().resourceAlgorithm())
            .put("ciphertext", ciphertext).put("associated_data", originalType).put("nonce", nonce));
    byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
    // each delivery (a retry, a duplicate) signed anew, with its own timestamp and nonce, as WeChat Pay does
    delivery.deliver("wechat", outTradeNo, event, () -> post(m, url, bytes, 0, null));
  }
}
