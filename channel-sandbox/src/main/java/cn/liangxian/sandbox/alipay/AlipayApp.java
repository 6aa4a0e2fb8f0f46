package cn.liangxian.sandbox.alipay;

import java.security.PublicKey;

/**
 * An Alipay application the sandbox knows, by its app_id and the key its requests are signed with, and
 * the seller (the merchant's PID, 2088 and twelve digits) it collects for: its notifications name both.
 * A merchant's app that authorized an ISV ({@code isvAppId}) has no key here: the ISV calls for it with
 * its own app_id and key and the merchant's {@code app_auth_token}.
 */
public record AlipayApp(String appId, PublicKey appKey, String sellerId, String isvAppId, String authToken) {
  /** An app collecting for a seller of its own, made from its app_id. */
  public AlipayApp(String appId, PublicKey appKey) {
    this(appId, appKey, sellerOf(appId));
  }

  public AlipayApp(String appId, PublicKey appKey, String sellerId) {
    this(appId, appKey, sellerId, null, null);
  }

  /** The PID the sandbox gives an app's seller: 2088 and the app_id's last twelve digits. */
  public static String sellerOf(String appId) {
    String digits = ("000000000000" + appId.replaceAll("[^0-9]", ""));
    return "2088" + digits.substring(digits.length() - 12);
  }
}
