package cn.liangxian.gateway.channel.unionpay;

import cn.liangxian.channel.unionpay.UnionPaySignatures;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A UnionPay asynchronous notification (form fields to {@code backUrl}), verified: the
 * {@code signPubKeyCert} must chain to UnionPay's certificates and be valid now (an old notification
 * signed by a certificate since expired is stale), the signature must cover every field, and it must name
 * our merchant and renminbi. Blocking (certificate path and RSA): run it on a worker.
 */
public sealed interface UnionPayNotification {

  enum Rejection { MISSING_FIELDS, UNTRUSTED_CERTIFICATE, BAD_SIGNATURE, WRONG_MERCHANT, WRONG_CURRENCY, BAD_AMOUNT }

  /**
   * @param txnType 01 a payment, 04 a refund
   * @param respCode 00 when the transaction succeeded, A6 when it succeeded with defects (a success all the same)
   */
  /**
   * {@code settleDate}: the MMdd UnionPay settles the transaction on (its settlement file's day: after 23:00, the
   * next); {@code traceTime}: when it carried the transaction, MMddHHmmss, Beijing time.
   */
  record Verified(String txnType, String orderId, String queryId, String respCode, long txnAmt, String origQryId, String settleDate,
      String traceTime)
      implements UnionPayNotification {
    public boolean succeeded() {
      return UnionPayClient.succeeded(respCode);
    }
  }

  record Rejected(Rejection reason, String detail) implements UnionPayNotification {}

  static UnionPayNotification verify(UnionPayMerchant merchant, Map<String, String> fields, Instant now) {
    // queryId is the transaction's one name: a payment without it could not be told from its own re-delivery
    for (String f : new String[] {"signature", "signPubKeyCert", "merId", "orderId", "txnType", "respCode", "txnAmt", "queryId"}) {
      String v = fields.get(f);
      if (v == null || v.isEmpty()) {
        return new Rejected(Rejection.MISSING_FIELDS, "no " + f);
      }
    }
    Optional<PublicKey> key = merchant.trust().signingKey(fields.get("signPubKeyCert"), now);
    if (key.isEmpty()) {
      return new Rejected(Rejection.UNTRUSTED_CERTIFICATE, "signPubKeyCert is not a valid UnionPay certificate now");
    }
    if (!UnionPaySignatures.verify(key.get(), fields)) {
      return new Rejected(Rejection.BAD_SIGNATURE, "signature does not verify");
    }
    if (!merchant.merId().equals(fields.get("merId"))) {
      return new Rejected(Rejection.WRONG_MERCHANT, "merId " + fields.get("merId"));
    }
    // txnAmt is fen only in renminbi (ISO 4217 numeric 156)
    if (!"156".equals(fields.get("currencyCode"))) {
      return new Rejected(Rejection.WRONG_CURRENCY, "currencyCode " + fields.get("currencyCode"));
    }
    long fen;
    try {
      fen = Long.parseLong(fields.get("txnAmt"));
    } catch (NumberFormatException e) {
      return new Rejected(Rejection.BAD_AMOUNT, "txnAmt " + fields.get("txnAmt"));
    }
    return new Verified(fields.get("txnType"), fields.get("orderId"), fields.get("queryId"), fields.get("respCode"), fen,
        fields.get("origQryId"), fields.get("settleDate"), fields.get("traceTime"));
  }
}
