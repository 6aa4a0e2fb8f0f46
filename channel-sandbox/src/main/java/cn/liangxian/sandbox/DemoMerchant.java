package cn.liangxian.sandbox;

import cn.liangxian.channel.wechat.WechatPayScheme;
import cn.liangxian.sandbox.alipay.AlipayApp;
import cn.liangxian.sandbox.unionpay.UnionPayMerchant;
import cn.liangxian.sandbox.wechat.WechatMerchant;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;

/**
 * The merchant account the sandbox issues for a demo, as the channels' own sandboxes issue developers
 * one: a WeChat Pay merchant (RSA) with its API v3 key, an Alipay app and a UnionPay merchant, with keys made for this run
 * and registered with the sandbox. The private keys are the merchant side's to use.
 */
public final class DemoMerchant {
  public static final String MCHID = "1900000001";
  public static final String WECHAT_APP_ID = "wxdemo0000000001";
  public static final String ALIPAY_APP_ID = "2021000000000001";
  public static final String UNIONPAY_MER_ID = "777290058110048";
  /** The serial number (decimal) of the demo merchant's UnionPay signing certificate. */
  public static final String UNIONPAY_CERT_ID = "69042905377";

  private final KeyPair merchantKey = DemoKeys.rsa("demo-merchant-wechat");
  private final KeyPair appKey = DemoKeys.rsa("demo-merchant-alipay");
  private final KeyPair unionPayKey = DemoKeys.rsa("demo-merchant-unionpay");
  private final byte[] apiV3Key = printableKey();
  private final String miniProgramSecret = java.util.HexFormat.of().formatHex(printableKey(), 0, 16);

  private DemoMerchant() {}

  /** A new account, registered with {@code sandbox}. */
  public static DemoMerchant issue(ChannelSandbox sandbox) {
    DemoMerchant m = new DemoMerchant();
    sandbox.registerWechat(new WechatMerchant(MCHID, WECHAT_APP_ID, m.merchantKey.getPublic(), m.apiV3Key(), WechatPayScheme.RSA));
    sandbox.registerAlipay(new AlipayApp(ALIPAY_APP_ID, m.appKey.getPublic()));
    sandbox.registerUnionPay(new UnionPayMerchant(UNIONPAY_MER_ID, UNIONPAY_CERT_ID, m.unionPayKey.getPublic()));
    sandbox.registerMiniProgram(WECHAT_APP_ID, m.miniProgramSecret);
    return m;
  }

  /** The WeChat Pay merchant's API key (RSA): it signs the merchant's requests. */
  public PrivateKey merchantKey() {
    return merchantKey.getPrivate();
  }

  /** The key notification resources are encrypted with: 32 printable characters, as WeChat Pay has merchants set it. */
  public byte[] apiV3Key() {
    return apiV3Key.clone();
  }

  /** The mini-program's AppSecret: its server logs residents in with it ({@code jscode2session}). */
  public String miniProgramSecret() {
    return miniProgramSecret;
  }

  /** The Alipay app's private key (RSA2): it signs the app's requests. */
  public PrivateKey appKey() {
    return appKey.getPrivate();
  }

  /** The UnionPay merchant's signing certificate, issued by the sandbox's UnionPay CA (its serial: the certId). */
  public X509Certificate unionPayCertificate(ChannelSandbox sandbox) {
    return sandbox.unionPayPlatform().merchantCertificate(UNIONPAY_MER_ID, unionPayKey.getPublic(), UNIONPAY_CERT_ID);
  }

  /** The UnionPay merchant's signing key (RSA): it signs the merchant's requests, named by {@link #UNIONPAY_CERT_ID}. */
  public PrivateKey unionPayKey() {
    return unionPayKey.getPrivate();
  }

  private static byte[] printableKey() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    for (int i = 0; i < k.length; i++) {
      k[i] = (byte) ('a' + Math.floorMod(k[i], 26));
    }
    return k;
  }

}
