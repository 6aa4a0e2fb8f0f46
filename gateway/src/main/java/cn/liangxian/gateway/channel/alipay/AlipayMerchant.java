package cn.liangxian.gateway.channel.alipay;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Objects;

/**
 * One Alipay application: its id, the application private key that signs requests (RSA2), and
 * Alipay's public key that signs responses and notifications. Keys come from files or the
 * environment, never from the repository. {@code sellerId} is the merchant's PID (2088…) the app
 * collects for: notifications and query answers naming another seller are refused; null where it is not
 * configured (then only {@code app_id} is checked).
 */
public record AlipayMerchant(String appId, PrivateKey appPrivateKey, PublicKey alipayPublicKey, String sellerId) {
  public AlipayMerchant {
    Objects.requireNonNull(appId, "appId");
    Objects.requireNonNull(appPrivateKey, "appPrivateKey");
    Objects.requireNonNull(alipayPublicKey, "alipayPublicKey");
    sellerId = sellerId == null || sellerId.isBlank() ? null : sellerId;
  }

  /** An app whose seller is not checked. */
  public AlipayMerchant(String appId, PrivateKey appPrivateKey, PublicKey alipayPublicKey) {
    this(appId, appPrivateKey, alipayPublicKey, null);
  }

  @Override
  public String toString() {
    return "AlipayMerchant[" + appId + (sellerId == null ? "" : ", seller " + sellerId) + "]";
  }
}
