package cn.liangxian.gateway.config;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's options, the Vert.x way: a plain data object read once at start-up from
 * {@code config/gateway.yaml} (or {@code GATEWAY_CONFIG}) with environment overrides, and validated
 * there. An unknown key, a value of the wrong type, a mistyped boolean or choice, or an unknown
 * {@code GATEWAY_*} variable stops the start with one line naming the file, the key and what is accepted.
 */
public final class GatewayOptions {
  /** One region: its code, its book file, and the pinned pay date if any. */
  /** A region and the books of its configuration (several when more than one benefit year is live at once). */
  public record RegionBook(String code, List<String> books, LocalDate payDate) {
    public RegionBook {
      books = List.copyOf(books);
    }

    /** The first book. */
    public String book() {
      return books.get(0);
    }
  }

  /** A WeChat Pay platform public key (several while one rotates). */
  public record PlatformKeyFile(String serial, String file) {}

  /** The real WeChat Pay merchant (used when the sandbox is off); key material lives in files or the environment. */
  public record Wechat(String baseUrl, String mchid, String appId, String scheme, String merchantSerial, String merchantKeyFile,
      String apiV3KeyFile, List<PlatformKeyFile> platformKeys, String keyMode, String subMchid, String merchantCertificateFile) {
    /** The merchant paid into: the sub-merchant when mchid is a service provider's (服务商). */
    public String id() {
      return subMchid != null ? subMchid : mchid;
    }

    /** Platform certificates downloaded from {@code /v3/certificates} (rather than the WeChat Pay public key). */
    public boolean certificates() {
      return "certificates".equals(keyMode);
    }
  }

  /** The real Alipay app (used when the sandbox is off); {@code sellerId} the merchant's PID it collects for, if checked. */
  public record Alipay(String gatewayUrl, String appId, String appKeyFile, String alipayPublicKeyFile, String sellerId,
      String authAppId, String appAuthTokenFile) {
    /** The merchant's own app: the authorizing one when the app above is an ISV's calling for it. */
    public String id() {
      return authAppId != null ? authAppId : appId;
    }
  }

  /**
   * A collecting body with accounts of its own (a county's tax bureau or medical-insurance fund): orders of
   * its regions are paid into its WeChat Pay merchant and Alipay app; a channel it leaves out is paid into
   * the default merchant of {@code channels}.
   */
  public record Merchant(String name, List<String> regions, Wechat wechat, Alipay alipay, UnionPay unionpay) {}

  /** The real UnionPay merchant (used when the sandbox is off; none when {@code merId} is empty). */
  public record UnionPay(String gatewayUrl, String fileUrl, String merId, String signKeyFile, String signCertFile,
      String rootCertFile, String middleCertFile) {}

  private final Map<String, String> env;
  private final String source;
  private final Map<String, Object> root;
  private int httpPort;
  private String httpHost;
  private int maxBodyBytes;
  private int drainMillis;
  private boolean behindProxy;
  private TrustedProxies trustedProxies;
  private int shutdownGraceMillis;
  private long bodiesInFlightBytes;
  private int idleTimeoutMillis;
  private int requestReadTimeoutMillis;
  private String publicBaseUrl;
  private Path dataDir;
  private int poolSize;
  private int pipeliningLimit;
  private boolean nativeTransport;
  private int eventLoops;
  private int lookupConnections;
  private boolean databaseDurable;
  private int databaseStartWaitSeconds;
  private String keyDir;
  private Path policyDir;
  private Path targetsDir;
  private List<RegionBook> regions;
  private int orderExpiryMinutes;
  private int sweepMillis;
  private int maxOrderWaiters;
  private int progressMetricsMillis;
  private int progressMetricsBudgetPercent;
  private int maxRosterBytes;
  private int loginsPerMinutePerAddress;
  private int passwordMemoryKiB;
  private int passwordIterations;
  private int lookupsPerMinute;
  private int lookupBurst;
  private int lookupsPerMinutePerAddress;
  private int lookupBurstPerAddress;
  private int cachedHouseholds;
  private int signingWorkers;
  private AdmissionLimits admission;
  private ResidentOptions residents;
  private int anonymousLookupsPerMinute;
  private int anonymousLookupBurst;
  private Wechat wechat;
  private Alipay alipay;
  private UnionPay unionpay;
  private List<Merchant> merchants;
  private boolean demoRoster;
  private boolean sandbox;
  private int sandboxPort;
  private HandoffOptions handoff;
  private ReconciliationOptions reconciliation;

