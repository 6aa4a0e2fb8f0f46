package cn.liangxian.gateway.channel.alipay;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Objects;

/**
 * One Alipay application: its id, the application private key that signs requests (RSA2), and
 * Alipay's public key that signs responses and notifications. Keys come from files or the
 * environment, never from the repository.
 */
public record AlipayMerchant(String appId, PrivateKey appPrivateKey, PublicKey alipayPublicKey) {
  public AlipayMerchant {
    Objects.requireNonNull(appId, "appId");
    Objects.requireNonNull(appPrivateKey, "appPrivateKey");
    Objects.requireNonNull(alipayPublicKey, "alipayPublicKey");
  }

  @Override
  public String toString() {
    return "AlipayMerchant[" + appId + "]";
  }
}
