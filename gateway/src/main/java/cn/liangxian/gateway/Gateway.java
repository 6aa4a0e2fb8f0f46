package cn.liangxian.gateway;

import cn.liangxian.gateway.books.PublishedBooks;
import cn.liangxian.gateway.channel.Channels;
import cn.liangxian.gateway.channel.Signing;
import cn.liangxian.gateway.channel.PaymentChannel;
import cn.liangxian.gateway.channel.ResidentLogins;
import cn.liangxian.gateway.channel.wechat.WechatPayMerchant;
import cn.liangxian.gateway.config.GatewayOptions;
import cn.liangxian.gateway.db.Announcements;
import cn.liangxian.gateway.db.Database;
import cn.liangxian.gateway.db.Leadership;
import cn.liangxian.gateway.demo.DemoAgency;
import cn.liangxian.gateway.demo.DemoChannels;
import cn.liangxian.gateway.handoff.ExchangeKeys;
import cn.liangxian.gateway.handoff.HandoffMetrics;
import cn.liangxian.gateway.handoff.HandoffSetup;
import cn.liangxian.gateway.handoff.Receiver;
import cn.liangxian.gateway.http.Admission;
import cn.liangxian.gateway.http.BodyBudget;
import cn.liangxian.gateway.http.HttpMetrics;
import cn.liangxian.gateway.http.HttpServerMeters;
import cn.liangxian.gateway.http.RateLimiter;
import cn.liangxian.gateway.kiosk.KioskKeys;
import cn.liangxian.gateway.logging.Logs;
import cn.liangxian.gateway.lookup.HouseholdAnswers;
import cn.liangxian.gateway.lookup.LookupMetrics;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.operator.OperatorAccounts;
import cn.liangxian.gateway.operator.PasswordHasher;
import cn.liangxian.gateway.order.OrderMetrics;
import cn.liangxian.gateway.order.OrderWatch;
import cn.liangxian.gateway.payment.PaymentMetrics;
import cn.liangxian.gateway.privacy.PersonalDataCipher;
import cn.liangxian.gateway.privacy.SharedKeys;
import cn.liangxian.gateway.progress.Targets;
import cn.liangxian.gateway.recovery.PayingGauges;
import cn.liangxian.gateway.roster.DemoRoster;
import cn.liangxian.gateway.roster.RosterImport;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import cn.liangxian.gateway.channel.wechat.PlatformCertificates;
import cn.liangxian.gateway.channel.wechat.WechatPayChannel;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: blocking set-up first (database, migrations, keys, demo roster), then Vert.x
 * with one {@link GatewayVerticle} per event loop, each wired from the same {@link ProcessParts}.
 * Used by {@link Main} and by the tests.
 */
