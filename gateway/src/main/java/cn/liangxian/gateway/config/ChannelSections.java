package cn.liangxian.gateway.config;

import cn.liangxian.gateway.config.GatewayOptions.Alipay;
import cn.liangxian.gateway.config.GatewayOptions.PlatformKeyFile;
import cn.liangxian.gateway.config.GatewayOptions.Wechat;
import java.util.List;

/** The real channels' sections: WeChat Pay's merchant and platform keys, Alipay's app. */
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
        w.string("merchantKeyFile", null, null), w.string("apiV3KeyFile", null, null), platform);
    w.done();
    return wechat;
  }

  static Alipay alipay(Settings a) {
    Alipay alipay = new Alipay(a.string("gatewayUrl", null, "https://openapi.alipay.com/gateway.do"), a.string("appId", null, null),
        a.string("appKeyFile", null, null), a.string("alipayPublicKeyFile", null, null));
    a.done();
    return alipay;
  }
}
