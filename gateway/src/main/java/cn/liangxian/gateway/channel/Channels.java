package cn.liangxian.gateway.channel;

import cn.liangxian.channel.Pem;
import cn.liangxian.gateway.channel.alipay.AlipayChannel;
import cn.liangxian.gateway.channel.alipay.AlipayClient;
import cn.liangxian.gateway.channel.alipay.AlipayMerchant;
import cn.liangxian.gateway.channel.wechat.PlatformKeys;
import cn.liangxian.gateway.channel.wechat.WechatPayChannel;
import cn.liangxian.gateway.channel.wechat.WechatPayClient;
import cn.liangxian.gateway.channel.wechat.WechatPayMerchant;
import cn.liangxian.channel.wechat.WechatPayScheme;
import cn.liangxian.gateway.config.ConfigException;
import cn.liangxian.gateway.config.GatewayOptions;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The payment channels by name, with the merchant identities their callbacks are checked against and
 * the pool their signatures run on.
 */
public record Channels(Map<String, PaymentChannel> byName, WechatPayMerchant wechat, AlipayMerchant alipay, Signing signing) {
  public Channels {
    byName = Map.copyOf(byName);
  }

  /** Both channels speaking to given addresses (the real channels, or a stand-in with the same protocols). */
  public static Channels of(Vertx vertx, Clock clock, Signing signing, WechatPayMerchant wechat, String wechatBaseUrl,
      AlipayMerchant alipay, String alipayGatewayUrl, Supplier<String> callbackBaseUrl) {
    WebClient http = WebClient.create(vertx);
    Map<String, PaymentChannel> byName = new LinkedHashMap<>();
    byName.put("wechat", new WechatPayChannel(new WechatPayClient(http, wechatBaseUrl, wechat, clock, signing),
        () -> callbackBaseUrl.get() + "/api/v1/callbacks/wechatpay"));
    byName.put("alipay", new AlipayChannel(new AlipayClient(http, alipayGatewayUrl, alipay, clock, signing),
        () -> callbackBaseUrl.get() + "/api/v1/callbacks/alipay"));
    return new Channels(byName, wechat, alipay, signing);
  }

  /** The real merchants, from the channels section of the options and key files (or the environment). */
  public static Channels real(Vertx vertx, GatewayOptions options, Clock clock, Signing signing) {
    GatewayOptions.Wechat w = options.wechat();
    GatewayOptions.Alipay a = options.alipay();
    PlatformKeys platform = new PlatformKeys();
    for (GatewayOptions.PlatformKeyFile k : w.platformKeys()) {
      platform.put(k.serial(), Pem.publicKey(secret(options, k.file(), null)));
    }
    WechatPayMerchant wechat = new WechatPayMerchant(w.mchid(), w.appId(), w.merchantSerial(),
        Pem.privateKey(secret(options, w.merchantKeyFile(), "GATEWAY_WECHAT_MERCHANT_KEY")),
        secret(options, w.apiV3KeyFile(), "GATEWAY_WECHAT_APIV3_KEY").strip().getBytes(StandardCharsets.US_ASCII),
        WechatPayScheme.valueOf(w.scheme()), platform);
    AlipayMerchant alipay = new AlipayMerchant(a.appId(),
        Pem.privateKey(secret(options, a.appKeyFile(), "GATEWAY_ALIPAY_APP_KEY")),
        Pem.publicKey(secret(options, a.alipayPublicKeyFile(), "GATEWAY_ALIPAY_PUBLIC_KEY")));
    return of(vertx, clock, signing, wechat, w.baseUrl(), alipay, a.gatewayUrl(), options::publicBaseUrl);
  }

  /** A secret from the environment variable if set, else from the file (relative to the key directory). */
  private static String secret(GatewayOptions options, String file, String envName) {
    String v = envName == null ? null : options.env().get(envName);
    if (v != null && !v.isBlank()) {
      return v;
    }
    if (file == null || file.isBlank()) {
      throw new ConfigException("channel secret missing: set " + envName + " or name its file in config/gateway.yaml");
    }
    Path p = options.keyDir().resolve(file);
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new ConfigException("cannot read channel secret " + p + ": " + e.getMessage());
    }
  }
}