  private GatewayOptions(String source, Map<String, Object> root, Map<String, String> env) {
    this.source = source;
    this.root = root;
    this.env = Map.copyOf(env);
    Settings s = new Settings(source, root, env);
    http(s.section("http"));
    database(s.section("database"));
    Settings keys = s.section("keys");
    keyDir = keys.string("dir", "GATEWAY_KEY_DIR", "");
    Settings policies = s.section("policies");
    policyDir = Path.of(policies.string("dir", "GATEWAY_POLICY_DIR", "config/policies"));
    Settings targets = s.section("targets");
    targetsDir = Path.of(targets.string("dir", "GATEWAY_TARGETS_DIR", "config/targets"));
    regions = s.sections("regions").stream().map(GatewayOptions::region).toList();
    orders(s.section("orders"));
    operator(s.section("operator"));
    rateLimit(s.section("rateLimit"));
    Settings lookup = s.section("lookup");
    cachedHouseholds = lookup.integer("cachedHouseholds", "GATEWAY_LOOKUP_CACHED_HOUSEHOLDS", 50_000, 0, 10_000_000);
    admission = AdmissionLimits.read(s.section("admission"));
    residents = ResidentOptions.read(s.section("residents"));
    channels(s.section("channels"));
    demo(s.section("demo"));
    handoff = HandoffOptions.read(s.section("handoff"));
    reconciliation = ReconciliationOptions.read(s.section("reconciliation"));
    if (!sandbox) {
      ChannelSections.requireMerchants(source, wechat, alipay);
    }
    ChannelSections.checkMerchants(source, merchants, regions.stream().map(RegionBook::code).toList(), wechat, alipay,
        unionpay, sandbox);
    for (Settings done : List.of(keys, policies, targets, lookup)) {
      done.done();
    }
    s.done();
    OptionsSource.refuseUnknownVariables(env, s.variablesRead());
    databaseUrl(); // checked now, before anything starts
  }

  private void http(Settings h) {
    httpPort = h.integer("port", "GATEWAY_PORT", 8080, 0, 65535);
    httpHost = h.string("host", "GATEWAY_HOST", "0.0.0.0");
    maxBodyBytes = h.integer("maxBodyBytes", "GATEWAY_MAX_BODY_BYTES", 65536, 1024, Integer.MAX_VALUE);
    bodiesInFlightBytes = h.integer("bodiesInFlightMiB", "GATEWAY_BODIES_IN_FLIGHT_MIB", 160, 1, 1 << 20) * 1024L * 1024;
    idleTimeoutMillis = h.integer("idleTimeoutMillis", "GATEWAY_IDLE_TIMEOUT_MILLIS", 60_000, 1, 86_400_000);
    requestReadTimeoutMillis = h.integer("requestReadTimeoutMillis", "GATEWAY_REQUEST_READ_TIMEOUT_MILLIS", 30_000, 1, 86_400_000);
    publicBaseUrl = h.string("publicBaseUrl", "GATEWAY_PUBLIC_URL", null);
    behindProxy = h.bool("behindProxy", "GATEWAY_BEHIND_PROXY", false);
    String proxies = h.string("trustedProxies", "GATEWAY_TRUSTED_PROXIES", "");
    try {
      trustedProxies = TrustedProxies.parse(proxies);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("http.trustedProxies (GATEWAY_TRUSTED_PROXIES): " + e.getMessage());
    }
    if (behindProxy && trustedProxies.isEmpty()) {
      // believed from every peer, any host of the network could pass itself off as any resident to the limits
      throw new ConfigException("http.behindProxy (GATEWAY_BEHIND_PROXY) needs http.trustedProxies (GATEWAY_TRUSTED_PROXIES):"
          + " the balancers' addresses whose X-Forwarded-For is believed, e.g. 10.0.1.10 or 10.0.1.0/28");
    }
    drainMillis = h.integer("drainMillis", "GATEWAY_DRAIN_MILLIS", 3000, 0, 600_000);
    shutdownGraceMillis = h.integer("shutdownGraceMillis", "GATEWAY_SHUTDOWN_GRACE_MILLIS", 25_000, 0, 600_000);
    nativeTransport = h.bool("nativeTransport", "GATEWAY_NATIVE_TRANSPORT", false);
    eventLoops = h.integer("eventLoops", "GATEWAY_EVENT_LOOPS", 0, 0, 256);
    h.done();
  }

