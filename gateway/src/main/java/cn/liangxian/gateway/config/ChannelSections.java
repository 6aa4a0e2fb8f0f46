package cn.liangxian.gateway.config;

import cn.liangxian.gateway.config.GatewayOptions.Alipay;
import cn.liangxian.gateway.config.GatewayOptions.PlatformKeyFile;
import cn.liangxian.gateway.config.GatewayOptions.UnionPay;
import cn.liangxian.gateway.config.GatewayOptions.Wechat;
import java.util.List;

/** The real channels' sections: WeChat Pay's merchant and platform keys, Alipay's app, UnionPay's merchant. */
final class ChannelSections {
  private ChannelSections() {}

  static Wechat wechat(Settings w) {
    List<PlatformKeyFile> platform = w.sections("platformKeys").stream().map(k -> {
      PlatformKeyFile f = new PlatformKeyFile(k.required("serial"), k.required("file"));
      k.done();
      return f;
    }).toList();
    Wechat wechat = new Wechat(w.string("baseUrl", null, "https://api.mch.weixin.qq.com"), w.string("mchid", null, null),
        w.string("appId", null, null), w.oneOf("scheme", null, "RSA", List.of("RSA", "SM2")), w.string("merchantSerial", null, null),
        w.string("merchantKeyFile", null, null), w.string("apiV3KeyFile", null, null), platform,
        w.oneOf("keyMode", null, "publicKey", List.of("publicKey", "certificates")));
    w.done();
    return wechat;
  }

  static Alipay alipay(Settings a) {
    Alipay alipay = new Alipay(a.string("gatewayUrl", null, "https://openapi.alipay.com/gateway.do"), a.string("appId", null, null),
        a.string("appKeyFile", null, null), a.string("alipayPublicKeyFile", null, null), a.string("sellerId", null, null));
    a.done();
    return alipay;
  }

  /** UnionPay's merchant: with no {@code merId} UnionPay is not offered; with one, every file must be named. */
  static UnionPay unionpay(Settings u) {
    UnionPay unionpay = new UnionPay(u.string("gatewayUrl", null, "https://gateway.95516.com"),
        u.string("fileUrl", null, "https://filedownload.95516.com/"), u.string("merId", null, null),
        u.string("signKeyFile", null, "unionpay-sign-key.pem"), u.string("signCertFile", null, "unionpay-sign-cert.pem"),
        u.string("rootCertFile", null, "unionpay-root.pem"), u.string("middleCertFile", null, "unionpay-middle.pem"));
    u.done();
    return unionpay;
  }

  /** Without the sandbox the real merchants must be named: an empty id would only fail at the first payment. */
  static void requireMerchants(String source, Wechat wechat, Alipay alipay) {
    String[][] required = {{"channels.wechat.mchid", wechat.mchid()}, {"channels.wechat.appId", wechat.appId()},
        {"channels.wechat.merchantSerial", wechat.merchantSerial()}, {"channels.alipay.appId", alipay.appId()}};
    for (String[] r : required) {
      if (r[1] == null) {
        throw new ConfigException(source + ": " + r[0] + " is required when demo.sandbox is false (the real channels)");
      }
    }
    if (wechat.platformKeys().isEmpty() && !wechat.certificates()) {
      throw new ConfigException(source + ": channels.wechat.platformKeys needs at least one key when demo.sandbox is false"
          + " (or keyMode: certificates, to download the platform certificates)");
    }
  }
}