public final class Gateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final GatewayOptions options;
  private final Database database;
  private final PersonalDataCipher cipher;
  /** The hand-off key, loaded (or made) once at start-up, before the check that the deployment shares it. */
  private ExchangeKeys exchangeKeys;
  private final PasswordHasher passwordHasher;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private Vertx vertx;
  private DemoChannels demo;
  private DemoAgency demoAgency;
  private Channels channels;
  private Signing signing;
  private OrderWatch orderWatch;
  private Announcements announcements;
  /** How long the announcements' connection may go without hearing this instance's heartbeat before it is taken for lost. */
  static final java.time.Duration ANNOUNCEMENTS_ANSWER_WITHIN = java.time.Duration.ofSeconds(10);
  private volatile int httpPort;
  private volatile List<String> routes = List.of();
  private final java.util.concurrent.atomic.AtomicBoolean draining = new java.util.concurrent.atomic.AtomicBoolean();
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  private Gateway(GatewayOptions options, Database database, PersonalDataCipher cipher) {
    this.options = options;
    this.passwordHasher = PasswordHasher.configured(options);
    String cheap = passwordHasher.belowOwaspWarning();
    if (cheap != null) {
      LOG.warn(cheap);
    }
    this.database = database;
    this.cipher = cipher;
  }

  /** Prepares the database (embedded unless configured otherwise) and starts serving. Blocking. */
  public static Gateway start(GatewayOptions options, Map<String, String> env, Clock clock) {
    Regions regions = Regions.load(options, clock);
    Database db = Database.start(options);
    try {
      return start(options, env, clock, regions, db);
    } catch (RuntimeException e) {
      db.close(); // a start that failed leaves no server of its own running
      throw e;
    }
  }

  /** As {@link #start(GatewayOptions, Map, Clock)} on a database the caller provides (tests). */
  public static Gateway start(GatewayOptions options, Map<String, String> env, Clock clock, Regions regions, Database db) {
    PersonalDataCipher cipher = PersonalDataCipher.load(options.keyDir(), env);
    // the regions as they stand at each import: a book published at run time counts from the next one
    RosterImport roster = new RosterImport(db, cipher, () -> RosterImport.regionInfo(regions));
    // a failover while this instance starts (no primary yet, a migration or the first queries cut off
    // with their connection) is waited out and the start made again from the beginning: each preparation
    // step is a transaction or idempotent, and nothing has been served yet
    return Database.waitingOut(java.time.Duration.ofSeconds(options.databaseStartWaitSeconds()), () -> {
      Gateway g = new Gateway(options, db, cipher);
      try {
        prepare(options, env, regions, db, g, roster);
        g.serve(clock, regions, roster);
        db.acquire(); // until close: an embedded server waits for this gateway's graceful stop before its own
        return g;
      } catch (RuntimeException e) {
        g.stopServing();
        throw e;
      }
    });
  }

  /** Migrations, shared keys, regions, published books, targets, the demo roster and the first account: in turn with other instances. */
  private static void prepare(GatewayOptions options, Map<String, String> env, Regions regions, Database db, Gateway g,
      RosterImport roster) {
    try (Database.StartupTurn turn = db.startupLock()) {
      g.exchangeKeys = prepare(turn, options, env, regions, g.cipher, g.passwordHasher, roster);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("start-up failed: " + e.getMessage(), e);
    }
  }

  /**
   * The preparation's steps, every one on {@code turn}'s connection (a demo roster's import aside: it runs on
   * connections of its own, once); answers the hand-off key of this instance.
   */
  static ExchangeKeys prepare(Database.StartupTurn turn, GatewayOptions options, Map<String, String> env, Regions regions,
      PersonalDataCipher cipher, PasswordHasher hasher, RosterImport roster) {
    Database on = turn.database();
    on.migrate();
    SharedKeys.check(on, cipher);
    ExchangeKeys exchangeKeys = ExchangeKeys.load(options.keyDir(), options.handoff().keyFile(), options.handoff().scheme());
    if (!options.handoff().receivers().isEmpty()) {
      // the agencies trust one key: checked where there are agencies to sign for and to hear from
      cn.liangxian.gateway.handoff.HandoffKeyCheck.check(on, exchangeKeys, env.get("GATEWAY_HANDOFF_KEY_REPLACES"));
    }
    roster.registerRegions(on);
    PublishedBooks.load(on, regions);
    Targets.Loaded targets = Targets.load(on, options.targetsDir());
    if (targets.rows() > 0) {
      LOG.info("loaded {} collection targets from {}", targets.rows(), options.targetsDir());
    }
    for (String kept : targets.keptRevised()) {
      LOG.warn("target {} (the file's figure is not applied: an administrator revised it through the API;"
          + " publish a table with POST /api/v1/operator/targets to change it)", kept);
    }
    if (options.demoRoster()) {
      DemoRoster.loadIfEmpty(on, roster);
    }
    new OperatorAccounts(on, hasher).bootstrap(options.keyDir(), env);
    return exchangeKeys;
  }

  private void serve(Clock clock, Regions regions, RosterImport roster) {
    HttpMetrics.histograms(registry);
    Logs.meters(registry);
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
        .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME));
    // Linux's epoll where asked for (http.nativeTransport) and Netty's native library loads; else Java NIO
    // a thread for each verticle asked for (http.eventLoops), where that is more than Vert.x's two a core
    vertx = Vertx.builder().with(new VertxOptions().setMetricsOptions(metrics).setPreferNativeTransport(options.nativeTransport())
            .setEventLoopPoolSize(Math.max(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE, options.eventLoops())))
        .withMetrics(new HttpServerMeters(new MicrometerMetricsFactory(registry), registry)).build();
    LOG.info("sockets through {}", vertx.isNativeTransportEnabled() ? "Linux's epoll (Netty's native transport)"
        : options.nativeTransport() ? "Java NIO (Netty's native transport unavailable: " + vertx.unavailableNativeTransportCause() + ")"
        : "Java NIO (http.nativeTransport false)");
    int instances = options.eventLoops();
    signing = Signing.create(vertx, options.signingWorkers(), registry);
    channels = channels(clock);
    channels.certificateGauges(registry);
    KioskKeys kioskKeys = new KioskKeys();
    Leadership leadership = new Leadership(vertx, database.connectOptions(options.pipeliningLimit()), registry,
        java.time.Duration.ofMillis(options.sweepMillis()));
    // one connection hears every announcement of the other instances: kiosk key changes, order states
    // named by the key this instance seals with (its tag): `gateway keys reseal` finds an instance still on another
    announcements = new Announcements(vertx, database.connectOptions(1).addProperty("application_name", cipher.sealingName()));
    kioskKeys.listen(announcements);
    PublishedBooks published = new PublishedBooks(vertx, database, regions, registry);
    published.listen(announcements);
    orderWatch = OrderWatch.start(announcements, options.maxOrderWaiters(), registry);
    await(announcements.connect().compose(x -> orderWatch.listening()));
    announcements.watch(ANNOUNCEMENTS_ANSWER_WITHIN, database.connectOptions(1));
    // what an order's age is measured against (OrdersStuckPaying): the configured time an order is paid within
    io.micrometer.core.instrument.Gauge.builder("liangxian_order_expiry_seconds", () -> options.orderExpiryMinutes() * 60)
        .description("the time an order may be paid within (orders.expiryMinutes)").register(registry);
    List<String> regionCodes = regions.all().stream().map(Regions.Entry::code).toList();
    ProcessParts parts = new ProcessParts(options, clock, regions, database, cipher, registry, limits(clock),
        new ProcessParts.Metrics(new LookupMetrics(registry),
        new OrderMetrics(registry, regionCodes), new PaymentMetrics(registry, regionCodes),
            new PayingGauges(registry, clock)),
        channels, passwordHasher, passwordHasher.unknownAccountHash(), roster, resource("/openapi.yaml"),
        Math.max(2, options.poolSize() / instances), served -> routes = List.copyOf(served),
        new ProcessParts.Deployment(kioskKeys, leadership, draining), orderWatch, residentLogins(clock),
        sandboxUrl().orElse(null), new HouseholdAnswers(options.cachedHouseholds(), registry),
        handoff(), published);
    // every loop's server shares one port; asked for port 0, they share one the system chose
    int port = options.httpPort() == 0 ? -1 : options.httpPort();
    java.util.concurrent.atomic.AtomicInteger numbers = new java.util.concurrent.atomic.AtomicInteger();
    await(vertx.deployVerticle(() -> new GatewayVerticle(parts, port, numbers.incrementAndGet(), this::listening),
        new DeploymentOptions().setInstances(instances)));
    LOG.info("gateway listening on port {} with {} event-loop verticles", httpPort, instances);
    LOG.info("this instance keeps at most {} connections to PostgreSQL (database.poolSize {}, lookupConnections {} a loop):"
        + " max_connections must cover every instance's", connectionsAtMost(options.poolSize(), options.lookupConnections(),
        instances), options.poolSize(), options.lookupConnections());
  }

  /** The receiving agencies of the configuration, or in the demo the agency simulator; the gateway's own hand-off key. */
  private HandoffSetup handoff() {
    ExchangeKeys keys = exchangeKeys;
    List<Receiver> receivers = HandoffSetup.configured(options);
    if (receivers.isEmpty() && options.sandbox()) {
      demoAgency = DemoAgency.start(Clock.systemUTC(), keys.publicKey(),
          options.regions().stream().map(GatewayOptions.RegionBook::code).toList(), HandoffSetup.folder(options));
      receivers = demoAgency.receivers();
    }
    if (receivers.isEmpty()) {
      LOG.warn("no receiving agency is configured (handoff.receivers): paid contributions wait in the outbox");
    }
    return new HandoffSetup(receivers, keys, cipher, Map.of("wechat", channels.wechat().mchid(), "alipay",
        channels.alipay().appId()), new HandoffMetrics(registry, receivers.stream().map(Receiver::name).toList()),
        options.handoff().batchSize(), options.handoff().fileRecords(),
        java.time.Duration.ofMillis(options.handoff().pushTimeoutMillis()),
        java.time.Duration.ofMinutes(options.handoff().refundDelayMinutes()));
  }

  /** Every loop's server must share one port, else requests would reach one loop only. */
  private synchronized void listening(int actualPort) {
    if (httpPort != 0 && httpPort != actualPort) {
      throw new IllegalStateException("event loops listen on different ports: " + httpPort + " and " + actualPort);
    }
    httpPort = actualPort;
  }

  private ProcessParts.Limits limits(Clock clock) {
    int logins = options.loginsPerMinutePerAddress();
    int residentLogins = options.residents().loginsPerMinutePerAddress();
    return new ProcessParts.Limits(new RateLimiter(options.lookupsPerMinute(), options.lookupBurst(), clock),
        new RateLimiter(options.lookupsPerMinutePerAddress(), options.lookupBurstPerAddress(), clock),
        new RateLimiter(logins, Math.max(1, logins / 2), clock),
        // a forger's posts are kept for audit up to this many per address and minute (this process's first filter; the
        // database's limit holds for every instance together): a flood fills no disk
        new RateLimiter(REFUSED_CALLBACKS_KEPT_PER_MINUTE, REFUSED_CALLBACKS_KEPT_PER_MINUTE, clock),
        new Admission(options.admission(), registry),
        new BodyBudget(options.bodiesInFlightBytes(), options.admission().retryAfterSeconds(), registry),
        new RateLimiter(options.anonymousLookupsPerMinute(), options.anonymousLookupBurst(), clock),
        new RateLimiter(residentLogins, Math.max(1, residentLogins / 2), clock));
  }

  static final int REFUSED_CALLBACKS_KEPT_PER_MINUTE = 30;

  /** The connections to PostgreSQL of the channels' own records (UnionPay's requests), shared by every loop. */
  static final int CHANNEL_CONNECTIONS = 4;

  /**
   * The most connections one instance keeps to PostgreSQL while it serves: each event loop's pool (at least two) and
   * its lookup connections, the sweep's lock, the announcements and their heartbeat, and the channels' records. A roster import or a book
   * read in progress takes one more for its time. PostgreSQL's {@code max_connections} must cover the sum over every
   * instance.
   */
  public static int connectionsAtMost(int poolSize, int lookupConnections, int loops) {
    return loops * (Math.max(2, poolSize / loops) + lookupConnections) + 1 + 1 + 1 + CHANNEL_CONNECTIONS;
  }

  private Channels channels(Clock clock) {
    // the channels' own records (UnionPay's requests), shared by every loop: a few connections suffice
    Pool channelPool = PgBuilder.pool().with(new PoolOptions().setMaxSize(CHANNEL_CONNECTIONS).setName("channels")
        .setIdleTimeout(GatewayVerticle.DB_IDLE_MINUTES).setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MINUTES))
        .connectingTo(database.connectOptions(1)).using(vertx).build();
    if (!options.sandbox()) {
      Channels real = Channels.real(vertx, options, clock, channelPool, signing);
      // certificate mode: one instance downloads, every instance reloads from the database each minute; a collecting
      // body's merchant in that mode has certificates of its own (WeChat Pay's keys are per merchant)
      if (options.wechat().certificates()) {
        PlatformCertificates.start(vertx, ((WechatPayChannel) real.byName().get("wechat")).client(), channelPool, clock, 60_000,
            registry);
      }
      for (int i = 0; i < options.merchants().size(); i++) {
        GatewayOptions.Wechat w = options.merchants().get(i).wechat();
        if (w != null && w.certificates()) {
          PlatformCertificates.start(vertx, ((WechatPayChannel) real.bodies().get(i).byName().get("wechat")).client(), channelPool,
              clock, 60_000, registry);
        }
      }
      LOG.info("payment channels: WeChat Pay merchant {} ({}), Alipay app {}, UnionPay merchant {}{}", real.wechat().mchid(),
          real.wechat().scheme(), real.alipay().appId(), real.unionpay() == null ? "none" : real.unionpay().client().merchant().merId(),
          real.bodies().isEmpty() ? "" : "; bodies " + real.bodies().stream().map(Channels.Body::name).toList());
      return real;
    }
    demo = DemoChannels.start(vertx, clock, signing, options.sandboxPort(), () -> "http://127.0.0.1:" + httpPort, channelPool,
        options.merchants());
    return demo.channels();
  }

  /** The mini-programs' logins: at the sandbox in demo mode, else at WeChat and Alipay. */
  private ResidentLogins residentLogins(Clock clock) {
    return demo != null ? demo.logins() : ResidentLogins.real(vertx, options, channels, clock);
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

  public GatewayOptions options() {
    return options;
  }

  public Database database() {
    return database;
  }

  public PersonalDataCipher cipher() {
    return cipher;
  }

  public PasswordHasher passwordHasher() {
    return passwordHasher;
  }

  /** The demo's channels and their sandbox (null when the real channels are configured). */
  public DemoChannels demo() {
    return demo;
  }

  /** The demo's agency simulator and its receivers (null when real receivers are configured). */
  public DemoAgency demoAgency() {
    return demoAgency;
  }

  /** Where the demo's channel sandbox answers (empty when the real channels are configured). */
  public Optional<String> sandboxUrl() {
    return Optional.ofNullable(demo).map(DemoChannels::sandboxUrl);
  }

  /** The payment channels by name ("wechat", "alipay"). */
  public Map<String, PaymentChannel> channels() {
    return channels.byName();
  }

  public WechatPayMerchant wechatMerchant() {
    return channels.wechat();
  }

  /** "METHOD /path" of every route the gateway serves (path parameters as {@code :name}). */
  public List<String> servedRoutes() {
    return routes;
  }

  /**
   * A stop the balancer can follow (SIGTERM): /health/ready answers 503 first, for {@code http.drainMillis},
   * so that HAProxy sends nothing new; then the server takes no new connections, finishes the requests in
   * flight (up to {@code http.shutdownGraceMillis}; held status requests are answered at once), and stops.
   */
  public void stopGracefully() {
    if (closed.get() || !draining.compareAndSet(false, true)) {
      return;
    }
    LOG.info("stopping: not ready for {} ms so that the balancer drains this instance, then finishing requests in flight",
        options.drainMillis());
    try {
      Thread.sleep(options.drainMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (orderWatch != null) {
      orderWatch.wakeAll();
    }
    close();
    LOG.info("stopped");
  }

  /** Whether a graceful stop has begun. */
  public boolean draining() {
    return draining.get();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stopServing();
    database.release(); // only a gateway that started is returned, to be closed: it acquired it
    database.close();
  }

  /** Everything the instance started but its database: Vert.x and its servers, the demo's sandbox and agency. */
  private void stopServing() {
    draining.set(true);
    if (announcements != null) {
      announcements.close(); // before Vert.x stops: else the subscriber would try to reconnect
    }
    if (vertx != null) {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(options.shutdownGraceMillis() + 30_000L, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.warn("Vert.x did not stop cleanly: {}", e.toString());
      }
    }
    if (demo != null) {
      demo.close();
    }
    if (demoAgency != null) {
      demoAgency.close();
    }
  }
}
