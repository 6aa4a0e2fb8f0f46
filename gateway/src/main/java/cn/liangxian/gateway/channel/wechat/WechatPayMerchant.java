package cn.liangxian.gateway.channel.wechat;

import cn.liangxian.channel.wechat.WechatPayScheme;
import java.security.PrivateKey;
import java.util.Objects;

/**
 * One merchant account: who we are at WeChat Pay and the keys we sign and decrypt with. Keys come from
 * files or the environment, never from the repository.
 *
 * @param mchid merchant id (商户号)
 * @param appId the mini-program / official-account app id the payments belong to
 * @param serialNo serial number of the merchant API certificate whose private key signs requests
 * @param privateKey the merchant API private key (RSA-2048, or SM2 for the 国密 scheme)
 * @param apiV3Key the 32-byte API v3 key that encrypts notification resources
 * @param scheme RSA or 国密
 * @param platformKeys WeChat Pay's keys that sign responses and notifications
 * @param subMchid a sub-merchant (特约商户) this service provider (服务商: mchid, appId and the keys are the
 *     provider's, sent as sp_mchid and sp_appid) collects for; null for a merchant collecting for itself
 * @param certificateNotAfter when the merchant API certificate {@code serialNo} names expires, where the deployment
 *     gave the certificate (WeChat Pay takes no request signed under an expired one); null where it did not
 */
public record WechatPayMerchant(
    String mchid, String appId, String serialNo, PrivateKey privateKey, byte[] apiV3Key,
    WechatPayScheme scheme, PlatformKeys platformKeys, String subMchid, java.time.Instant certificateNotAfter) {
  public WechatPayMerchant(String mchid, String appId, String serialNo, PrivateKey privateKey, byte[] apiV3Key,
      WechatPayScheme scheme, PlatformKeys platformKeys) {
    this(mchid, appId, serialNo, privateKey, apiV3Key, scheme, platformKeys, null);
  }

  public WechatPayMerchant(String mchid, String appId, String serialNo, PrivateKey privateKey, byte[] apiV3Key,
      WechatPayScheme scheme, PlatformKeys platformKeys, String subMchid) {
    this(mchid, appId, serialNo, privateKey, apiV3Key, scheme, platformKeys, subMchid, null);
  }

  /** The merchant the money is paid into: the sub-merchant, for a service provider. */
  public String id() {
    return subMchid != null ? subMchid : mchid;
  }

  /** Whether requests go through the service provider's partner API. */
  public boolean partner() {
    return subMchid != null;
  }

  public WechatPayMerchant {
    subMchid = subMchid == null || subMchid.isBlank() ? null : subMchid;
    Objects.requireNonNull(mchid, "mchid");
    Objects.requireNonNull(appId, "appId");
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(platformKeys, "platformKeys");
    if (apiV3Key == null || apiV3Key.length != 32) {
      throw new IllegalArgumentException("the API v3 key must be 32 bytes");
    }
  }

  @Override
  public String toString() {
    return "WechatPayMerchant[" + mchid + (subMchid == null ? "" : " for " + subMchid) + ", " + scheme + "]";
  }
}
