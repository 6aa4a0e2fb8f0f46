package cn.liangxian.sandbox.wechat;

import cn.liangxian.channel.wechat.WechatPayScheme;
import java.security.PublicKey;

/**
 * A WeChat Pay merchant the sandbox knows: whose requests it accepts, and how it encrypts for it.
 * {@code certificates}: the merchant verifies with platform certificates (downloaded from
 * {@code /v3/certificates}) rather than the WeChat Pay public key, so answers and notifications carry the
 * current certificate's serial number.
 */
public record WechatMerchant(String mchid, String appId, PublicKey merchantKey, byte[] apiV3Key, WechatPayScheme scheme,
    boolean certificates) {
  public WechatMerchant(String mchid, String appId, PublicKey merchantKey, byte[] apiV3Key, WechatPayScheme scheme) {
    this(mchid, appId, merchantKey, apiV3Key, scheme, false);
  }
}