  private void database(Settings d) {
    dataDir = Path.of(d.string("dataDir", "GATEWAY_DATA_DIR", "./data"));
    poolSize = d.integer("poolSize", "GATEWAY_DB_POOL_SIZE", 8, 1, 1000);
    pipeliningLimit = d.integer("pipeliningLimit", "GATEWAY_DB_PIPELINING", 256, 1, 65536);
    lookupConnections = d.integer("lookupConnections", "GATEWAY_DB_LOOKUP_CONNECTIONS", 2, 0, 64);
    databaseDurable = d.bool("durable", "GATEWAY_DB_DURABLE", true);
    databaseStartWaitSeconds = d.integer("startWaitSeconds", "GATEWAY_DB_START_WAIT_SECONDS", 120, 0, 3600);
    d.done();
  }

  private static RegionBook region(Settings r) {
    String code = r.required("code");
    List<String> books = r.strings("books");
    String one = r.string("book", null, null);
    if (one != null && !books.isEmpty()) {
      throw new ConfigException(r.where("book") + " and books both given for region " + code + ": use one of them");
    }
    if (one == null && books.isEmpty()) {
      throw new ConfigException(r.where("book") + " is required for region " + code + " (or books: a list)");
    }
    RegionBook b = new RegionBook(code, one != null ? List.of(one) : books, r.date("payDate", null));
    r.done();
    return b;
  }

  private void orders(Settings o) {
    orderExpiryMinutes = o.integer("expiryMinutes", "GATEWAY_ORDER_EXPIRY_MINUTES", 15, 1, 24 * 60);
    sweepMillis = o.integer("sweepMillis", "GATEWAY_SWEEP_MILLIS", 5000, 10, 3_600_000);
    maxOrderWaiters = o.integer("maxWaiters", "GATEWAY_ORDER_MAX_WAITERS", 10_000, 0, 10_000_000);
    progressMetricsMillis = o.integer("progressMetricsMillis", "GATEWAY_PROGRESS_METRICS_MILLIS", 60_000, 10, 86_400_000);
    progressMetricsBudgetPercent = o.integer("progressMetricsBudgetPercent", "GATEWAY_PROGRESS_METRICS_BUDGET_PERCENT", 5, 1, 100);
    o.done();
  }

  private void operator(Settings o) {
    maxRosterBytes = o.integer("maxRosterBytes", "GATEWAY_MAX_ROSTER_BYTES", 64 * 1024 * 1024, 1024, Integer.MAX_VALUE);
    loginsPerMinutePerAddress = o.integer("loginsPerMinutePerAddress", "GATEWAY_LOGINS_PER_MINUTE_PER_ADDRESS", 20, 1, Integer.MAX_VALUE);
    // OWASP's minimum for Argon2id by default (PasswordHasher.OWASP_MEMORY_KIB, OWASP_ITERATIONS); at most the 2 GiB and
    // 64 passes a stored hash may name and still be verified (PasswordHasher.MAX_MEMORY_KIB): a password hashed beyond
    // them could never log in
    passwordMemoryKiB = o.integer("passwordMemoryKiB", "GATEWAY_OPERATOR_PASSWORD_MEMORY_KIB", 19_456, 8, 2 * 1024 * 1024);
    passwordIterations = o.integer("passwordIterations", "GATEWAY_OPERATOR_PASSWORD_ITERATIONS", 2, 1, 64);
    o.done();
  }

