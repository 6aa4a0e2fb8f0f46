package cn.liangxian.gateway.channel;

import cn.liangxian.channel.Pem;
import cn.liangxian.gateway.channel.alipay.AlipayChannel;
import cn.liangxian.gateway.channel.alipay.AlipayClient;
import cn.liangxian.gateway.channel.alipay.AlipayMerchant;
import cn.liangxian.channel.unionpay.UnionPaySignatures;
import cn.liangxian.channel.unionpay.UnionPayTrust;
import cn.liangxian.gateway.channel.unionpay.UnionPayChannel;
import cn.liangxian.gateway.channel.unionpay.UnionPayClient;
import cn.liangxian.gateway.channel.unionpay.UnionPayMerchant;
import cn.liangxian.gateway.channel.unionpay.UnionPayRequests;
import cn.liangxian.gateway.channel.wechat.PlatformKeys;
import cn.liangxian.gateway.channel.wechat.WechatPayChannel;
import cn.liangxian.gateway.channel.wechat.WechatPayClient;
import cn.liangxian.gateway.channel.wechat.WechatPayMerchant;
import cn.liangxian.channel.wechat.WechatPayScheme;
import cn.liangxian.gateway.config.ConfigException;
import cn.liangxian.gateway.config.GatewayOptions;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import java.security.cert.X509Certificate;
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
 * the pool their signatures run on. {@code unionpay} is null where no UnionPay merchant is configured (the
 * channel is then not offered).
 */
public record Channels(Map<String, PaymentChannel> byName, WechatPayMerchant wechat, AlipayMerchant alipay,
    UnionPayChannel unionpay, Signing signing) {
  public Channels {
    byName = Map.copyOf(byName);
  }

  /** A UnionPay merchant, where its gateway and file server answer, and where its requests are recorded. */
  public record UnionPaySetup(UnionPayMerchant merchant, String gatewayUrl, String fileUrl, UnionPayRequests requests) {}

  /** The channels speaking to given addresses (the real channels, or a stand-in with the same protocols). */
  public static Channels of(Vertx vertx, Clock clock, Signing signing, WechatPayMerchant wechat, String wechatBaseUrl,
      AlipayMerchant alipay, String alipayGatewayUrl, UnionPaySetup unionpay, Supplier<String> callbackBaseUrl) {
    WebClient http = WebClient.create(vertx);
    Map<String, PaymentChannel> byName = new LinkedHashMap<>();
    byName.put("wechat", new WechatPayChannel(new WechatPayClient(http, wechatBaseUrl, wechat, clock, signing),
        () -> callbackBaseUrl.get() + "/api/v1/callbacks/wechatpay"));
    byName.put("alipay", new AlipayChannel(new AlipayClient(http, alipayGatewayUrl, alipay, clock, signing),
        () -> callbackBaseUrl.get() + "/api/v1/callbacks/alipay"));
    UnionPayChannel union = null;
    if (unionpay != null) {
      union = new UnionPayChannel(vertx, new UnionPayClient(vertx, http, unionpay.gatewayUrl(), unionpay.fileUrl(),
          unionpay.merchant(), clock), unionpay.requests(), () -> callbackBaseUrl.get() + "/api/v1/callbacks/unionpay", clock);
      byName.put("unionpay", union);
    }
    return new Channels(byName, wechat, alipay, union, signing);
  }

  /** The real merchants, from the channels section of the options and key files (or the environment). */
  public static Channels real(Vertx vertx, GatewayOptions options, Clock clock, Pool pool, Signing signing) {
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
        Pem.publicKey(secret(options, a.alipayPublicKeyFile(), "GATEWAY_ALIPAY_PUBLIC_KEY")), a.sellerId());
    GatewayOptions.UnionPay u = options.unionpay();
    UnionPaySetup union = null;
    if (u.merId() != null) {
      X509Certificate signCert = Pem.certificate(secret(options, u.signCertFile(), null));
      union = new UnionPaySetup(new UnionPayMerchant(u.merId(), UnionPaySignatures.certId(signCert),
          Pem.privateKey(secret(options, u.signKeyFile(), "GATEWAY_UNIONPAY_SIGN_KEY")),
          new UnionPayTrust(Pem.certificate(secret(options, u.rootCertFile(), null)),
              Pem.certificate(secret(options, u.middleCertFile(), null)))), u.gatewayUrl(), u.fileUrl(), new UnionPayRequests(pool));
    }
    return of(vertx, clock, signing, wechat, w.baseUrl(), alipay, a.gatewayUrl(), union, options::publicBaseUrl);
  }

  /** A secret from the environment variable if set, else from the file (relative to the key directory). */
  static String secret(GatewayOptions options, String file, String envName) {
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
