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
 *
 * <p>As an ISV (第三方应用): {@code appId} and the keys are the ISV's own app; {@code authAppId} is the
 * merchant's app that authorized it, and {@code appAuthToken} (a secret) goes with every call made for
 * that merchant. Notifications then carry the ISV's {@code app_id} and the merchant's {@code auth_app_id}.
 */
public record AlipayMerchant(String appId, PrivateKey appPrivateKey, PublicKey alipayPublicKey, String sellerId, String authAppId,
    String appAuthToken) {
  public AlipayMerchant {
    Objects.requireNonNull(appId, "appId");
    Objects.requireNonNull(appPrivateKey, "appPrivateKey");
    Objects.requireNonNull(alipayPublicKey, "alipayPublicKey");
    sellerId = sellerId == null || sellerId.isBlank() ? null : sellerId;
    authAppId = authAppId == null || authAppId.isBlank() ? null : authAppId;
    appAuthToken = appAuthToken == null || appAuthToken.isBlank() ? null : appAuthToken.strip();
    if ((authAppId == null) != (appAuthToken == null)) {
      throw new IllegalArgumentException("an ISV's merchant needs both authAppId and its app_auth_token");
    }
  }

  /** An app collecting for itself. */
  public AlipayMerchant(String appId, PrivateKey appPrivateKey, PublicKey alipayPublicKey, String sellerId) {
    this(appId, appPrivateKey, alipayPublicKey, sellerId, null, null);
  }

  /** The merchant's own app: what orders, refunds and bills are kept under (the authorizing app, for an ISV). */
  public String id() {
    return authAppId != null ? authAppId : appId;
  }

  /** An app whose seller is not checked. */
  public AlipayMerchant(String appId, PrivateKey appPrivateKey, PublicKey alipayPublicKey) {
    this(appId, appPrivateKey, alipayPublicKey, null);
  }

  @Override
  public String toString() {
    // the app_auth_token is a credential: never printed
    return "AlipayMerchant[" + appId + (authAppId == null ? "" : " for " + authAppId) + (sellerId == null ? "" : ", seller " + sellerId)
        + "]";
  }
}
