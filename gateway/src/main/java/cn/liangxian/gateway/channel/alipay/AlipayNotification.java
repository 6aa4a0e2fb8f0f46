package cn.liangxian.gateway.channel.alipay;

import cn.liangxian.channel.Money;
import cn.liangxian.channel.alipay.AlipaySignatures;
import cn.liangxian.gateway.channel.ChannelDays;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;

/**
 * An Alipay asynchronous notification (form fields), verified: the signature over every field but
 * {@code sign} and {@code sign_type}, then {@code app_id} and {@code seller_id} against the configured app and
 * merchant (a notification Alipay signed for another app or seller is refused, never applied); the
 * amount read exactly as fen.
 *
 * <p>Its {@code notify_time} (Beijing time) must be fresh: no more than {@link #MAX_AGE} old, nor more than
 * {@link #MAX_AHEAD} ahead of our clock. Alipay re-delivers an unanswered notification eight times within about 25
 * hours, and it is not documented whether a re-delivery carries a new {@code notify_time} or the first one's (its
 * {@code notify_id} stays the same): the window is wide enough to take every re-delivery even if the time is the
 * first one's, and to refuse a genuine notification kept and replayed later. Whatever passes is idempotent all the
 * same (a payment is booked once, and a repeated body is counted on its kept row, {@code CallbackLog}).
 */
public sealed interface AlipayNotification {

  /** How old a notification's {@code notify_time} may be: Alipay's whole schedule of re-deliveries (about 25 h), with room. */
  Duration MAX_AGE = Duration.ofHours(48);
  /** How far ahead of our clock a {@code notify_time} may be (the two clocks differ a little). */
  Duration MAX_AHEAD = Duration.ofMinutes(5);

  enum Rejection { MISSING_FIELDS, STALE_TIMESTAMP, BAD_SIGNATURE, WRONG_APP, WRONG_SELLER, BAD_AMOUNT }

  /** TRADE_SUCCESS / TRADE_FINISHED mean paid, TRADE_CLOSED closed, WAIT_BUYER_PAY nothing yet. */
  record Verified(String notifyId, String outTradeNo, String tradeNo, String tradeStatus, long totalFen,
      long refundFen, String outBizNo, String buyerId, String gmtPayment) implements AlipayNotification {
    public boolean paid() {
      return tradeStatus.equals("TRADE_SUCCESS") || tradeStatus.equals("TRADE_FINISHED");
    }
  }

  record Rejected(Rejection reason, String detail) implements AlipayNotification {}

  /** @param now our clock's instant, against which {@code notify_time} is checked */
  static AlipayNotification verify(AlipayMerchant merchant, Map<String, String> fields, Instant now) {
    // trade_no is the payment's one name: a payment without it could not be told from its own re-delivery
    for (String f : new String[] {"sign", "notify_time", "app_id", "out_trade_no", "trade_no", "trade_status", "total_amount"}) {
      String v = fields.get(f);
      if (v == null || v.isEmpty()) {
        return new Rejected(Rejection.MISSING_FIELDS, "no " + f);
      }
    }
    // checked before the signature, as WeChat Pay's timestamp is: a stale replay costs no verification
    OffsetDateTime sent = ChannelDays.beijingTime(fields.get("notify_time"));
    if (sent == null) {
      return new Rejected(Rejection.STALE_TIMESTAMP, "notify_time is not a time");
    }
    if (sent.toInstant().isBefore(now.minus(MAX_AGE)) || sent.toInstant().isAfter(now.plus(MAX_AHEAD))) {
      return new Rejected(Rejection.STALE_TIMESTAMP, "notify_time " + fields.get("notify_time") + " is not fresh");
    }
    if (!AlipaySignatures.verifyNotification(merchant.alipayPublicKey(), fields)) {
      return new Rejected(Rejection.BAD_SIGNATURE, "signature does not verify");
    }
    if (!merchant.appId().equals(fields.get("app_id"))) {
      return new Rejected(Rejection.WRONG_APP, "app_id " + fields.get("app_id"));
    }
    if (merchant.authAppId() != null && !merchant.authAppId().equals(fields.get("auth_app_id"))) {
      return new Rejected(Rejection.WRONG_APP, "auth_app_id " + fields.get("auth_app_id"));
    }
    if (merchant.sellerId() != null && !merchant.sellerId().equals(fields.get("seller_id"))) {
      return new Rejected(Rejection.WRONG_SELLER, "seller_id " + fields.get("seller_id"));
    }
    long total;
    long refund;
    try {
      total = Money.yuanToFen(fields.get("total_amount"));
      String r = fields.get("refund_fee");
      refund = r == null || r.isEmpty() ? 0 : Money.yuanToFen(r);
    } catch (IllegalArgumentException e) {
      return new Rejected(Rejection.BAD_AMOUNT, e.getMessage());
    }
    return new Verified(fields.get("notify_id"), fields.get("out_trade_no"), fields.get("trade_no"),
        fields.get("trade_status"), total, refund, fields.get("out_biz_no"), fields.get("buyer_id"),
        fields.get("gmt_payment"));
  }
}
