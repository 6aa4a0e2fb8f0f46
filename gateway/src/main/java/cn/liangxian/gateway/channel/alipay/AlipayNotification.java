package cn.liangxian.gateway.channel.alipay;

import cn.liangxian.channel.Money;
import cn.liangxian.channel.alipay.AlipaySignatures;
import java.util.Map;

/**
 * An Alipay asynchronous notification (form fields), verified: the signature over every field but
 * {@code sign} and {@code sign_type}, then {@code app_id} and {@code seller_id} against the configured app and
 * merchant (a notification Alipay signed for another app or seller is refused, never applied); the
 * amount read exactly as fen.
 */
public sealed interface AlipayNotification {

  enum Rejection { MISSING_FIELDS, BAD_SIGNATURE, WRONG_APP, WRONG_SELLER, BAD_AMOUNT }

  /** TRADE_SUCCESS / TRADE_FINISHED mean paid, TRADE_CLOSED closed, WAIT_BUYER_PAY nothing yet. */
  record Verified(String notifyId, String outTradeNo, String tradeNo, String tradeStatus, long totalFen,
      long refundFen, String outBizNo, String buyerId, String gmtPayment) implements AlipayNotification {
    public boolean paid() {
      return tradeStatus.equals("TRADE_SUCCESS") || tradeStatus.equals("TRADE_FINISHED");
    }
  }

  record Rejected(Rejection reason, String detail) implements AlipayNotification {}

  static AlipayNotification verify(AlipayMerchant merchant, Map<String, String> fields) {
    // trade_no is the payment's one name: a payment without it could not be told from its own re-delivery
    for (String f : new String[] {"sign", "app_id", "out_trade_no", "trade_no", "trade_status", "total_amount"}) {
      String v = fields.get(f);
      if (v == null || v.isEmpty()) {
        return new Rejected(Rejection.MISSING_FIELDS, "no " + f);
      }
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
