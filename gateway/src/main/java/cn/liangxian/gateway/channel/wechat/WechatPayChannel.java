package cn.liangxian.gateway.channel.wechat;

import cn.liangxian.gateway.channel.ChannelException;
import cn.liangxian.gateway.channel.PaymentChannel;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** WeChat Pay as a {@link PaymentChannel}: Native for kiosk QR codes, JSAPI for the mini-program. */
public final class WechatPayChannel implements PaymentChannel {
  private final WechatPayClient client;
  /** Known once the gateway listens (it may listen on a port chosen at start). */
  private final java.util.function.Supplier<String> notifyUrl;

  public WechatPayChannel(WechatPayClient client, java.util.function.Supplier<String> notifyUrl) {
    this.client = client;
    this.notifyUrl = notifyUrl;
  }

  public WechatPayClient client() {
    return client;
  }

  @Override
  public String name() {
    return "wechat";
  }

  @Override
  public Future<JsonObject> prepay(Prepay p) {
    WechatPayClient.Prepay req = new WechatPayClient.Prepay(p.outTradeNo(), p.description(), p.totalFen(), notifyUrl.get(),
        p.expiresAt(), p.payerId(), null);
    if (p.mode().equals("mini")) {
      return client.jsapi(req).compose(client::requestPayment).map(m -> {
        return new JsonObject().put("wechatPayment", new JsonObject().put("appId", m.appId()).put("timeStamp", m.timeStamp())
            .put("nonceStr", m.nonceStr()).put("package", m.packageValue()).put("signType", m.signType())
            .put("paySign", m.paySign()));
      });
    }
    return client.nativePay(req).map(url -> new JsonObject().put("codeUrl", url));
  }

  @Override
  public String merchant() {
    return client.merchant().id();
  }

  @Override
  public Future<Trade> query(String outTradeNo) {
    return client.query(outTradeNo).map(t -> Trade.paidAt(switch (t.tradeState()) {
      case "SUCCESS" -> Trade.State.PAID;
      case "REFUND" -> Trade.State.REFUNDED;
      case "CLOSED", "REVOKED", "PAYERROR" -> Trade.State.CLOSED;
      case "NOTFOUND" -> Trade.State.NOT_FOUND;
      default -> Trade.State.NOT_PAID;
    }, t.transactionId(), t.totalFen(), cn.liangxian.gateway.channel.ChannelDays.timestamp(t.successTime())));
  }

  @Override
  public Future<Void> close(String outTradeNo) {
    return client.close(outTradeNo);
  }

  @Override
  public Future<RefundState> refund(String outTradeNo, String outRefundNo, long refundFen, long totalFen, String reason) {
    // confirmed by the REFUND.SUCCESS notification, or by the sweeper's query
    return client.refund(outTradeNo, outRefundNo, reason, refundFen, totalFen, notifyUrl.get()).map(RefundState.PROCESSING);
  }

  /**
   * 用户账户异常或已注销，不能原路退回，请使用其他方式进行退款: WeChat Pay's signed refusal of a refund to a closed account.
   * (NOT_ENOUGH, the merchant's balance short, is asked again: it goes through once the day's payments come in.)
   */
  @Override
  public boolean refusesRefundForGood(ChannelException e) {
    return !e.retryable() && e.code().equals("USER_ACCOUNT_ABNORMAL");
  }

  @Override
  public Future<RefundAnswer> queryRefund(String outTradeNo, String outRefundNo) {
    return client.queryRefund(outTradeNo, outRefundNo).map(r -> new RefundAnswer(switch (r.status()) {
      case "SUCCESS" -> RefundState.SUCCESS;
      case "CLOSED" -> RefundState.FAILED; // "出资账户的余额不足": no money moved
      case "ABNORMAL" -> RefundState.HELD;
      default -> RefundState.PROCESSING;
    }, r.refundFen())).recover(e -> e instanceof ChannelException c && c.code().equals("RESOURCE_NOT_EXISTS") && !c.retryable()
        ? Future.succeededFuture(RefundAnswer.of(RefundState.NOT_FOUND)) : Future.failedFuture(e));
  }
}