  private void rateLimit(Settings r) {
    lookupsPerMinute = r.integer("lookupsPerMinute", "GATEWAY_LOOKUPS_PER_MINUTE", 30, 1, Integer.MAX_VALUE);
    lookupBurst = r.integer("burst", "GATEWAY_LOOKUP_BURST", 10, 1, Integer.MAX_VALUE);
    lookupsPerMinutePerAddress = r.integer("perAddressPerMinute", "GATEWAY_LOOKUPS_PER_MINUTE_PER_ADDRESS", 600, 1, Integer.MAX_VALUE);
    lookupBurstPerAddress = r.integer("perAddressBurst", "GATEWAY_LOOKUP_BURST_PER_ADDRESS", 100, 1, Integer.MAX_VALUE);
    anonymousLookupsPerMinute = r.integer("anonymousPerMinute", "GATEWAY_ANONYMOUS_LOOKUPS_PER_MINUTE", 10, 1, Integer.MAX_VALUE);
    anonymousLookupBurst = r.integer("anonymousBurst", "GATEWAY_ANONYMOUS_LOOKUP_BURST", 5, 1, Integer.MAX_VALUE);
    r.done();
  }

  private void channels(Settings c) {
    wechat = ChannelSections.wechat(c.section("wechat"));
    alipay = ChannelSections.alipay(c.section("alipay"));
    unionpay = ChannelSections.unionpay(c.section("unionpay"));
    merchants = c.sections("merchants").stream().map(ChannelSections::merchant).toList();
    signingWorkers = c.integer("signingWorkers", "GATEWAY_SIGNING_WORKERS", 2, 1, 256);
    c.done();
  }

  private void demo(Settings d) {
    demoRoster = d.bool("roster", "GATEWAY_DEMO_ROSTER", true);
    sandbox = d.bool("sandbox", "GATEWAY_SANDBOX", true);
    sandboxPort = d.integer("sandboxPort", "GATEWAY_SANDBOX_PORT", 8090, 0, 65535);
    d.done();
  }

  /** Reads the file named by {@code GATEWAY_CONFIG}, else {@code config/gateway.yaml}, with overrides from {@code env}. */
  public static GatewayOptions load(Map<String, String> env) {
    Path file = OptionsSource.file(env);
    return fromYaml(file.toString(), OptionsSource.read(file), env);
  }

  public static GatewayOptions fromYaml(String yaml, Map<String, String> env) {
    return fromYaml("config/gateway.yaml", yaml, env);
  }

  public static GatewayOptions fromYaml(String source, String yaml, Map<String, String> env) {
    return new GatewayOptions(source, OptionsSource.parse(source, yaml), env);
  }

  /** A copy with more environment overrides, validated again (tests use this). */
  public GatewayOptions with(Map<String, String> overrides) {
    Map<String, String> merged = new LinkedHashMap<>(env);
    merged.putAll(overrides);
    return new GatewayOptions(source, root, merged);
  }

  /** The environment these options were read with (secrets are looked up there). */
  public Map<String, String> env() {
    return env;
  }

  public int httpPort() {
    return httpPort;
  }

  public String httpHost() {
    return httpHost;
  }

  /** The balancers whose X-Forwarded-For is believed (behindProxy). */
  public TrustedProxies trustedProxies() {
    return trustedProxies;
  }

  /**
   * Whether the gateway is reached only through a balancer that sets X-Forwarded-For itself: the
   * client's address (limits, lock-outs, audit) is then read from that header, not the balancer's.
   */
  public boolean behindProxy() {
    return behindProxy;
  }

  /** On a graceful stop, how long /health/ready answers 503 before the server stops taking connections. */
  public int drainMillis() {
    return drainMillis;
  }

  /** On a graceful stop, how long requests in flight may take to finish. */
  public int shutdownGraceMillis() {
    return shutdownGraceMillis;
  }

  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** The bytes of request bodies one process holds at once, over every request being read or served. */
  public long bodiesInFlightBytes() {
    return bodiesInFlightBytes;
  }

  /** A connection silent this long is closed. */
  public int idleTimeoutMillis() {
    return idleTimeoutMillis;
  }

