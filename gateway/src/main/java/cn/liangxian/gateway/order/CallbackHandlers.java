package cn.liangxian.gateway.order;

import cn.liangxian.gateway.channel.alipay.AlipayMerchant;
import cn.liangxian.gateway.channel.alipay.AlipayNotification;
import cn.liangxian.gateway.channel.wechat.Notification;
import cn.liangxian.gateway.channel.wechat.NotificationVerifier;
import cn.liangxian.gateway.channel.wechat.WechatPayMerchant;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/callbacks/wechatpay} and {@code /alipay}: verify on the raw body, cross-check
 * merchant, app, order and amount, apply once, answer fast. A duplicate is answered with success; a
 * forged, stale, tampered or mismatched callback changes nothing, is stored for audit, counted, and
 * answered with failure.
 */
public final class CallbackHandlers {
  private static final Logger LOG = LoggerFactory.getLogger(CallbackHandlers.class);

  private final OrderService orders;
  private final Pool pool;
  private final WechatPayMerchant wechat;
  private final NotificationVerifier wechatVerifier;
  private final AlipayMerchant alipay;
  private final MeterRegistry registry;

  public CallbackHandlers(OrderService orders, Pool pool, WechatPayMerchant wechat, NotificationVerifier wechatVerifier,
      AlipayMerchant alipay, MeterRegistry registry) {
    this.orders = orders;
    this.pool = pool;
    this.wechat = wechat;
    this.wechatVerifier = wechatVerifier;
    this.alipay = alipay;
    this.registry = registry;
  }

  public void wechat(RoutingContext ctx) {
    byte[] body = ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    var h = ctx.request().headers();
    Notification n = wechatVerifier.verify(h.get("Wechatpay-Timestamp"), h.get("Wechatpay-Nonce"), h.get("Wechatpay-Signature"),
        h.get("Wechatpay-Serial"), body);
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
      Future<Void> applied = "SUCCESS".equals(v.resource().path("refund_status").asText())
          ? orders.refundConfirmed(v.resource().path("out_refund_no").asText()) : Future.succeededFuture();
      applied.compose(x -> store("wechat", true, "refund " + v.resource().path("refund_status").asText(),
              OrderService.orderId(v.resource().path("out_trade_no").asText()), headers, body))
          .onComplete(x -> ctx.response().setStatusCode(x.succeeded() ? 204 : 500).end());
      return;
    }
    var res = v.resource();
    String outTradeNo = res.path("out_trade_no").asText();
    if (!wechat.mchid().equals(res.path("mchid").asText()) || !wechat.appId().equals(res.path("appid").asText())) {
      refuseWechat(ctx, "wechat", true, "wrong_merchant", headers, body, OrderService.orderId(outTradeNo), 400);
      return;
    }
    if (!"SUCCESS".equals(res.path("trade_state").asText())) {
      store("wechat", true, "state " + res.path("trade_state").asText(), OrderService.orderId(outTradeNo), headers, body)
          .onComplete(x -> ctx.response().setStatusCode(204).end());
      return;
    }
    orders.applyPayment("wechat", outTradeNo, res.path("transaction_id").asText(), res.path("amount").path("total").asLong(-1), "callback")
        .onComplete(ar -> {
          if (ar.failed()) {
            LOG.warn("wechat callback could not be applied now: {}", ar.cause().toString());
            ctx.response().setStatusCode(500).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("code", "FAIL").put("message", "稍后重试").encode());
            return;
          }
          OrderService.PaymentOutcome o = ar.result();
          if (o == OrderService.PaymentOutcome.UNKNOWN_ORDER || o == OrderService.PaymentOutcome.AMOUNT_MISMATCH) {
            refuseWechat(ctx, "wechat", true, o.name().toLowerCase(), headers, body, OrderService.orderId(outTradeNo), 400);
            return;
          }
          store("wechat", true, o.name().toLowerCase(), OrderService.orderId(outTradeNo), headers, body)
              .onComplete(x -> ctx.response().setStatusCode(204).end());
        });
  }

  private void refuseWechat(RoutingContext ctx, String channel, boolean verified, String reason, JsonObject headers, byte[] body,
      UUID order, int status) {
    registry.counter("liangxian_callbacks_refused", "channel", channel, "reason", reason).increment();
    store(channel, verified, reason, order, headers, body).onComplete(x -> ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("code", "FAIL").put("message", reason).encode()));
  }

  public void alipay(RoutingContext ctx) {
    Map<String, String> fields = new LinkedHashMap<>();
    ctx.request().formAttributes().forEach(e -> fields.put(e.getKey(), e.getValue()));
    byte[] body = ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    AlipayNotification n = AlipayNotification.verify(alipay, fields);
    if (n instanceof AlipayNotification.Rejected r) {
      refuseAlipay(ctx, false, r.reason().name().toLowerCase(), body, null);
      return;
    }
    AlipayNotification.Verified v = (AlipayNotification.Verified) n;
    UUID order = OrderService.orderId(v.outTradeNo());
    if (!v.paid()) {
      store("alipay", true, "status " + v.tradeStatus(), order, new JsonObject(), body).onComplete(x -> ctx.response().end("success"));
      return;
    }
    orders.applyPayment("alipay", v.outTradeNo(), v.tradeNo(), v.totalFen(), "callback").onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("alipay callback could not be applied now: {}", ar.cause().toString());
        ctx.response().end("failure");
        return;
      }
      OrderService.PaymentOutcome o = ar.result();
      if (o == OrderService.PaymentOutcome.UNKNOWN_ORDER || o == OrderService.PaymentOutcome.AMOUNT_MISMATCH) {
        refuseAlipay(ctx, true, o.name().toLowerCase(), body, order);
        return;
      }
      store("alipay", true, o.name().toLowerCase(), order, new JsonObject(), body).onComplete(x -> ctx.response().end("success"));
    });
  }

  private void refuseAlipay(RoutingContext ctx, boolean verified, String reason, byte[] body, UUID order) {
    registry.counter("liangxian_callbacks_refused", "channel", "alipay", "reason", reason).increment();
    store("alipay", verified, reason, order, new JsonObject(), body).onComplete(x -> ctx.response().end("failure"));
  }

  private Future<Void> store(String channel, boolean verified, String outcome, UUID order, JsonObject headers, byte[] body) {
    return pool.preparedQuery("insert into callback_log (channel, verified, outcome, order_id, headers, body) values ($1, $2, $3, $4, $5, $6)")
        .execute(Tuple.of(channel, verified, outcome, order, headers, Buffer.buffer(body)))
        .onFailure(e -> LOG.error("callback could not be stored for audit: {}", e.toString())).mapEmpty();
  }
}
