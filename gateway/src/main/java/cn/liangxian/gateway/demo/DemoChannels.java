package cn.liangxian.gateway.demo;

import cn.liangxian.channel.wechat.WechatPayScheme;
import cn.liangxian.gateway.channel.Channels;
import cn.liangxian.channel.unionpay.UnionPaySignatures;
import cn.liangxian.channel.unionpay.UnionPayTrust;
import cn.liangxian.gateway.channel.Signing;
import cn.liangxian.gateway.channel.ResidentLogins;
import cn.liangxian.gateway.channel.alipay.AlipayMerchant;
import cn.liangxian.gateway.channel.unionpay.UnionPayMerchant;
import cn.liangxian.gateway.channel.unionpay.UnionPayRequests;
import cn.liangxian.gateway.channel.wechat.PlatformKeys;
import cn.liangxian.gateway.channel.wechat.WechatPayMerchant;
import cn.liangxian.sandbox.ChannelSandbox;
import cn.liangxian.sandbox.DemoKeys;
import cn.liangxian.sandbox.DemoMerchant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Demo and tests: every payment channel answered by the channel sandbox, with a merchant account it
 * issues for this run. The sandbox runs on a Vert.x of its own, so none of its work lands on the
 * gateway's event loops (nor in its metrics). The one class of the gateway that knows the sandbox.
 */
