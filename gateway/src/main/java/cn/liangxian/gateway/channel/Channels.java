package cn.liangxian.gateway.channel;

import cn.liangxian.channel.Crypto;
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
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The payment channels by name, with the merchant identities their callbacks are checked against and
 * the pool their signatures run on. {@code unionpay} is null where no UnionPay merchant is configured (the
 * channel is then not offered). {@code bodies}: collecting bodies with merchants of their own, whose
 * regions' orders are paid into those ({@link #forRegion}); every other region pays into the default
 * merchants of {@code byName}.
 */
public record Channels(Map<String, PaymentChannel> byName, WechatPayMerchant wechat, AlipayMerchant alipay,
    UnionPayChannel unionpay, Signing signing, List<Body> bodies) {
  private static final Logger LOG = LoggerFactory.getLogger(Channels.class);

  public Channels {
    byName = Map.copyOf(byName);
    bodies = List.copyOf(bodies);
  }

  public Channels(Map<String, PaymentChannel> byName, WechatPayMerchant wechat, AlipayMerchant alipay, UnionPayChannel unionpay,
      Signing signing) {
    this(byName, wechat, alipay, unionpay, signing, List.of());
  }

  /** A collecting body: its regions, and its channels (WeChat Pay, Alipay, either or both) with their merchants. */
  public record Body(String name, Set<String> regions, Map<String, PaymentChannel> byName, WechatPayMerchant wechat,
      AlipayMerchant alipay, UnionPayChannel unionpay) {
    public Body {
      regions = Set.copyOf(regions);
      byName = Map.copyOf(byName);
    }
  }

  /** These channels, with the collecting bodies' merchants beside the defaults. */
  public Channels withBodies(List<Body> more) {
    return new Channels(byName, wechat, alipay, unionpay, signing, more);
  }

  /** The channel an order of {@code region} is paid through: its collecting body's merchant, else the default. */
  public PaymentChannel forRegion(String channel, String region) {
    for (Body b : bodies) {
      if (b.regions().contains(region) && b.byName().containsKey(channel)) {
        return b.byName().get(channel);
      }
    }
    return byName.get(channel);
  }

  /** The channel of this merchant (null: the default's); null when no such channel or merchant is configured. */
  public PaymentChannel of(String channel, String merchant) {
    PaymentChannel d = byName.get(channel);
    if (merchant == null || d != null && d.merchant().equals(merchant)) {
      return d;
    }
    for (Body b : bodies) {
      PaymentChannel c = b.byName().get(channel);
      if (c != null && c.merchant().equals(merchant)) {
        return c;
      }
    }
    return null;
  }

  /** Every channel of every merchant: the defaults first. */
  public List<PaymentChannel> all() {
    List<PaymentChannel> out = new ArrayList<>(byName.values());
    bodies.forEach(b -> out.addAll(b.byName().values()));
    return out;
  }

  /** Every WeChat Pay merchant by mchid, the default first. */
  public Map<String, WechatPayMerchant> wechatMerchants() {
    Map<String, WechatPayMerchant> out = new LinkedHashMap<>();
    out.put(wechat.id(), wechat);
    bodies.stream().filter(b -> b.wechat() != null).forEach(b -> out.put(b.wechat().id(), b.wechat()));
    return out;
  }

  /** Every UnionPay merchant's channel by merId, the default first (empty when UnionPay is not offered). */
  public Map<String, UnionPayChannel> unionPayMerchants() {
    Map<String, UnionPayChannel> out = new LinkedHashMap<>();
    if (unionpay != null) {
      out.put(unionpay.client().merchant().merId(), unionpay);
      bodies.stream().filter(b -> b.unionpay() != null).forEach(b -> out.put(b.unionpay().client().merchant().merId(), b.unionpay()));
    }
    return out;
  }

  /**
   * When each WeChat Pay merchant's API certificate expires (where the deployment gave it) and each UnionPay merchant's
   * certificates expire, as gauges (seconds since the epoch) for the operators' alerts:
   * its signing certificate (UnionPay refuses what is signed with it once it has expired: no QR code is made), and
   * UnionPay's root and middle certificates (answers and notifications chaining to them are no longer believed).
   */
  public void certificateGauges(MeterRegistry registry) {
    wechatMerchants().forEach((id, m) -> {
      if (m.certificateNotAfter() != null) {
        expiry(registry, "wechat", m.mchid(), "merchant", m.certificateNotAfter());
      }
    });
    unionPayMerchants().forEach((merId, c) -> {
      UnionPayMerchant m = c.client().merchant();
      expiry(registry, "unionpay", merId, "sign", m.signCertNotAfter());
      expiry(registry, "unionpay", merId, "root", m.trust().root().getNotAfter().toInstant());
      expiry(registry, "unionpay", merId, "middle", m.trust().middle().getNotAfter().toInstant());
    });
  }

  private static void expiry(MeterRegistry registry, String channel, String merchant, String certificate, Instant notAfter) {
    double at = notAfter.getEpochSecond();
    Gauge.builder("liangxian_channel_certificate_expiry_timestamp_seconds", () -> at)
        .description("When a channel certificate this instance relies on expires")
        .tags("channel", channel, "merchant", merchant, "certificate", certificate).register(registry);
  }

  /** Every Alipay merchant by its own app_id (an ISV's merchant: the authorizing app's), the default first. */
  public Map<String, AlipayMerchant> alipayApps() {
    Map<String, AlipayMerchant> out = new LinkedHashMap<>();
    out.put(alipay.id(), alipay);
    bodies.stream().filter(b -> b.alipay() != null).forEach(b -> out.put(b.alipay().id(), b.alipay()));
    return out;
  }

  /**
   * A collecting body's channels, speaking to the same addresses as the defaults: WeChat Pay notifies at
   * {@code /api/v1/callbacks/wechatpay/<mchid>} (its notifications are decrypted with that merchant's key),
   * Alipay at the common route (the app_id names the app).
   */
  public static Body body(Vertx vertx, Clock clock, Signing signing, String name, java.util.Collection<String> regions,
      WechatPayMerchant wechat, String wechatBaseUrl, AlipayMerchant alipay, String alipayGatewayUrl, UnionPaySetup unionpay,
      Supplier<String> callbackBaseUrl) {
    Map<String, PaymentChannel> byName = channels(vertx, clock, signing, wechat, wechatBaseUrl, wechat == null ? "" : "/" + wechat.id(),
        alipay, alipayGatewayUrl, unionpay, callbackBaseUrl);
    return new Body(name, Set.copyOf(regions), byName, wechat, alipay, (UnionPayChannel) byName.get("unionpay"));
  }

  /**
   * One merchant's channels (those whose merchant is given) on a client of their own: WeChat Pay notifies
   * at {@code /api/v1/callbacks/wechatpay} followed by {@code wechatNotifySuffix}, Alipay and UnionPay at
   * their common routes (the app_id or merId in the notification names the merchant).
   */
  private static Map<String, PaymentChannel> channels(Vertx vertx, Clock clock, Signing signing, WechatPayMerchant wechat,
      String wechatBaseUrl, String wechatNotifySuffix, AlipayMerchant alipay, String alipayGatewayUrl, UnionPaySetup unionpay,
      Supplier<String> callbackBaseUrl) {
    WebClient http = ChannelHttp.client(vertx);
    Map<String, PaymentChannel> byName = new LinkedHashMap<>();
    if (wechat != null) {
      byName.put("wechat", new WechatPayChannel(new WechatPayClient(vertx, http, wechatBaseUrl, wechat, clock, signing),
          () -> callbackBaseUrl.get() + "/api/v1/callbacks/wechatpay" + wechatNotifySuffix));
    }
    if (alipay != null) {
      byName.put("alipay", new AlipayChannel(new AlipayClient(vertx, http, alipayGatewayUrl, alipay, clock, signing),
          () -> callbackBaseUrl.get() + "/api/v1/callbacks/alipay"));
    }
    if (unionpay != null) {
      byName.put("unionpay", new UnionPayChannel(vertx, new UnionPayClient(vertx, http, unionpay.gatewayUrl(), unionpay.fileUrl(),
          unionpay.merchant(), clock, signing), unionpay.requests(), () -> callbackBaseUrl.get() + "/api/v1/callbacks/unionpay", clock));
    }
    return byName;
  }

  /** A UnionPay merchant, where its gateway and file server answer, and where its requests are recorded. */
  public record UnionPaySetup(UnionPayMerchant merchant, String gatewayUrl, String fileUrl, UnionPayRequests requests) {}

  /** The channels speaking to given addresses (the real channels, or a stand-in with the same protocols). */
  public static Channels of(Vertx vertx, Clock clock, Signing signing, WechatPayMerchant wechat, String wechatBaseUrl,
      AlipayMerchant alipay, String alipayGatewayUrl, UnionPaySetup unionpay, Supplier<String> callbackBaseUrl) {
    Map<String, PaymentChannel> byName = channels(vertx, clock, signing, wechat, wechatBaseUrl, "", alipay, alipayGatewayUrl, unionpay,
        callbackBaseUrl);
    return new Channels(byName, wechat, alipay, (UnionPayChannel) byName.get("unionpay"), signing);
  }

  /** The real merchants, from the channels section of the options and key files (or the environment). */
  public static Channels real(Vertx vertx, GatewayOptions options, Clock clock, Pool pool, Signing signing) {
    GatewayOptions.Wechat w = options.wechat();
    GatewayOptions.Alipay a = options.alipay();
    // the default merchants' secrets may come from the environment instead of their files
    WechatPayMerchant wechat = wechatMerchant(options, w, "GATEWAY_WECHAT_MERCHANT_KEY", "GATEWAY_WECHAT_APIV3_KEY", "channels.wechat",
        clock);
    AlipayMerchant alipay = alipayMerchant(options, a, "GATEWAY_ALIPAY_APP_KEY", "GATEWAY_ALIPAY_PUBLIC_KEY",
        "GATEWAY_ALIPAY_APP_AUTH_TOKEN");
    UnionPaySetup union = options.unionpay().merId() == null ? null
        : unionPaySetup(options, options.unionpay(), "GATEWAY_UNIONPAY_SIGN_KEY", pool, "channels.unionpay");
    List<Body> bodies = new ArrayList<>();
    for (int i = 0; i < options.merchants().size(); i++) {
      GatewayOptions.Merchant m = options.merchants().get(i);
      bodies.add(body(vertx, clock, signing, m.name(), m.regions(),
          m.wechat() == null ? null : wechatMerchant(options, m.wechat(), null, null, "channels.merchants[" + i + "].wechat", clock),
          w.baseUrl(),
          m.alipay() == null ? null : alipayMerchant(options, m.alipay(), null, null, null), a.gatewayUrl(),
          m.unionpay() == null ? null : unionPaySetup(options, m.unionpay(), null, pool, "channels.merchants[" + i + "].unionpay"),
          options::publicBaseUrl));
    }
    return of(vertx, clock, signing, wechat, w.baseUrl(), alipay, a.gatewayUrl(), union, options::publicBaseUrl).withBodies(bodies);
  }

  private static WechatPayMerchant wechatMerchant(GatewayOptions options, GatewayOptions.Wechat w, String keyEnv, String apiV3Env,
      String where, Clock clock) {
    PlatformKeys platform = new PlatformKeys();
    for (GatewayOptions.PlatformKeyFile k : w.platformKeys()) {
      platform.put(k.serial(), Pem.publicKey(secret(options, k.file(), null)));
    }
    PrivateKey key = Pem.privateKey(secret(options, w.merchantKeyFile(), keyEnv));
    WechatPayScheme scheme = WechatPayScheme.valueOf(w.scheme());
    Instant notAfter = w.merchantCertificateFile() == null ? null
        : merchantCertificate(secret(options, w.merchantCertificateFile(), null), w, key, scheme, where, clock);
    return new WechatPayMerchant(w.mchid(), w.appId(), w.merchantSerial(), key,
        secret(options, w.apiV3KeyFile(), apiV3Env).strip().getBytes(StandardCharsets.US_ASCII), scheme, platform, w.subMchid(),
        notAfter);
  }

  /**
   * When the merchant API certificate (WeChat Pay's {@code apiclient_cert.pem}) expires, once it is known to be the one
   * the merchant signs under: its serial is {@code merchantSerial} and its key the pair of the merchant key. Either
   * mismatch would have WeChat Pay refuse every request, so it stops the start; an expired or nearly expired certificate
   * is logged (and gauged for the alerts), not refused: the other channels still take payments.
   */
  static Instant merchantCertificate(String pem, GatewayOptions.Wechat w, PrivateKey key, WechatPayScheme scheme,
      String where, Clock clock) {
    X509Certificate cert;
    try {
      cert = Pem.certificate(pem);
    } catch (RuntimeException e) {
      throw new ConfigException(where + ".merchantCertificateFile " + w.merchantCertificateFile() + " is not a PEM certificate");
    }
    String serial = Pem.serial(cert);
    BigInteger configured;
    try {
      configured = new BigInteger(w.merchantSerial(), 16);
    } catch (NumberFormatException e) {
      configured = null; // no number: no certificate's serial
    }
    if (!cert.getSerialNumber().equals(configured)) {
      throw new ConfigException(where + ".merchantSerial " + w.merchantSerial() + " is not the serial of " + where
          + ".merchantCertificateFile " + w.merchantCertificateFile() + " (" + serial + "): WeChat Pay would refuse every request");
    }
    if (!Crypto.pairs(scheme.signatureAlgorithm(), key, cert.getPublicKey())) {
      throw new ConfigException(where + ".merchantCertificateFile " + w.merchantCertificateFile() + " is the certificate of another key"
          + " than " + where + ".merchantKeyFile (or not a " + scheme + " key): WeChat Pay would refuse every request");
    }
    Instant notAfter = cert.getNotAfter().toInstant();
    Instant now = clock.instant();
    if (!notAfter.isAfter(now)) {
      LOG.error("the WeChat Pay merchant API certificate {} of merchant {} expired at {}: WeChat Pay takes no request signed under it;"
          + " renew it in the merchant platform (API安全) and configure the new certificate, key and serial", serial, w.mchid(), notAfter);
    } else if (notAfter.isBefore(now.plus(Duration.ofDays(30)))) {
      LOG.warn("the WeChat Pay merchant API certificate {} of merchant {} expires at {}: renew it in the merchant platform (API安全)",
          serial, w.mchid(), notAfter);
    }
    return notAfter;
  }

  private static AlipayMerchant alipayMerchant(GatewayOptions options, GatewayOptions.Alipay a, String appKeyEnv, String publicKeyEnv,
      String authTokenEnv) {
    return new AlipayMerchant(a.appId(), Pem.privateKey(secret(options, a.appKeyFile(), appKeyEnv)),
        Pem.publicKey(secret(options, a.alipayPublicKeyFile(), publicKeyEnv)), a.sellerId(), a.authAppId(),
        a.authAppId() == null ? null : secret(options, a.appAuthTokenFile(), authTokenEnv));
  }

  private static UnionPaySetup unionPaySetup(GatewayOptions options, GatewayOptions.UnionPay u, String signKeyEnv, Pool pool,
      String where) {
    X509Certificate signCert = Pem.certificate(secret(options, u.signCertFile(), null));
    PrivateKey signKey = Pem.privateKey(secret(options, u.signKeyFile(), signKeyEnv));
    signingPair(signKey, signCert, u, where, fromEnvironment(options, signKeyEnv) ? signKeyEnv : where + ".signKeyFile");
    return new UnionPaySetup(new UnionPayMerchant(u.merId(), UnionPaySignatures.certId(signCert), signCert.getNotAfter().toInstant(),
        signKey,
        new UnionPayTrust(Pem.certificate(secret(options, u.rootCertFile(), null)),
            Pem.certificate(secret(options, u.middleCertFile(), null)))), u.gatewayUrl(), u.fileUrl(), new UnionPayRequests(pool));
  }

  /**
   * UnionPay names the certificate a request was signed under by its serial ({@code certId}) and checks the signature
   * with it: a signing key that is not the certificate's would have every request refused, as 验签失败 at the first QR
   * code. Refused at start instead, naming the certificate's file and where the key came from ({@code keyFrom}: its file's
   * setting, or the environment variable that gave it).
   */
  static void signingPair(PrivateKey signKey, X509Certificate signCert, GatewayOptions.UnionPay u, String where, String keyFrom) {
    if (!Crypto.pairs(UnionPaySignatures.ALGORITHM, signKey, signCert.getPublicKey())) {
      throw new ConfigException(where + ".signCertFile " + u.signCertFile() + " is the certificate of another key than " + keyFrom
          + " (or not an RSA key): UnionPay would refuse every request");
    }
  }

  /** Whether the secret of {@code envName} comes from the environment (set, and not blank) rather than its file. */
  private static boolean fromEnvironment(GatewayOptions options, String envName) {
    String v = envName == null ? null : options.env().get(envName);
    return v != null && !v.isBlank();
  }

  /** A secret from the environment variable if set, else from the file (relative to the key directory). */
  static String secret(GatewayOptions options, String file, String envName) {
    if (fromEnvironment(options, envName)) {
      return options.env().get(envName);
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
