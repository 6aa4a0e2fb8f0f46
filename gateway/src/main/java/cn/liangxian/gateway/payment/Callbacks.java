package cn.liangxian.gateway.payment;

import cn.liangxian.gateway.channel.ChannelDays;
import cn.liangxian.gateway.channel.Signing;
import cn.liangxian.gateway.channel.alipay.AlipayMerchant;
import cn.liangxian.gateway.channel.alipay.AlipayNotification;
import cn.liangxian.gateway.channel.wechat.Notification;
import cn.liangxian.gateway.channel.wechat.NotificationVerifier;
import cn.liangxian.gateway.channel.wechat.WechatPayMerchant;
import cn.liangxian.gateway.http.AccessLog;
import cn.liangxian.gateway.http.Failures;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.RateLimiter;
import cn.liangxian.gateway.order.OutTradeNo;
import cn.liangxian.gateway.refund.Refunds;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/callbacks/wechatpay} and {@code /alipay}: verify on the raw body, cross-check
 * merchant, app (and Alipay's seller), WeChat Pay's currency, apply once, answer fast. A duplicate is answered with success, and
 * so is a verified payment its order cannot take (another amount, an order no longer paying): it is
 * recorded and refunded ({@link Payments}). The same notification delivered again (by the channel, or replayed by
 * anyone) is answered as it was the first time and counted on the callback log's row for it, never kept again
 * ({@link CallbackLog}). A forged, stale, tampered callback, or one for another
 * merchant or an unknown order, changes nothing, is stored for audit, counted, and answered with failure.
 */
public final class Callbacks {
  private static final Logger LOG = LoggerFactory.getLogger(Callbacks.class);
  /**
   * The answer to a verified notification that could not be applied now (the database failing over, say): 503, which
   * every channel takes as "deliver it again later" (WeChat Pay: any 4xx/5xx with code FAIL; UnionPay: anything but
   * 200), and which says what happened: a passing unavailability, not a fault of the gateway's.
   */
  static final int NOT_NOW = 503;

  private final Payments payments;
  private final Refunds refunds;
  private final CallbackLog log;
  /** Every WeChat Pay merchant by mchid with its verifier, the default first; every Alipay app by app_id, the default first. */
  private final Map<String, WechatPayMerchant> wechat;
  private final Map<String, NotificationVerifier> wechatVerifiers;
  private final Map<String, AlipayMerchant> alipay;
  private final PaymentMetrics metrics;
  private final Signing signing;
  private final java.time.Clock clock;

  public Callbacks(Payments payments, Refunds refunds, CallbackLog log, Map<String, WechatPayMerchant> wechat,
      java.time.Clock clock, Map<String, AlipayMerchant> alipay, Signing signing, PaymentMetrics metrics) {
    this.signing = signing;
    this.clock = clock;
    this.payments = payments;
    this.refunds = refunds;
    this.log = log;
    this.wechat = new LinkedHashMap<>(wechat); // in order: the default merchant first
    Map<String, NotificationVerifier> verifiers = new LinkedHashMap<>();
    wechat.forEach((mchid, m) -> verifiers.put(mchid, new NotificationVerifier(m, clock)));
    this.wechatVerifiers = verifiers;
    this.alipay = new LinkedHashMap<>(alipay);
    this.metrics = metrics;
  }

  /**
   * Verified and decrypted on the signing pool, then applied back on this event loop:
   * {@code /api/v1/callbacks/wechatpay} for the default merchant, {@code …/wechatpay/<mchid>} for a
   * collecting body's (its notifications are encrypted with its own API v3 key).
   */
  public void wechat(RoutingContext ctx) {
    String mchid = ctx.pathParam("mchid") != null ? ctx.pathParam("mchid") : wechat.keySet().iterator().next();
    WechatPayMerchant merchant = wechat.get(mchid);
    if (merchant == null) {
      // anyone may post to a path naming a merchant we do not have: not "wrong_merchant", which only a notification
      // whose signature verified can be (what the operators' alert reads)
      refuseWechat(ctx, "wechat", false, "unknown_merchant", new JsonObject(), bodyOf(ctx), null, 404);
      return;
    }
    NotificationVerifier wechatVerifier = wechatVerifiers.get(mchid);
    byte[] body = ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    var h = ctx.request().headers();
    String ts = h.get("Wechatpay-Timestamp");
    String nonce = h.get("Wechatpay-Nonce");
    String signature = h.get("Wechatpay-Signature");
    String serial = h.get("Wechatpay-Serial");
    signing.verifyAndDecrypt(() -> wechatVerifier.verify(ts, nonce, signature, serial, body)).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else {
        wechat(ctx, merchant, ar.result(), body);
      }
    });
  }

  private void wechat(RoutingContext ctx, WechatPayMerchant wechat, Notification n, byte[] body) {
    var h = ctx.request().headers();
    JsonObject headers = new JsonObject();
    h.forEach(e -> {
      if (e.getKey().toLowerCase().startsWith("wechatpay-")) {
        headers.put(e.getKey(), e.getValue());
      }
    });
    if (n instanceof Notification.Rejected r) {
      refuseWechat(ctx, "wechat", false, r.reason().name().toLowerCase(), headers, body, null, 401);
      return;
    }
    Notification.Verified v = (Notification.Verified) n;
    if (v.eventType().startsWith("REFUND.")) {
      refund(ctx, wechat, v, headers, body);
      return;
    }
    var res = v.resource();
    String outTradeNo = res.path("out_trade_no").asText();
    boolean ours = ours(wechat, res) && wechat.appId().equals(res.path(wechat.partner() ? "sp_appid" : "appid").asText());
    if (!ours) {
      refuseWechat(ctx, "wechat", true, "wrong_merchant", headers, body, OutTradeNo.orderId(outTradeNo), 400);
      return;
    }
    // an amount is the order's only in yuan: a total in another currency is refused as another merchant's is, and so is
    // one the payer paid in another currency (payer_currency, where it is given)
    var payerCurrency = res.path("amount").path("payer_currency");
    if (!"CNY".equals(res.path("amount").path("currency").asText())
        || !payerCurrency.isMissingNode() && !payerCurrency.isNull() && !"CNY".equals(payerCurrency.asText())) {
      refuseWechat(ctx, "wechat", true, "wrong_currency", headers, body, OutTradeNo.orderId(outTradeNo), 400);
      return;
    }
    if (!"SUCCESS".equals(res.path("trade_state").asText())) {
      keep(ctx, "wechat", true, "state " + res.path("trade_state").asText(), OutTradeNo.orderId(outTradeNo), headers, body)
          .onComplete(x -> ctx.response().setStatusCode(204).end());
      return;
    }
    if (res.path("transaction_id").asText().isBlank()) {
      // the payment's one name at WeChat Pay: a payment without it could not be told from its own re-delivery, nor found
      // in the bill; the stuck-order query books it, named, if it was paid
      refuseWechat(ctx, "wechat", true, "malformed", headers, body, OutTradeNo.orderId(outTradeNo), 400);
      return;
    }
    OffsetDateTime paidAt = ChannelDays.timestamp(res.path("success_time").asText(null));
    payments.apply("wechat", wechat.id(), outTradeNo, res.path("transaction_id").asText(), res.path("amount").path("total").asLong(-1),
            "callback", ChannelDays.beijingDay(paidAt), paidAt)
        .onComplete(ar -> {
          if (ar.failed()) {
            LOG.warn("wechat callback could not be applied now: {}", ar.cause().toString());
            ctx.response().setStatusCode(NOT_NOW).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("code", "FAIL").put("message", "稍后重试").encode());
            return;
          }
          PaymentOutcome o = ar.result();
          if (o == PaymentOutcome.UNKNOWN_ORDER) {
            refuseWechat(ctx, "wechat", true, o.name().toLowerCase(), headers, body, OutTradeNo.orderId(outTradeNo), 400);
            return;
          }
          keep(ctx, "wechat", true, o.name().toLowerCase(), OutTradeNo.orderId(outTradeNo), headers, body)
              .onComplete(x -> ctx.response().setStatusCode(204).end());
        });
  }

  /** Whether a notification's resource names this merchant: a service provider's sub-merchant by both their ids. */
  private static boolean ours(WechatPayMerchant wechat, com.fasterxml.jackson.databind.JsonNode res) {
    return wechat.partner()
        ? wechat.mchid().equals(res.path("sp_mchid").asText()) && wechat.subMchid().equals(res.path("sub_mchid").asText())
        : wechat.mchid().equals(res.path("mchid").asText());
  }

  /**
   * REFUND.SUCCESS (or ABNORMAL, CLOSED: kept, nothing changes): confirms the refund it names where that is this
   * merchant's refund of that amount; otherwise refused and kept for an operator, as a payment's would be.
   */
  private void refund(RoutingContext ctx, WechatPayMerchant wechat, Notification.Verified v, JsonObject headers, byte[] body) {
    var res = v.resource();
    UUID order = OutTradeNo.orderId(res.path("out_trade_no").asText());
    if (!ours(wechat, res)) {
      refuseWechat(ctx, "wechat", true, "wrong_merchant", headers, body, order, 400);
      return;
    }
    String status = res.path("refund_status").asText();
    if (!"SUCCESS".equals(status)) {
      keep(ctx, "wechat", true, "refund " + status, order, headers, body)
          .onComplete(x -> ctx.response().setStatusCode(x.succeeded() ? 204 : NOT_NOW).end());
      return;
    }
    refunds.notified("wechat", wechat.id(), res.path("out_refund_no").asText(), res.path("amount").path("refund").asLong(-1))
        .onComplete(ar -> {
          if (ar.failed()) {
            LOG.warn("wechat refund callback could not be applied now: {}", ar.cause().toString());
            ctx.response().setStatusCode(NOT_NOW).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("code", "FAIL").put("message", "稍后重试").encode());
          } else if (ar.result() == Refunds.Notified.WRONG_MERCHANT || ar.result() == Refunds.Notified.AMOUNT_MISMATCH) {
            refuseWechat(ctx, "wechat", true, ar.result().outcome(), headers, body, order, 400);
          } else {
            keep(ctx, "wechat", true, "refund " + ar.result().outcome(), order, headers, body)
                .onComplete(x -> ctx.response().setStatusCode(204).end());
          }
        });
  }

  private void refuseWechat(RoutingContext ctx, String channel, boolean verified, String reason, JsonObject headers, byte[] body,
      UUID order, int status) {
    metrics.refused(channel, reason);
    keep(ctx, channel, verified, reason, order, headers, body).onComplete(x -> ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("code", "FAIL").put("message", reason).encode()));
  }

  public void alipay(RoutingContext ctx) {
    Map<String, String> fields = new LinkedHashMap<>();
    ctx.request().formAttributes().forEach(e -> fields.put(e.getKey(), e.getValue()));
    byte[] body = ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    // the app_id names the app (a collecting body's, or the default); its key and seller are checked
    // (an ISV's notification names the merchant's app as auth_app_id)
    AlipayMerchant app = alipay.getOrDefault(String.valueOf(fields.get("auth_app_id")),
        alipay.getOrDefault(String.valueOf(fields.get("app_id")), alipay.values().iterator().next()));
    signing.verify(() -> AlipayNotification.verify(app, fields, clock.instant())).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else {
        alipay(ctx, app, ar.result(), body);
      }
    });
  }

  private void alipay(RoutingContext ctx, AlipayMerchant app, AlipayNotification n, byte[] body) {
    if (n instanceof AlipayNotification.Rejected r) {
      refuseAlipay(ctx, false, r.reason().name().toLowerCase(), body, null);
      return;
    }
    AlipayNotification.Verified v = (AlipayNotification.Verified) n;
    UUID order = OutTradeNo.orderId(v.outTradeNo());
    if (!v.paid()) {
      keep(ctx, "alipay", true, "status " + v.tradeStatus(), order, new JsonObject(), body).onComplete(x -> ctx.response().end("success"));
      return;
    }
    OffsetDateTime paidAt = ChannelDays.beijingTime(v.gmtPayment());
    payments.apply("alipay", app.id(), v.outTradeNo(), v.tradeNo(), v.totalFen(), "callback", ChannelDays.beijingDay(paidAt), paidAt)
        .onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("alipay callback could not be applied now: {}", ar.cause().toString());
        ctx.response().end("failure");
        return;
      }
      PaymentOutcome o = ar.result();
      if (o == PaymentOutcome.UNKNOWN_ORDER) {
        refuseAlipay(ctx, true, o.name().toLowerCase(), body, order);
        return;
      }
      keep(ctx, "alipay", true, o.name().toLowerCase(), order, new JsonObject(), body).onComplete(x -> ctx.response().end("success"));
    });
  }

  /**
   * A failure on the Alipay route, a body that is no form for one: answered as a forged notification
   * is, "failure" (Alipay retries one we could not handle), never a 5xx.
   */
  public void alipayFailed(RoutingContext ctx) {
    AccessLog.with(ctx, () -> {
      Problem p = Failures.problemOf(ctx);
      if (ctx.response().ended()) {
        return;
      }
      if (p.status() >= 500) {
        ctx.response().end("failure");
        return;
      }
      refuseAlipay(ctx, false, "malformed", bodyOf(ctx), null);
    });
  }

  /** As {@link #alipayFailed}, in WeChat Pay's format: {code: FAIL} with a 4xx for the caller's error. */
  public void wechatFailed(RoutingContext ctx) {
    AccessLog.with(ctx, () -> {
      Problem p = Failures.problemOf(ctx);
      if (ctx.response().ended()) {
        return;
      }
      if (p.status() >= 500) {
        ctx.response().setStatusCode(p.status()).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("code", "FAIL").put("message", "稍后重试").encode());
        return;
      }
      refuseWechat(ctx, "wechat", false, "malformed", new JsonObject(), bodyOf(ctx), null, p.status());
    });
  }

  private static byte[] bodyOf(RoutingContext ctx) {
    return ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
  }

  private void refuseAlipay(RoutingContext ctx, boolean verified, String reason, byte[] body, UUID order) {
    metrics.refused("alipay", reason);
    keep(ctx, "alipay", verified, reason, order, new JsonObject(), body).onComplete(x -> ctx.response().end("failure"));
  }

  private Future<Void> keep(RoutingContext ctx, String channel, boolean verified, String outcome, UUID order, JsonObject headers,
      byte[] body) {
    return log.store(RateLimiter.limitKeyOf(ctx), channel, verified, outcome, order, headers, body);
  }
}
