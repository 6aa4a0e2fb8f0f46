package cn.liangxian.gateway.channel;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;

/**
 * One payment channel behind one interface: the order lifecycle never knows which channel it talks to.
 * Notifications come in through the channel's callback route and end in the same
 * {@code applyPayment} as an active query's answer.
 */
public interface PaymentChannel {

  /** {@code wechat}, {@code alipay} or {@code unionpay}. */
  String name();

  /** The merchant this channel collects for: WeChat Pay's mchid, Alipay's app_id, UnionPay's merId. */
  default String merchant() {
    return name();
  }

  /**
   * What to ask the channel for. {@code mode} {@code qr} (kiosk shows a code) or {@code mini}
   * (mini-program; {@code payerId} is the openid or Alipay buyer id).
   */
  record Prepay(String outTradeNo, long totalFen, String description, String mode, String payerId, OffsetDateTime expiresAt) {}

  /** Resolves to what the payer's device needs: {@code {"codeUrl"}} or the mini-program's parameters. */
  Future<JsonObject> prepay(Prepay p);

  /**
   * The channel's view of a trade; {@code channelDay} the Beijing day it booked the payment on, {@code paidAt} the
   * moment it says the payer paid, each if it said.
   */
  record Trade(State state, String transactionId, long amountFen, java.time.LocalDate channelDay, OffsetDateTime paidAt) {
    public enum State { PAID, NOT_PAID, CLOSED, NOT_FOUND, REFUNDED }

    public Trade(State state, String transactionId, long amountFen) {
      this(state, transactionId, amountFen, null, null);
    }

    public Trade(State state, String transactionId, long amountFen, java.time.LocalDate channelDay) {
      this(state, transactionId, amountFen, channelDay, null);
    }

    /** A trade the channel says was paid at {@code paidAt} (null: it did not say), booked on that moment's Beijing day. */
    public static Trade paidAt(State state, String transactionId, long amountFen, OffsetDateTime paidAt) {
      return new Trade(state, transactionId, amountFen, cn.liangxian.gateway.channel.ChannelDays.beijingDay(paidAt), paidAt);
    }
  }

  Future<Trade> query(String outTradeNo);

  Future<Void> close(String outTradeNo);

  /**
   * As {@link #close(String)}, for an order whose code the channel takes payment for until {@code payableUntil} (null:
   * not known, or past): a channel that cannot tell a code nobody has scanned from none at all (Alipay) fails
   * {@link ChannelException#STILL_PAYABLE} before then, rather than call it closed.
   */
  default Future<Void> close(String outTradeNo, OffsetDateTime payableUntil) {
    return close(outTradeNo);
  }

  /**
   * Idempotent on {@code outRefundNo}. Resolves to {@link RefundState#SUCCESS} only when the channel's answer says the
   * money went back; else to {@link RefundState#PROCESSING}: taken, and confirmed later by a notification or by
   * {@link #queryRefund}.
   */
  Future<RefundState> refund(String outTradeNo, String outRefundNo, long refundFen, long totalFen, String reason);

  /**
   * Whether {@link #refund}'s failure is the channel's signed word that it will never carry this refund back the way
   * the payment came (WeChat Pay's USER_ACCOUNT_ABNORMAL: the payer's account is closed): the refund is then owed by
   * finance another way, as one refused after it was taken is. Anything else is asked again later.
   */
  default boolean refusesRefundForGood(ChannelException e) {
    return false;
  }

  /**
   * Where a refund stands at the channel: done, still under way, never received, refused for good, or held: the money
   * left the merchant's account but could not reach the payer (WeChat Pay's ABNORMAL, "退款资金会停留在退款的中间账户内": the
   * payer's card was closed), and waits at the channel until the merchant says where it goes (the merchant platform's
   * 交易中心, or the abnormal-refund API). Held is not failed: finance paying it back another way would pay it twice.
   */
  enum RefundState { SUCCESS, PROCESSING, NOT_FOUND, FAILED, HELD }

  /** A refund query's answer: where the refund stands, and the amount the channel says it is of (-1: it did not say). */
  record RefundAnswer(RefundState state, long refundFen) {
    public static RefundAnswer of(RefundState state) {
      return new RefundAnswer(state, -1);
    }
  }

  Future<RefundAnswer> queryRefund(String outTradeNo, String outRefundNo);
}
