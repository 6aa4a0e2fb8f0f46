package cn.liangxian.gateway;

import cn.liangxian.channel.wechat.WechatPayScheme;
import cn.liangxian.gateway.channel.PaymentChannel;
import cn.liangxian.gateway.channel.alipay.AlipayChannel;
import cn.liangxian.gateway.channel.alipay.AlipayClient;
import cn.liangxian.gateway.channel.alipay.AlipayMerchant;
import cn.liangxian.gateway.channel.wechat.PlatformKeys;
import cn.liangxian.gateway.channel.wechat.WechatPayChannel;
import cn.liangxian.gateway.channel.wechat.WechatPayClient;
import cn.liangxian.gateway.channel.wechat.WechatPayMerchant;
import cn.liangxian.gateway.db.Database;
import cn.liangxian.gateway.demo.DemoChannels;
import cn.liangxian.gateway.http.RateLimiter;
import cn.liangxian.gateway.lookup.LookupMetrics;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.operator.OperatorAccounts;
import cn.liangxian.gateway.operator.PasswordHasher;
import cn.liangxian.gateway.order.OrderMetrics;
import cn.liangxian.gateway.privacy.PersonalDataCipher;
import cn.liangxian.gateway.roster.DemoRoster;
import cn.liangxian.gateway.roster.RosterImport;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: blocking set-up first (database, migrations, keys, demo roster), then Vert.x
 * with one {@link GatewayVerticle} per event loop. Used by {@link Main} and by the tests.
 */