  /** A request whose body has not fully arrived this long after its headers is answered 408 and closed. */
  public int requestReadTimeoutMillis() {
    return requestReadTimeoutMillis;
  }

  /** The largest roster the operator API accepts in one request; bigger files go through the command line. */
  public int maxRosterBytes() {
    return maxRosterBytes;
  }

  /** Operator login attempts per network address and minute (password spraying across many names). */
  public int loginsPerMinutePerAddress() {
    return loginsPerMinutePerAddress;
  }

  /**
   * Argon2id's memory in KiB for new operator passwords (a hash keeps its own parameters, so a change applies to
   * passwords set from then on and every older one still verifies).
   */
  public int passwordMemoryKiB() {
    return passwordMemoryKiB;
  }

  /** Argon2id's passes for new operator passwords. */
  public int passwordIterations() {
    return passwordIterations;
  }

  /** How channels reach the callbacks; by default this host on the configured port. */
  public String publicBaseUrl() {
    return publicBaseUrl != null ? publicBaseUrl : "http://127.0.0.1:" + httpPort;
  }

  public Path dataDir() {
    return dataDir;
  }

  /**
   * An external database URL, if one is configured (GATEWAY_DB_URL, or PGHOST and friends): a
   * {@code postgresql://} address with a host and, if any, a port, else refused naming the variable.
   */
  public Optional<String> databaseUrl() {
    String url = env.get("GATEWAY_DB_URL");
    if (url != null && !url.isBlank()) {
      return Optional.of(checkedUrl(url, "GATEWAY_DB_URL"));
    }
    if (env.containsKey("PGHOST")) {
      String user = env.getOrDefault("PGUSER", "postgres");
      String pass = env.getOrDefault("PGPASSWORD", "");
      String port = env.getOrDefault("PGPORT", "5432");
      int number = port.matches("[0-9]{1,5}") ? Integer.parseInt(port) : 0;
      if (number < 1 || number > 65535) {
        throw new ConfigException("environment: PGPORT must be a port number (1-65535), got '" + port + "'");
      }
      // the user, password and database as they are (libpq's variables are not addresses): encoded into the address
      return Optional.of(checkedUrl("postgresql://" + encoded(user) + (pass.isEmpty() ? "" : ":" + encoded(pass)) + "@"
          + env.get("PGHOST") + ":" + port + "/" + encoded(env.getOrDefault("PGDATABASE", user)),
          "PGHOST, PGUSER, PGPASSWORD and PGDATABASE"));
    }
    return Optional.empty();
  }

  /** PostgreSQL's variables set while neither PGHOST nor GATEWAY_DB_URL is: unused (the embedded database starts). */
  public java.util.List<String> postgresVariablesWithoutHost() {
    if (databaseUrl().isPresent()) {
      return java.util.List.of();
    }
    return java.util.stream.Stream.of("PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD").filter(env::containsKey).toList();
  }

