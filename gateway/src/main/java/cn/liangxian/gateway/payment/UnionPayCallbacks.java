package cn.liangxian.gateway.payment;

import cn.liangxian.gateway.channel.unionpay.UnionPayMerchant;
import cn.liangxian.gateway.channel.unionpay.UnionPayNotification;
import cn.liangxian.gateway.channel.unionpay.UnionPayRequests;
import cn.liangxian.gateway.http.AccessLog;
import cn.liangxian.gateway.http.Failures;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.RateLimiter;
import cn.liangxian.gateway.order.OutTradeNo;
import cn.liangxian.gateway.refund.Refunds;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/callbacks/unionpay}: UnionPay's notification to {@code backUrl}, verified on a worker
 * (certificate chain, signature, merchant), then a payment applied exactly once or a refund confirmed.
 * UnionPay resends until it gets HTTP 200; a forged, stale or mismatched one changes nothing, is stored for
 * audit, counted, and answered 400.
 */
public final class UnionPayCallbacks {
  private static final Logger LOG = LoggerFactory.getLogger(UnionPayCallbacks.class);
  private static final String CHANNEL = "unionpay";

  private final Payments payments;
  private final Refunds refunds;
  private final CallbackLog log;
  /** Every UnionPay merchant by merId, the default first: a notification's merId names the one that verifies it. */
  private final Map<String, UnionPayMerchant> merchants;
  private final UnionPayRequests requests;
  private final PaymentMetrics metrics;
  private final Clock clock;
  private final cn.liangxian.gateway.channel.Signing signing;

  public UnionPayCallbacks(Payments payments, Refunds refunds, CallbackLog log, Map<String, UnionPayMerchant> merchants,
      UnionPayRequests requests, PaymentMetrics metrics, Clock clock, cn.liangxian.gateway.channel.Signing signing) {
    this.signing = signing;
    this.payments = payments;
    this.refunds = refunds;
    this.log = log;
    this.merchants = new LinkedHashMap<>(merchants);
    this.requests = requests;
    this.metrics = metrics;
    this.clock = clock;
  }

  public void handle(RoutingContext ctx) {
    Map<String, String> fields = new LinkedHashMap<>();
    ctx.request().formAttributes().forEach(e -> fields.put(e.getKey(), e.getValue()));
    byte[] body = bodyOf(ctx);
    UnionPayMerchant merchant = merchants.getOrDefault(String.valueOf(fields.get("merId")), merchants.values().iterator().next());
    signing.verifyAndDecrypt(() -> UnionPayNotification.verify(merchant, fields, clock.instant())).onComplete(ar -> {
      if (ar.failed()) {
        refuse(ctx, false, "malformed", body, null);
        return;
      }
      if (ar.result() instanceof UnionPayNotification.Rejected r) {
        // past the signature, a wrong merchant or amount is UnionPay's word all the same
        boolean signed = r.reason() == UnionPayNotification.Rejection.WRONG_MERCHANT
            || r.reason() == UnionPayNotification.Rejection.WRONG_CURRENCY || r.reason() == UnionPayNotification.Rejection.BAD_AMOUNT;
        refuse(ctx, signed, r.reason().name().toLowerCase(), body, null);
        return;
      }
      UnionPayNotification.Verified v = (UnionPayNotification.Verified) ar.result();
      if (v.txnType().equals("04")) {
        refund(ctx, merchant.merId(), v, body);
      } else {
        payment(ctx, merchant.merId(), v, body);
      }
    });
  }

  private void payment(RoutingContext ctx, String merId, UnionPayNotification.Verified v, byte[] body) {
    UUID order = OutTradeNo.orderId(v.orderId());
    if (!v.succeeded() || !v.txnType().equals("01")) {
      keep(ctx, true, "txnType " + v.txnType() + " respCode " + v.respCode(), order, body).onComplete(x -> ok(ctx));
      return;
    }
    java.time.LocalDate today = java.time.LocalDate.now(clock.withZone(cn.liangxian.gateway.channel.ChannelDays.BEIJING));
    payments.apply(CHANNEL, merId, v.orderId(), v.queryId(), v.txnAmt(), "callback",
        cn.liangxian.gateway.channel.ChannelDays.ofMonthDay(v.settleDate(), today),
        cn.liangxian.gateway.channel.ChannelDays.ofTraceTime(v.traceTime(), today)).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("unionpay callback could not be applied now: {}", ar.cause().toString());
        ctx.response().setStatusCode(Callbacks.NOT_NOW).end("retry");
        return;
      }
      PaymentOutcome o = ar.result();
      if (o == PaymentOutcome.UNKNOWN_ORDER) {
        refuse(ctx, true, o.name().toLowerCase(), body, order);
        return;
      }
      keep(ctx, true, o.name().toLowerCase(), order, body).onComplete(x -> ok(ctx));
    });
  }

  /**
   * A refund's result (退货, txnType 04): a success confirms the refund its request was made for, only where that
   * refund goes back through this merchant and is of this amount; otherwise refused and kept for an operator.
   */
  private void refund(RoutingContext ctx, String merId, UnionPayNotification.Verified v, byte[] body) {
    requests.get(v.orderId()).compose(s -> {
      if (s == null || !s.kind().equals("refund")) {
        return Future.succeededFuture("unknown_refund");
      }
      if (!v.succeeded()) {
        return Future.succeededFuture("refund respCode " + v.respCode());
      }
      return refunds.notified(CHANNEL, merId, s.outRefundNo(), v.txnAmt()).map(n -> switch (n) {
        case WRONG_MERCHANT, AMOUNT_MISMATCH -> n.outcome();
        default -> "refund " + n.outcome();
      });
    }).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("unionpay refund callback could not be applied now: {}", ar.cause().toString());
        ctx.response().setStatusCode(Callbacks.NOT_NOW).end("retry");
      } else if (ar.result().equals("wrong_merchant") || ar.result().equals("amount_mismatch")) {
        refuse(ctx, true, ar.result(), body, null);
      } else {
        keep(ctx, true, ar.result(), null, body).onComplete(x -> ok(ctx));
      }
    });
  }

  /** A failure on this route, a garbled body too: answered as a forged notification is, never a 5xx for the caller's error. */
  public void failed(RoutingContext ctx) {
    AccessLog.with(ctx, () -> {
      Problem p = Failures.problemOf(ctx);
      if (ctx.response().ended()) {
        return;
      }
      if (p.status() >= 500) {
        ctx.response().setStatusCode(p.status()).end("retry");
        return;
      }
      refuse(ctx, false, "malformed", bodyOf(ctx), null);
    });
  }

  private void refuse(RoutingContext ctx, boolean verified, String reason, byte[] body, UUID order) {
    metrics.refused(CHANNEL, reason);
    keep(ctx, verified, reason, order, body).onComplete(x -> ctx.response().setStatusCode(400).end("fail"));
  }

  private static void ok(RoutingContext ctx) {
    ctx.response().setStatusCode(200).end("ok");
  }

  private Future<Void> keep(RoutingContext ctx, boolean verified, String outcome, UUID order, byte[] body) {
    return log.store(RateLimiter.limitKeyOf(ctx), CHANNEL, verified, outcome, order, new JsonObject(), body);
  }

  private static byte[] bodyOf(RoutingContext ctx) {
    return ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
  }
}