public final class Gateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final GatewayConfig config;
  private final Clock clock;
  private final Regions regions;
  private final Database database;
  private final PersonalDataCipher cipher;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final RateLimiter rateLimiter;
  private final RateLimiter addressLimiter;
  private final RateLimiter loginLimiter;
  private final LookupMetrics lookupMetrics;
  private final OrderMetrics orderMetrics;
  private final String openApi;
  private final RosterImport rosterImport;
  private final PasswordHasher passwordHasher = new PasswordHasher();
  private final String dummyPasswordHash = passwordHasher.hash(java.util.UUID.randomUUID().toString());
  private Vertx vertx;
  private DemoChannels demo;
  private Map<String, PaymentChannel> channels;
  private WechatPayMerchant wechatMerchant;
  private AlipayMerchant alipayMerchant;
  private int httpPort;
  private int instances;

  private Gateway(GatewayConfig config, Clock clock, Database database, PersonalDataCipher cipher, Regions regions,
      RosterImport rosterImport) {
    this.config = config;
    this.rosterImport = rosterImport;
    this.clock = clock;
    this.database = database;
    this.cipher = cipher;
    this.regions = regions;
    this.rateLimiter = new RateLimiter(config.lookupsPerMinute(), config.lookupBurst(), clock);
    this.addressLimiter = new RateLimiter(config.lookupsPerMinutePerAddress(), config.lookupBurstPerAddress(), clock);
    this.loginLimiter = new RateLimiter(config.loginsPerMinutePerAddress(), Math.max(1, config.loginsPerMinutePerAddress() / 2), clock);
    this.lookupMetrics = new LookupMetrics(registry);
    this.orderMetrics = new OrderMetrics(registry);
    this.openApi = resource("/openapi.yaml");
  }

  /** Prepares the database (embedded unless configured otherwise) and starts serving. Blocking. */
  public static Gateway start(GatewayConfig config, Map<String, String> env, Clock clock) {
    Regions regions = Regions.load(config, clock);
    Database db = Database.start(config);
    return start(config, env, clock, regions, db);
  }

  /** As {@link #start(GatewayConfig, Map, Clock)} on a database the caller provides (tests). */
  public static Gateway start(GatewayConfig config, Map<String, String> env, Clock clock, Regions regions, Database db) {
    db.migrate();
    PersonalDataCipher cipher = PersonalDataCipher.load(config.keyDir(), env);
    RosterImport roster = new RosterImport(db, cipher, regions.rosterInfo());
    roster.registerRegions();
    int targets = cn.liangxian.gateway.progress.Targets.load(db, config.targetsDir());
    if (targets > 0) {
      LOG.info("loaded {} collection targets from {}", targets, config.targetsDir());
    }
    if (config.demoRoster()) {
      DemoRoster.loadIfEmpty(db, roster);
    }
    new OperatorAccounts(db, new PasswordHasher()).bootstrap(config.keyDir(), env);
    Gateway g = new Gateway(config, clock, db, cipher, regions, roster);
    g.serve();
    return g;
  }

  private final java.util.concurrent.atomic.AtomicLong ordersPaying = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong oldestPayingSeconds = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong kiosksUp = new java.util.concurrent.atomic.AtomicLong();

  /** What the sweeper saw: orders still paying, the age of the oldest, kiosks heard from lately. */
  public void observe(long paying, long oldestSeconds, long kiosks) {
    ordersPaying.set(paying);
    oldestPayingSeconds.set(oldestSeconds);
    kiosksUp.set(kiosks);
  }

  private void registerGauges() {
    io.micrometer.core.instrument.Gauge.builder("liangxian_orders_paying", ordersPaying, java.util.concurrent.atomic.AtomicLong::get)
        .description("orders waiting for their payment").register(registry);
    io.micrometer.core.instrument.Gauge.builder("liangxian_orders_paying_oldest_seconds", oldestPayingSeconds,
        java.util.concurrent.atomic.AtomicLong::get).description("age of the oldest order still paying").register(registry);
    io.micrometer.core.instrument.Gauge.builder("liangxian_kiosks_up", kiosksUp, java.util.concurrent.atomic.AtomicLong::get)
        .description("kiosks heard from in the last 90 seconds").register(registry);
    // latency histograms for the dashboards' p50/p95/p99 (per route: low cardinality)
    registry.config().meterFilter(new io.micrometer.core.instrument.config.MeterFilter() {
      @Override
      public io.micrometer.core.instrument.distribution.DistributionStatisticConfig configure(
          io.micrometer.core.instrument.Meter.Id id, io.micrometer.core.instrument.distribution.DistributionStatisticConfig config) {
        if (id.getName().equals("vertx.http.server.response.time")) {
          return io.micrometer.core.instrument.distribution.DistributionStatisticConfig.builder().percentilesHistogram(true)
              .minimumExpectedValue(1e6).maximumExpectedValue(3e10).build().merge(config);
        }
        return config;
      }
    });
  }

  private void serve() {
    registerGauges();
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
        .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME));
    vertx = Vertx.builder().with(new VertxOptions().setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory(registry)).build();
    httpPort = config.httpPort() == 0 ? freePort() : config.httpPort();
    if (config.sandbox()) {
      demo = DemoChannels.start(vertx, clock, config.sandboxPort(), httpPort);
      channels = demo.channels();
      wechatMerchant = demo.wechatMerchant();
      alipayMerchant = demo.alipayMerchant();
    } else {
      realChannels();
    }
    instances = Math.max(1, Runtime.getRuntime().availableProcessors());
    await(vertx.deployVerticle(() -> new GatewayVerticle(this), new DeploymentOptions().setInstances(instances)));
    LOG.info("gateway listening on port {} with {} event-loop verticles", httpPort, instances);
  }

  /** The real channels, from config/gateway.yaml's channels section and key files (or the environment). */
  private void realChannels() {
    io.vertx.core.json.JsonObject w = config.channel("wechat");
    io.vertx.core.json.JsonObject a = config.channel("alipay");
    WebClient http = WebClient.create(vertx);
    String callbacks = config.publicBaseUrl() + "/api/v1/callbacks/";
    channels = new LinkedHashMap<>();
    PlatformKeys platform = new PlatformKeys();
    for (Object o : w.getJsonArray("platformKeys", new io.vertx.core.json.JsonArray())) {
      io.vertx.core.json.JsonObject k = (io.vertx.core.json.JsonObject) o;
      platform.put(k.getString("serial"), cn.liangxian.channel.Pem.publicKey(secret(k.getString("file"), null)));
    }
    wechatMerchant = new WechatPayMerchant(w.getString("mchid"), w.getString("appId"), w.getString("merchantSerial"),
        cn.liangxian.channel.Pem.privateKey(secret(w.getString("merchantKeyFile"), "GATEWAY_WECHAT_MERCHANT_KEY")),
        secret(w.getString("apiV3KeyFile"), "GATEWAY_WECHAT_APIV3_KEY").strip().getBytes(StandardCharsets.US_ASCII),
        WechatPayScheme.valueOf(w.getString("scheme", "RSA")), platform);
    channels.put("wechat", new WechatPayChannel(new WechatPayClient(http, w.getString("baseUrl", "https://api.mch.weixin.qq.com"),
        wechatMerchant, clock), callbacks + "wechatpay"));
    alipayMerchant = new AlipayMerchant(a.getString("appId"),
        cn.liangxian.channel.Pem.privateKey(secret(a.getString("appKeyFile"), "GATEWAY_ALIPAY_APP_KEY")),
        cn.liangxian.channel.Pem.publicKey(secret(a.getString("alipayPublicKeyFile"), "GATEWAY_ALIPAY_PUBLIC_KEY")));
    channels.put("alipay", new AlipayChannel(new AlipayClient(http, a.getString("gatewayUrl", "https://openapi.alipay.com/gateway.do"),
        alipayMerchant, clock), callbacks + "alipay"));
    LOG.info("payment channels: WeChat Pay merchant {} ({}), Alipay app {}", wechatMerchant.mchid(), wechatMerchant.scheme(),
        alipayMerchant.appId());
  }

  /** A secret from the environment variable if set, else from the file (relative to the key directory). */
  private String secret(String file, String envName) {
    String v = envName == null ? null : config.env().get(envName);
    if (v != null && !v.isBlank()) {
      return v;
    }
    if (file == null || file.isBlank()) {
      throw new IllegalStateException("channel secret missing: set " + envName + " or name its file in config/gateway.yaml");
    }
    java.nio.file.Path p = config.keyDir().resolve(file);
    try {
      return java.nio.file.Files.readString(p);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read channel secret " + p + ": " + e.getMessage());
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = Gateway.class.getResourceAsStream(name)) {
      return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("start-up failed: " + e.getMessage(), e);
    }
  }

  public int httpPort() {
    return httpPort;
  }

  public GatewayConfig config() {
    return config;
  }

  public Clock clock() {
    return clock;
  }

  public Regions regions() {
    return regions;
  }

  public Database database() {
    return database;
  }

  public PersonalDataCipher cipher() {
    return cipher;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public RateLimiter rateLimiter() {
    return rateLimiter;
  }

  public RateLimiter loginLimiter() {
    return loginLimiter;
  }

  public RateLimiter addressLimiter() {
    return addressLimiter;
  }

  LookupMetrics lookupMetrics() {
    return lookupMetrics;
  }

  OrderMetrics orderMetrics() {
    return orderMetrics;
  }

  public Map<String, PaymentChannel> channels() {
    return channels;
  }

  public WechatPayMerchant wechatMerchant() {
    return wechatMerchant;
  }

  public AlipayMerchant alipayMerchant() {
    return alipayMerchant;
  }

  public RosterImport rosterImport() {
    return rosterImport;
  }

  public PasswordHasher passwordHasher() {
    return passwordHasher;
  }

  /** A hash of nothing anyone knows: logins with unknown names verify against it, so they take as long as others. */
  public String dummyPasswordHash() {
    return dummyPasswordHash;
  }

  /** The demo's channels and their sandbox; null when the gateway talks to the real channels. */
  public DemoChannels demo() {
    return demo;
  }

  public Vertx vertx() {
    return vertx;
  }

  String openApi() {
    return openApi;
  }

  private volatile java.util.List<String> routes = java.util.List.of();

  void recordRoutes(java.util.List<String> served) {
    routes = java.util.List.copyOf(served);
  }

  /** "METHOD /path" of every route the gateway serves (path parameters as {@code :name}). */
  public java.util.List<String> servedRoutes() {
    return routes;
  }

  private final java.util.concurrent.atomic.AtomicInteger pools = new java.util.concurrent.atomic.AtomicInteger();

  int nextPoolNumber() {
    return pools.incrementAndGet();
  }

  int poolSizePerVerticle() {
    return Math.max(2, config.poolSize() / Math.max(1, instances));
  }

  @Override
  public void close() {
    if (vertx != null) {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("Vert.x did not stop cleanly: {}", e.toString());
      }
    }
    if (demo != null) {
      demo.close();
    }
    database.close();
  }
}