  private static String encoded(String part) {
    return java.net.URLEncoder.encode(part, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String checkedUrl(String url, String from) {
    java.net.URI uri;
    try {
      uri = new java.net.URI(url);
    } catch (java.net.URISyntaxException e) {
      // the reason only, never the address: it may hold the password
      throw new ConfigException("environment: " + from + " is not a postgresql://user:password@host:port/database address ("
          + e.getReason() + ")");
    }
    if (!("postgresql".equals(uri.getScheme()) || "postgres".equals(uri.getScheme())) || uri.getHost() == null) {
      throw new ConfigException("environment: " + from + " is not a postgresql://user:password@host:port/database address"
          + (uri.getHost() == null ? " (no host)" : " (scheme '" + uri.getScheme() + "')"));
    }
    return url;
  }

  public int poolSize() {
    return poolSize;
  }

  /** Sockets through Linux's epoll (Netty's native transport) where it loads, else Java NIO. */
  public boolean nativeTransport() {
    return nativeTransport;
  }

  /** The event-loop verticles this instance serves on, each with its own connections: as configured, or one a core. */
  public int eventLoops() {
    return eventLoops > 0 ? eventLoops : Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  /**
   * Reads in flight at once on one of the {@link #lookupConnections()} (1: one at a time, and those connections are
   * opened and their statements prepared at start); also the limit of the single connections (leadership).
   */
  public int pipeliningLimit() {
    return pipeliningLimit;
  }

  /**
   * Connections of each event loop kept for the lookup's reads and the sessions' (0: they share the pool of
   * {@link #poolSize()}); an instance opens this many per core beside that pool.
   */
  public int lookupConnections() {
    return lookupConnections;
  }

  /** The embedded PostgreSQL syncs every commit to disk; false only for throwaway test data. */
  public boolean databaseDurable() {
    return databaseDurable;
  }

  /** How long a starting instance waits for its database (a failover in progress) before it gives up. */
  public int databaseStartWaitSeconds() {
    return databaseStartWaitSeconds;
  }

  public Path keyDir() {
    return keyDir.isEmpty() ? dataDir.resolve("keys") : Path.of(keyDir);
  }

  /** Collection targets loaded at start (003's township tables ship as the sample). */
  public Path targetsDir() {
    return targetsDir;
  }

  public Path policyDir() {
    return policyDir;
  }

  public List<RegionBook> regions() {
    return regions;
  }

  public Wechat wechat() {
    return wechat;
  }

  public Alipay alipay() {
    return alipay;
  }

  public UnionPay unionpay() {
    return unionpay;
  }

  /** The collecting bodies with merchants of their own, by region (none: every region pays into the default merchants). */
  public List<Merchant> merchants() {
    return merchants;
  }

  public int orderExpiryMinutes() {
    return orderExpiryMinutes;
  }

  /** Status requests one process holds waiting for a change at most; beyond it they are answered at once. */
  public int maxOrderWaiters() {
    return maxOrderWaiters;
  }

  /** How often orders are swept: expiry, and queries of orders whose callback has not come. */
  public int sweepMillis() {
    return sweepMillis;
  }

  /** How often the progress gauges are recomputed. */
  public int progressMetricsMillis() {
    return progressMetricsMillis;
  }

  /** The share of one PostgreSQL core the progress gauges' counts may take (see {@code ProgressMetrics}). */
  public int progressMetricsBudgetPercent() {
    return progressMetricsBudgetPercent;
  }

  public int lookupsPerMinute() {
    return lookupsPerMinute;
  }

  public int lookupBurst() {
    return lookupBurst;
  }

  /**
   * Lookups per minute from one network address, whatever client ids it claims: the client id is a
   * header, so without this a caller could rotate it to escape its limit.
   */
  public int lookupsPerMinutePerAddress() {
    return lookupsPerMinutePerAddress;
  }

  public int lookupBurstPerAddress() {
    return lookupBurstPerAddress;
  }

  /** Households whose lookup answer one process keeps (0: none kept). */
  public int cachedHouseholds() {
    return cachedHouseholds;
  }

  /** Threads of the pool that signs, verifies and decrypts for the payment channels, off the event loops. */
  public int signingWorkers() {
    return signingWorkers;
  }

  /**
   * Lookups per minute from one network address by callers that are neither a signed kiosk nor a logged-in
   * resident (a county's public page): lower than a known caller's, since they cost nothing to repeat.
   */
  public int anonymousLookupsPerMinute() {
    return anonymousLookupsPerMinute;
  }

  public int anonymousLookupBurst() {
    return anonymousLookupBurst;
  }

  /** Mini-program residents' logins and sessions. */
  public ResidentOptions residents() {
    return residents;
  }

  /** Requests in flight per route class, beyond which they are turned away at once. */
  public AdmissionLimits admission() {
    return admission;
  }

  public boolean demoRoster() {
    return demoRoster;
  }

  public boolean sandbox() {
    return sandbox;
  }

  public int sandboxPort() {
    return sandboxPort;
  }

  /** When each day's channel bills are reconciled. */
  public ReconciliationOptions reconciliation() {
    return reconciliation;
  }

  /** Where paid contributions go: the receiving agencies, and how often they are delivered. */
  public HandoffOptions handoff() {
    return handoff;
  }
}
