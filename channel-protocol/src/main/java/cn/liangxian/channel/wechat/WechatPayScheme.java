package cn.liangxian.channel.wechat;

import java.util.Optional;

/**
 * A merchant's signature and encryption scheme: the international one (RSA-2048 / AES-256-GCM) or the
 * 国密 one (SM2 with SM3 / SM4-GCM), chosen per merchant.
 */
public enum WechatPayScheme {
  RSA("WECHATPAY2-SHA256-RSA2048", "SHA256withRSA", "AEAD_AES_256_GCM"),
  SM2("WECHATPAY2-SM2-WITH-SM3", "SM3withSM2", "AEAD_SM4_GCM");

  private final String authorizationType;
  private final String signatureAlgorithm;
  private final String resourceAlgorithm;

  WechatPayScheme(String authorizationType, String signatureAlgorithm, String resourceAlgorithm) {
    this.authorizationType = authorizationType;
    this.signatureAlgorithm = signatureAlgorithm;
    this.resourceAlgorithm = resourceAlgorithm;
  }

  /** The first word of the Authorization header. */
  public String authorizationType() {
    return authorizationType;
  }

  /** The JCA name of the signature. */
  public String signatureAlgorithm() {
    return signatureAlgorithm;
  }

  /** The {@code resource.algorithm} of notifications. */
  public String resourceAlgorithm() {
    return resourceAlgorithm;
  }

  public static Optional<WechatPayScheme> ofAuthorizationType(String type) {
    for (WechatPayScheme s : values()) {
      if (s.authorizationType.equals(type)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
