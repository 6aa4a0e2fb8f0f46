package cn.liangxian.gateway.channel.alipay;

import cn.liangxian.gateway.channel.ChannelException;
import cn.liangxian.gateway.channel.PaymentChannel;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.OffsetDateTime;

/** Alipay as a {@link PaymentChannel}: precreate for kiosk QR codes, create for the mini-program. */
public final class AlipayChannel implements PaymentChannel {
  private final AlipayClient client;
  /** Known once the gateway listens (it may listen on a port chosen at start). */
  private final java.util.function.Supplier<String> notifyUrl;

  public AlipayChannel(AlipayClient client, java.util.function.Supplier<String> notifyUrl) {
    this.client = client;
    this.notifyUrl = notifyUrl;
  }

  public AlipayClient client() {
    return client;
  }

  @Override
  public String name() {
    return "alipay";
  }

  @Override
  public Future<JsonObject> prepay(Prepay p) {
    long minutes = p.expiresAt() == null ? 15
        : Math.max(1, Duration.between(OffsetDateTime.now(p.expiresAt().getOffset()), p.expiresAt()).toMinutes());
    String timeout = minutes + "m";
    if (p.mode().equals("mini")) {
      return client.create(p.outTradeNo(), p.totalFen(), p.description(), p.payerId(), notifyUrl.get(), timeout, p.expiresAt())
          .map(tradeNo -> new JsonObject().put("alipayTradeNo", tradeNo));
    }
    return client.precreate(p.outTradeNo(), p.totalFen(), p.description(), notifyUrl.get(), timeout, p.expiresAt())
        .map(qr -> new JsonObject().put("codeUrl", qr));
  }

  @Override
  public String merchant() {
    return client.merchant().id();
  }

  @Override
  public Future<Trade> query(String outTradeNo) {
    return client.query(outTradeNo).map(t -> Trade.paidAt(switch (t.tradeStatus()) {
      case "TRADE_SUCCESS", "TRADE_FINISHED" -> Trade.State.PAID;
      case "TRADE_CLOSED" -> Trade.State.CLOSED;
      case "NOT_EXIST" -> Trade.State.NOT_FOUND;
      default -> Trade.State.NOT_PAID;
    }, t.tradeNo(), t.totalFen(), cn.liangxian.gateway.channel.ChannelDays.beijingTime(t.paidAt())));
  }

  @Override
  public Future<Void> close(String outTradeNo) {
    return close(outTradeNo, null);
  }

  /**
   * Closes the trade. Alipay opens a QR code's trade only when the code is scanned, so a code nobody has scanned yet has
   * no trade to close, and can still be scanned and paid until its {@code time_expire}, before the order's end
   * ({@code payableUntil}). Until then that fails {@link ChannelException#STILL_PAYABLE}, as a UnionPay code does: its
   * items are not freed for another order the resident could pay beside it. Past it, no trade is as good as closed. (A
   * mini-program's trade, which {@code create} opens at once, always has one to close.)
   */
  @Override
  public Future<Void> close(String outTradeNo, OffsetDateTime payableUntil) {
    return client.close(outTradeNo).compose(closed -> closed || payableUntil == null
        || !client.clock().instant().isBefore(payableUntil.toInstant()) ? Future.<Void>succeededFuture()
        : Future.failedFuture(new ChannelException(ChannelException.STILL_PAYABLE, "an Alipay QR code nobody has scanned"
            + " has no trade to close yet, and can be paid until its time_expire " + payableUntil, 0, true)));
  }

  @Override
  public Future<RefundState> refund(String outTradeNo, String outRefundNo, long refundFen, long totalFen, String reason) {
    // fund_change Y: the money went back as Alipay answered. N: none moved by this answer (a repeated request, or one
    // still being processed), which says nothing of whether the refund was done: only the refund query tells
    return client.refund(outTradeNo, outRefundNo, refundFen, reason)
        .map(r -> r.fundChanged() ? RefundState.SUCCESS : RefundState.PROCESSING);
  }

  /**
   * ACQ.TRADE_HAS_FINISHED, signed: the trade is finished (TRADE_FINISHED, past the refundable period) and Alipay takes
   * no refund of it any more. (ACQ.SELLER_BALANCE_NOT_ENOUGH is asked again: it goes through once money comes in.)
   */
  @Override
  public boolean refusesRefundForGood(ChannelException e) {
    return !e.retryable() && e.code().equals("ACQ.TRADE_HAS_FINISHED");
  }

  @Override
  public Future<RefundAnswer> queryRefund(String outTradeNo, String outRefundNo) {
    // refund_status REFUND_SUCCESS: done. Without it Alipay did not receive the refund or did not carry it out: it is
    // requested again under the same out_request_no, which never refunds twice
    return client.queryRefund(outTradeNo, outRefundNo).map(r -> "REFUND_SUCCESS".equals(r.status())
        ? new RefundAnswer(RefundState.SUCCESS, r.refundFen()) : RefundAnswer.of(RefundState.NOT_FOUND));
  }
}
