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
        w.oneOf("keyMode", null, "publicKey", List.of("publicKey", "certificates")), w.string("subMchid", null, null),
        w.string("merchantCertificateFile", null, null));
    w.done();
    return wechat;
  }

  static Alipay alipay(Settings a) {
    Alipay alipay = new Alipay(a.string("gatewayUrl", null, "https://openapi.alipay.com/gateway.do"), a.string("appId", null, null),
        a.string("appKeyFile", null, null), a.string("alipayPublicKeyFile", null, null), a.string("sellerId", null, null),
        a.string("authAppId", null, null), a.string("appAuthTokenFile", null, null));
    if (alipay.authAppId() != null && alipay.appAuthTokenFile() == null) {
      throw a.invalid("appAuthTokenFile", "is required with authAppId: the app_auth_token the merchant granted the ISV app");
    }
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

  /** One collecting body: its name, its regions, and its WeChat Pay merchant and/or Alipay app. */
  static GatewayOptions.Merchant merchant(Settings m) {
    String name = m.required("name");
    List<String> regions = m.strings("regions");
    if (regions.isEmpty()) {
      throw m.invalid("regions", "must name at least one region code");
    }
    Wechat w = m.has("wechat") ? wechat(m.section("wechat")) : null;
    Alipay a = m.has("alipay") ? alipay(m.section("alipay")) : null;
    UnionPay u = m.has("unionpay") ? unionpay(m.section("unionpay")) : null;
    if (u != null && u.merId() == null) {
      throw m.invalid("unionpay", "needs merId");
    }
    if (w != null && (w.mchid() == null || w.appId() == null)) {
      throw m.invalid("wechat", "needs mchid and appId");
    }
    if (a != null && a.appId() == null) {
      throw m.invalid("alipay", "needs appId");
    }
    if (w == null && a == null && u == null) {
      throw m.invalid("wechat", "(or alipay, or unionpay) is required: a merchant of the collecting body's own");
    }
    m.done();
    return new GatewayOptions.Merchant(name, regions, w, a, u);
  }

  /**
   * Every collecting body's regions are configured regions, no region has two bodies, and no merchant is
   * another's (or the default's): a payment must land in one account only.
   */
  static void checkMerchants(String source, List<GatewayOptions.Merchant> merchants, List<String> regions, Wechat wechat,
      Alipay alipay, UnionPay unionpay, boolean sandbox) {
    java.util.Set<String> names = new java.util.HashSet<>();
    java.util.Map<String, String> bodyOf = new java.util.HashMap<>();
    java.util.Set<String> ids = new java.util.HashSet<>();
    if (wechat.mchid() != null) {
      ids.add("wechat/" + wechat.id());
    }
    if (alipay.appId() != null) {
      ids.add("alipay/" + alipay.id());
    }
    if (unionpay.merId() != null) {
      ids.add("unionpay/" + unionpay.merId());
    }
    for (int i = 0; i < merchants.size(); i++) {
      GatewayOptions.Merchant m = merchants.get(i);
      String where = source + ": channels.merchants[" + i + "]";
      if (!names.add(m.name())) {
        throw new ConfigException(where + ".name " + m.name() + " is the name of another collecting body");
      }
      for (String r : m.regions()) {
        if (!regions.contains(r)) {
          throw new ConfigException(where + ".regions: " + r + " is not a configured region (regions: " + regions + ")");
        }
        String other = bodyOf.put(r, m.name());
        if (other != null) {
          throw new ConfigException(where + ".regions: " + r + " is collected by " + other + " already");
        }
      }
      if (m.wechat() != null && !ids.add("wechat/" + m.wechat().id())) {
        throw new ConfigException(where + ".wechat " + m.wechat().id() + " is another merchant's");
      }
      // as the default merchant's: without keys to verify WeChat Pay's answers with, every payment would be refused
      if (m.wechat() != null && !sandbox && m.wechat().platformKeys().isEmpty() && !m.wechat().certificates()) {
        throw new ConfigException(where + ".wechat.platformKeys needs at least one key when demo.sandbox is false"
            + " (or keyMode: certificates, to download the platform certificates)");
      }
      if (m.alipay() != null && !ids.add("alipay/" + m.alipay().id())) {
        throw new ConfigException(where + ".alipay " + m.alipay().id() + " is another merchant's app");
      }
      if (m.unionpay() != null && unionpay.merId() == null && !sandbox) {
        throw new ConfigException(where + ".unionpay needs channels.unionpay.merId too: UnionPay is offered only with a default merchant");
      }
      if (m.unionpay() != null && !ids.add("unionpay/" + m.unionpay().merId())) {
        throw new ConfigException(where + ".unionpay.merId " + m.unionpay().merId() + " is another merchant's");
      }
    }
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