public final class DemoChannels implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DemoChannels.class);

  private final Vertx sandboxVertx;
  private final ChannelSandbox sandbox;
  private final Channels channels;
  private final ResidentLogins logins;

  private DemoChannels(Vertx sandboxVertx, ChannelSandbox sandbox, Channels channels, ResidentLogins logins) {
    this.sandboxVertx = sandboxVertx;
    this.sandbox = sandbox;
    this.channels = channels;
    this.logins = logins;
  }

  /**
   * Starts the sandbox on {@code sandboxPort} (0: any free port) and the gateway's adapters that call it,
   * on the gateway's {@code vertx}; the channels call back the gateway at {@code gatewayBaseUrl}. Blocking.
   */
  public static DemoChannels start(Vertx vertx, Clock clock, Signing signing, int sandboxPort, Supplier<String> gatewayBaseUrl,
      Pool pool) {
    return start(vertx, clock, signing, sandboxPort, gatewayBaseUrl, pool, java.util.List.of());
  }

  /**
   * As above, with the configured collecting bodies' merchants too: the sandbox issues each an account of
   * its own under the configured ids (their key files are not read: the keys are made for this run).
   */
  public static DemoChannels start(Vertx vertx, Clock clock, Signing signing, int sandboxPort, Supplier<String> gatewayBaseUrl,
      Pool pool, java.util.List<cn.liangxian.gateway.config.GatewayOptions.Merchant> bodies) {
    Vertx sandboxVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    // its one loop named apart, so that a profile or the load test's CPU by thread counts the channels' work apart
    sandboxVertx.runOnContext(x -> Thread.currentThread().setName("sandbox-eventloop"));
    ChannelSandbox sandbox = new ChannelSandbox(sandboxVertx, clock);
    DemoMerchant account = DemoMerchant.issue(sandbox);
    int port;
    try {
      port = await(sandbox.listen(sandboxPort));
    } catch (RuntimeException e) {
      sandboxVertx.close();
      throw e;
    }
    LOG.warn("payment channels are the SANDBOX on port {} with demo keys made for this run: no real money moves", port);
    WechatPayMerchant wechat = new WechatPayMerchant(DemoMerchant.MCHID, DemoMerchant.WECHAT_APP_ID, "DEMO-MERCHANT-SERIAL",
        account.merchantKey(), account.apiV3Key(), WechatPayScheme.RSA,
        new PlatformKeys().put(sandbox.wechatSerial(), sandbox.wechatPlatformKey(WechatPayScheme.RSA)));
    AlipayMerchant alipay = new AlipayMerchant(DemoMerchant.ALIPAY_APP_ID, account.appKey(), sandbox.alipayPublicKey(),
        cn.liangxian.sandbox.alipay.AlipayApp.sellerOf(DemoMerchant.ALIPAY_APP_ID));
    java.security.cert.X509Certificate unionPayCert = account.unionPayCertificate(sandbox);
    UnionPayMerchant unionpay = new UnionPayMerchant(DemoMerchant.UNIONPAY_MER_ID,
        UnionPaySignatures.certId(unionPayCert), unionPayCert.getNotAfter().toInstant(), account.unionPayKey(),
        new UnionPayTrust(sandbox.unionPayRoot(), sandbox.unionPayMiddle()));
    Channels channels = Channels.of(vertx, clock, signing, wechat, sandbox.baseUrl(), alipay, sandbox.baseUrl() + "/gateway.do",
        new Channels.UnionPaySetup(unionpay, sandbox.baseUrl(), sandbox.baseUrl() + "/unionpay/file", new UnionPayRequests(pool)),
        gatewayBaseUrl).withBodies(bodies.stream().map(b -> body(vertx, clock, signing, sandbox, account, b, gatewayBaseUrl, pool))
            .toList());
    ResidentLogins logins = ResidentLogins.of(vertx, clock, signing, sandbox.baseUrl(), DemoMerchant.WECHAT_APP_ID,
        account.miniProgramSecret(), alipay, sandbox.baseUrl() + "/gateway.do");
    return new DemoChannels(sandboxVertx, sandbox, channels, logins);
  }

  /** What the phone demo page needs: where the sandbox is, and the demo merchant's mini-program and Alipay app. */
  public static io.vertx.core.json.JsonObject pageSettings(String sandboxUrl) {
    return new io.vertx.core.json.JsonObject().put("sandboxUrl", sandboxUrl).put("wechatAppId", DemoMerchant.WECHAT_APP_ID)
        .put("alipayAppId", DemoMerchant.ALIPAY_APP_ID);
  }

  private static Channels.Body body(Vertx vertx, Clock clock, Signing signing, ChannelSandbox sandbox, DemoMerchant account,
      cn.liangxian.gateway.config.GatewayOptions.Merchant b, Supplier<String> gatewayBaseUrl, Pool pool) {
    WechatPayMerchant wechat = null;
    if (b.wechat() != null && b.wechat().subMchid() != null) {
      // as a service provider: the demo's own merchant collects for the body's sub-merchant
      wechat = new WechatPayMerchant(DemoMerchant.MCHID, DemoMerchant.WECHAT_APP_ID, "DEMO-MERCHANT-SERIAL", account.merchantKey(),
          account.apiV3Key(), WechatPayScheme.RSA, new PlatformKeys().put(sandbox.wechatSerial(),
          sandbox.wechatPlatformKey(WechatPayScheme.RSA)), b.wechat().subMchid());
    } else if (b.wechat() != null) {
      java.security.KeyPair key = DemoKeys.rsa("body-wechat-" + b.wechat().mchid());
      byte[] apiV3 = new byte[32];
      new java.security.SecureRandom().nextBytes(apiV3);
      for (int i = 0; i < apiV3.length; i++) {
        apiV3[i] = (byte) ('a' + Math.floorMod(apiV3[i], 26));
      }
      sandbox.registerWechat(new cn.liangxian.sandbox.wechat.WechatMerchant(b.wechat().mchid(), b.wechat().appId(), key.getPublic(),
          apiV3.clone(), WechatPayScheme.RSA));
      wechat = new WechatPayMerchant(b.wechat().mchid(), b.wechat().appId(), "DEMO-" + b.name().toUpperCase() + "-SERIAL",
          key.getPrivate(), apiV3, WechatPayScheme.RSA,
          new PlatformKeys().put(sandbox.wechatSerial(), sandbox.wechatPlatformKey(WechatPayScheme.RSA)));
    }
    AlipayMerchant alipay = null;
    if (b.alipay() != null && b.alipay().authAppId() != null) {
      // as an ISV: the demo's own app calls for the body's app, which authorized it
      String authAppId = b.alipay().authAppId();
      String seller = b.alipay().sellerId() != null ? b.alipay().sellerId() : cn.liangxian.sandbox.alipay.AlipayApp.sellerOf(authAppId);
      alipay = new AlipayMerchant(DemoMerchant.ALIPAY_APP_ID, account.appKey(), sandbox.alipayPublicKey(), seller, authAppId,
          sandbox.authorizeAlipay(DemoMerchant.ALIPAY_APP_ID, authAppId, seller));
    } else if (b.alipay() != null) {
      java.security.KeyPair key = DemoKeys.rsa("body-alipay-" + b.alipay().appId());
      String seller = b.alipay().sellerId() != null ? b.alipay().sellerId()
          : cn.liangxian.sandbox.alipay.AlipayApp.sellerOf(b.alipay().appId());
      sandbox.registerAlipay(new cn.liangxian.sandbox.alipay.AlipayApp(b.alipay().appId(), key.getPublic(), seller));
      alipay = new AlipayMerchant(b.alipay().appId(), key.getPrivate(), sandbox.alipayPublicKey(), seller);
    }
    Channels.UnionPaySetup unionpay = null;
    if (b.unionpay() != null) {
      java.security.KeyPair key = DemoKeys.rsa("body-unionpay-" + b.unionpay().merId());
      String merId = b.unionpay().merId();
      // a serial number of its own for the body's signing certificate: its certId
      String certId = Long.toString(69_000_000_000L + Math.floorMod(merId.hashCode(), 1_000_000_000L));
      sandbox.registerUnionPay(new cn.liangxian.sandbox.unionpay.UnionPayMerchant(merId, certId, key.getPublic()));
      java.security.cert.X509Certificate cert = sandbox.unionPayPlatform().merchantCertificate(merId, key.getPublic(), certId);
      unionpay = new Channels.UnionPaySetup(new UnionPayMerchant(merId, UnionPaySignatures.certId(cert), cert.getNotAfter().toInstant(),
          key.getPrivate(), new UnionPayTrust(sandbox.unionPayRoot(), sandbox.unionPayMiddle())), sandbox.baseUrl(), sandbox.baseUrl() + "/unionpay/file",
          new UnionPayRequests(pool));
    }
    LOG.info("collecting body {} (regions {}) pays into its own sandbox merchant(s)", b.name(), b.regions());
    return Channels.body(vertx, clock, signing, b.name(), b.regions(), wechat, sandbox.baseUrl(), alipay,
        sandbox.baseUrl() + "/gateway.do", unionpay, gatewayBaseUrl);
  }


  /** The sandbox itself: the tests' door to paying, faults, notifications and the ledger. */
  public ChannelSandbox sandbox() {
    return sandbox;
  }

  /** Where the sandbox listens, for the start-up banner: its pay pages are what the QR codes open. */
  public String sandboxUrl() {
    return sandbox.baseUrl();
  }

  public Channels channels() {
    return channels;
  }

  /** The mini-programs' logins, answered by the sandbox's {@code jscode2session} and {@code alipay.system.oauth.token}. */
  public ResidentLogins logins() {
    return logins;
  }

  /** Stops the sandbox with its Vert.x. */
  @Override
  public void close() {
    try {
      await(sandboxVertx.close());
    } catch (IllegalStateException e) {
      LOG.warn("the channel sandbox did not stop cleanly: {}", e.getCause().toString());
    }
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("start-up failed: " + e.getMessage(), e);
    }
  }
}
