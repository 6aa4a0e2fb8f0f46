package cn.liangxian.gateway.support;

import cn.liangxian.gateway.Gateway;
import cn.liangxian.gateway.config.GatewayOptions;
import cn.liangxian.gateway.db.Database;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.operator.OperatorAccounts;
import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.operator.Scope;
import cn.liangxian.gateway.roster.ImportReport;
import cn.liangxian.gateway.roster.RosterImport;
import cn.liangxian.policy.IdNumber;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real gateway for a test class: its own database on the one embedded PostgreSQL of the test run,
 * its own key directory, port 0, the sandbox channels, and a small known roster.
 */
public final class TestGateway implements AutoCloseable {
  private static Database server;
  private static final AtomicInteger DATABASES = new AtomicInteger();
  /** This JVM's database with every migration applied, copied for each test gateway instead of migrating each anew. */
  private static String migrated;

  static {
    // a test JVM starts a sandbox per gateway: their RSA keys are made once, not eight per sandbox
    cn.liangxian.sandbox.DemoKeys.keepForThisProcess();
  }

  public final Gateway gateway;
  public final MutableClock clock;
  public final WebClient http;
  public final Database db;
  /** The regions the gateway serves, with their books as it has them. */
  public final Regions regions;
  public final RosterImport roster;
  private final Map<String, String> env;
  /**
   * The tests' HTTP clients' Vert.x, one for the JVM: each gateway's client is a WebClient of its own on it, closed with the
   * gateway (a Vert.x of its own, made and closed with every one of some three hundred gateways, was CPU for nothing).
   */
  private static final Vertx CLIENTS = Vertx.vertx();

  /** The shared embedded server, started once per test run. */
  /**
   * Runs {@code meanwhile} while this database's listening connections are lost and cannot come back (new connections
   * refused; the pools' open ones still serve), then lets them reconnect; {@code listening} is how many must end.
   */
  public void withListeningLost(int listening, ThrowingRunnable meanwhile) throws Exception {
    String database = db.connectOptions(1).getDatabase();
    // from the server's own database: a database's connections cannot be disallowed from inside it
    try (var c = server().connect(); var st = c.createStatement()) {
      st.execute("alter database " + database + " allow_connections false");
      try {
        try (var rs = st.executeQuery("select count(pg_terminate_backend(pid)) from pg_stat_activity"
            + " where datname = '" + database + "' and query like 'LISTEN%'")) {
          rs.next();
          if (rs.getLong(1) != listening) {
            throw new AssertionError("listening connections ended: " + rs.getLong(1) + ", expected " + listening);
          }
        }
        meanwhile.run();
      } finally {
        st.execute("alter database " + database + " allow_connections true");
      }
    }
  }

  /** A step of a test that may throw. */
  public interface ThrowingRunnable {
    void run() throws Exception;
  }

  public static synchronized Database server() throws Exception {
    if (server == null) {
      Path dir = Files.createTempDirectory("gateway-test-");
      // the tests' fast profile: throwaway data, so commits are not synced to disk (the product's default is durable)
      GatewayOptions cfg = config(Map.of("GATEWAY_DATA_DIR", dir.toString(), "GATEWAY_DB_DURABLE", "false"));
      server = Database.start(cfg);
      // the same password, kept as a SCRAM secret of one iteration instead of 4,096: a client proves it at every new
      // connection with that many HMACs, and the test gateways open thousands (the product's servers keep the default;
      // CrashRestartTest's own server checks the password is required)
      try (var c = server.connect(); var st = c.createStatement()) {
        st.execute("set scram_iterations = 1");
        st.execute("alter role " + server.user() + " password '" + server.password().replace("'", "''") + "'");
        // no autovacuum on throwaway data: its launcher visits every database once a minute, a new process each time,
        // and a JVM's tests leave a hundred and more (300 databases cost a tenth of a core idle). Tests that read
        // statistics run their own ANALYZE (RosterImportTest); plans are read with sequential scans priced out (Plans)
        st.execute("alter system set autovacuum = off");
        st.execute("select pg_reload_conf()");
      }
      // the server stopped, its data goes too: each test JVM's cluster is a gigabyte and more of the temp folder
      Database started = server;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        started.close();
        try {
          org.apache.commons.io.file.PathUtils.deleteDirectory(dir);
        } catch (java.io.IOException e) {
          System.err.println("test database folder " + dir + " not removed: " + e.getMessage());
        }
      }));
    }
    return server;
  }

  /**
   * A new database on the test server, its schema already at this version's: a copy of a database migrated once
   * per JVM (the gateway's start-up then finds nothing to migrate, as an instance does beside a running one).
   */
  public static synchronized Database migratedDatabase(String name) throws Exception {
    if (migrated == null) {
      String template = "migrated_" + ProcessHandle.current().pid();
      Database copied = server().createDatabase(template);
      // on a start's turn, as a gateway migrates: the history is then known, and the copies' starts find it so
      try (var turn = copied.startupLock()) {
        turn.database().migrate();
      }
      // the first administrator, whom each gateway would otherwise create at its start (an Argon2 hash: tens of
      // milliseconds of CPU a test); a gateway finding accounts creates none, as on every start but a database's first
      new OperatorAccounts(copied, new cn.liangxian.gateway.operator.PasswordHasher(PASSWORD_MEMORY_KIB, 1, 1))
          .bootstrap(Path.of("unused"), Map.of("GATEWAY_OPERATOR_ADMIN_PASSWORD", ADMIN_PASSWORD));
      migrated = template;
    }
    return server().createDatabase(name, migrated);
  }

  /** The repository's top folder (tests run in a module folder). */
  public static Path repo() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("config").resolve("policies"))) {
      p = p.getParent();
    }
    return p;
  }

  /**
   * The environment of a gateway with an embedded database of its own in {@code dataDir} (for a test that stops or
   * cuts off its database, harming no other test): any port, no demo roster, the repository's books and targets.
   */
  public static Map<String, String> ownDatabaseEnv(Path dataDir, Map<String, String> more) {
    Map<String, String> env = new HashMap<>(Map.of("GATEWAY_PORT", "0", "GATEWAY_SANDBOX_PORT", "0", "GATEWAY_DEMO_ROSTER", "false",
        "GATEWAY_DATA_DIR", dataDir.toString(), "GATEWAY_OPERATOR_ADMIN_PASSWORD", ADMIN_PASSWORD, "GATEWAY_DB_DURABLE", "false"));
    env.put("GATEWAY_POLICY_DIR", repo().resolve("config/policies").toString());
    env.put("GATEWAY_TARGETS_DIR", repo().resolve("config/targets").toString());
    env.putAll(more);
    return env;
  }

  /** The repository's configuration read with {@code env} as the process's environment. */
  public static GatewayOptions options(Map<String, String> env) throws Exception {
    return GatewayOptions.fromYaml(Files.readString(repo().resolve("config/gateway.yaml")), env);
  }

  static GatewayOptions config(Map<String, String> env) throws Exception {
    Path repo = repo();
    Map<String, String> e = new HashMap<>(env);
    e.put("GATEWAY_POLICY_DIR", repo.resolve("config/policies").toString());
    e.put("GATEWAY_TARGETS_DIR", repo.resolve("config/targets").toString());
    // a test may bring its own configuration file (e.g. receivers of its own agency simulator)
    Path file = env.containsKey("GATEWAY_CONFIG") ? Path.of(env.get("GATEWAY_CONFIG")) : repo.resolve("config/gateway.yaml");
    return GatewayOptions.fromYaml(Files.readString(file), e);
  }

  public TestGateway() throws Exception {
    this(Map.of());
  }

  public TestGateway(Map<String, String> overrides) throws Exception {
    this(overrides, null);
  }

  /** A second gateway on {@code first}'s database (another instance of one deployment), with its own sandbox. */
  public static TestGateway beside(TestGateway first) throws Exception {
    return new TestGateway(first.env, first);
  }

  /** As {@link #beside(TestGateway)}, with some of the first one's settings replaced. */
  public static TestGateway beside(TestGateway first, Map<String, String> overrides) throws Exception {
    Map<String, String> env = new HashMap<>(first.env);
    env.putAll(overrides);
    return new TestGateway(env, first);
  }

  /** The temporary folder made for the first gateway's keys and data, shared by those beside it, deleted by the last to close. */
  private record Made(Path dir, AtomicInteger users) {
    Made(Path dir) {
      this(dir, new AtomicInteger());
    }
  }

  private final Made made;

  private TestGateway(Map<String, String> overrides, TestGateway first) throws Exception {
    Path keys = first == null ? Files.createTempDirectory("gateway-keys-") : null;
    made = first == null ? new Made(keys) : first.made;
    Map<String, String> env = new HashMap<>();
    if (keys != null) {
      env.putAll(Map.of("GATEWAY_PORT", "0", "GATEWAY_SANDBOX_PORT", "0",
          "GATEWAY_DEMO_ROSTER", "false", "GATEWAY_SWEEP_MILLIS", "200", "GATEWAY_KEY_DIR", keys.toString(), "GATEWAY_DATA_DIR", keys.toString(),
          "GATEWAY_OPERATOR_ADMIN_PASSWORD", ADMIN_PASSWORD, "GATEWAY_LOGINS_PER_MINUTE_PER_ADDRESS", "100000", "GATEWAY_RESIDENT_LOGINS_PER_MINUTE_PER_ADDRESS", "100000",
          // fixed admission limits: a request slowed by a busy test machine must not shrink them for the next test
          // (the limits that follow latency are driven directly in AdmissionTest)
          "GATEWAY_ADMISSION_LATENCY_TARGET_MILLIS", "0"));
      // fewer connections than the default's 8 and 2 a loop (each a PostgreSQL process, tens of milliseconds of the
      // test machine's CPU to open and close): two of each pool a loop, one for the lookups
      env.put("GATEWAY_DB_POOL_SIZE", "2");
      // operators' passwords hashed at a fortieth of the product's cost: logins and new accounts are a test's every
      // few steps, and Argon2id at OWASP's minimum took a third of the test machine's CPU (OperatorAccessTest and PasswordCostTest keep it)
      env.put("GATEWAY_OPERATOR_PASSWORD_MEMORY_KIB", Integer.toString(PASSWORD_MEMORY_KIB));
      env.put("GATEWAY_OPERATOR_PASSWORD_ITERATIONS", "1");
      env.put("GATEWAY_DB_LOOKUP_CONNECTIONS", "1");
      // one event loop, not one a core: each loop opens its own connections (three here), and a test gateway's
      // sessions were most of the PostgreSQL CPU its start cost. The tests about several loops ask for them (SEVERAL_LOOPS)
      env.put("GATEWAY_EVENT_LOOPS", "1");
    }
    env.putAll(overrides);
    this.env = Map.copyOf(env);
    GatewayOptions cfg = config(env);
    clock = first == null ? new MutableClock(Instant.parse("2019-12-15T02:00:00Z")) : first.clock;
    db = first == null ? migratedDatabase("t" + DATABASES.incrementAndGet() + "_" + ProcessHandle.current().pid()) : first.db;
    regions = Regions.load(cfg, clock);
    gateway = Gateway.start(cfg, env, clock, regions, db);
    roster = new RosterImport(db, gateway.cipher(), RosterImport.regionInfo(regions));
    http = WebClient.create(CLIENTS, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(gateway.httpPort()));
    made.users.incrementAndGet(); // started: its close counts
  }

  /** {@code db} as {@code GATEWAY_DB_URL} names it, its password included: how a command or another process reaches it. */
  public static String dbUrl(Database db) {
    return db.jdbcUrl().replace("jdbc:postgresql://", "postgresql://" + db.user() + ":" + db.password() + "@");
  }

  /**
   * The environment of a command an operator runs on this gateway's deployment ({@code gateway callback show},
   * {@code keys reseal}, {@code operator add}): its database and key folder, the repository's configuration, and
   * {@code more}; {@code dataDir} for anything else the command would keep.
   */
  public Map<String, String> commandEnv(Path dataDir, Map<String, String> more) {
    Map<String, String> env = new HashMap<>(Map.of("GATEWAY_KEY_DIR", keyDir().toString(),
        "GATEWAY_CONFIG", repo().resolve("config/gateway.yaml").toString(), "GATEWAY_DB_URL", dbUrl(db)));
    env.putAll(more);
    return ownDatabaseEnv(dataDir, env);
  }

  /** The folder of this deployment's keys (the personal-data key among them), shared by the gateways beside it. */
  public Path keyDir() {
    return made.dir();
  }

  public static final String ADMIN_PASSWORD = "admin-password-for-tests";
  /** Argon2id's memory for the tests' operator passwords (the product's is OWASP's minimum, 19,456). */
  static final int PASSWORD_MEMORY_KIB = 1024;
  /** The event loops of a gateway serving on more than one (the product's one a core, on a machine of two). */
  public static final int SEVERAL = 2;
  /** The settings of a gateway serving on {@link #SEVERAL} event loops. */
  public static final Map<String, String> SEVERAL_LOOPS = onSeveralLoops(Map.of());

  /** {@code settings} on a gateway serving on {@link #SEVERAL} event loops. */
  public static Map<String, String> onSeveralLoops(Map<String, String> settings) {
    Map<String, String> env = new HashMap<>(settings);
    env.put("GATEWAY_EVENT_LOOPS", Integer.toString(SEVERAL));
    return Map.copyOf(env);
  }

  /** The settings of a gateway that hashes operators' passwords at the product's cost. */
  public static final Map<String, String> PRODUCT_PASSWORD_HASHING = Map.of("GATEWAY_OPERATOR_PASSWORD_MEMORY_KIB",
      Integer.toString(cn.liangxian.gateway.operator.PasswordHasher.OWASP_MEMORY_KIB), "GATEWAY_OPERATOR_PASSWORD_ITERATIONS",
      Integer.toString(cn.liangxian.gateway.operator.PasswordHasher.OWASP_ITERATIONS));
  private final AtomicInteger operators = new AtomicInteger();

  /** Logs in over HTTP; the bearer token, or an AssertionError with the answer. */
  public String login(String username, String password) throws Exception {
    HttpResponse<Buffer> r = post("/api/v1/operator/login", new JsonObject().put("username", username).put("password", password));
    if (r.statusCode() != 200) {
      throw new AssertionError("login of " + username + " answered " + r.statusCode() + ": " + r.bodyAsString());
    }
    return r.bodyAsJsonObject().getString("token");
  }

  /** A book's text a year later: every date and year in it moved on by one (2021 first, so that nothing is moved twice). */
  public static String aYearLater(String book) {
    return book.replace("2021", "NEXT").replace("2020", "YEAR").replace("2019", "2020").replace("YEAR", "2021")
        .replace("NEXT", "2022");
  }

  /** The first administrator's token (every region). */
  public String adminToken() throws Exception {
    return login("admin", ADMIN_PASSWORD);
  }

  /** A new account with this role and scope (created as the command line does), logged in: its token. */
  public String operatorToken(Role role, Scope scope) throws Exception {
    String name = role.code() + "-" + operators.incrementAndGet();
    String password = name + "-password-long";
    new OperatorAccounts(db, gateway.passwordHasher()).create(name, name, role, scope, password, "test");
    return login(name, password);
  }

  /** Looks the household of {@code id} up, orders every member's {@code insurance} for {@code year}, and pays on the sandbox. */
  public JsonObject payWholeHousehold(String id, String name, String insurance, int year, String channel) throws Exception {
    JsonObject h = lookup(id, name);
    io.vertx.core.json.JsonArray items = new io.vertx.core.json.JsonArray();
    h.getJsonArray("members").forEach(m -> items.add(new JsonObject().put("memberRef", ((JsonObject) m).getString("ref"))
        .put("insurance", insurance).put("year", year)));
    JsonObject o = post("/api/v1/orders", new JsonObject().put("householdRef", h.getJsonObject("household").getString("ref"))
        .put("channel", channel).put("mode", "qr").put("items", items), "Idempotency-Key", java.util.UUID.randomUUID().toString())
        .bodyAsJsonObject();
    gateway.demo().sandbox().pay(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    return o;
  }

  /**
   * Orders every member of a looked-up household whose medical insurance is unpaid, for the year the
   * lookup's totals name, on {@code channel} in {@code mode}: the answer as it came (201 or a refusal).
   */
  public HttpResponse<Buffer> orderUnpaidMedical(JsonObject household, String channel, String mode) throws Exception {
    return post("/api/v1/orders", unpaidMedicalOrder(household, channel, mode), "Idempotency-Key",
        java.util.UUID.randomUUID().toString());
  }

  /** The body of {@link #orderUnpaidMedical}: every member whose medical insurance is unpaid. */
  public static JsonObject unpaidMedicalOrder(JsonObject household, String channel, String mode) {
    io.vertx.core.json.JsonArray items = new io.vertx.core.json.JsonArray();
    int year = household.getJsonObject("totals").getJsonObject("medical").getInteger("year");
    for (Object o : household.getJsonArray("members")) {
      JsonObject m = (JsonObject) o;
      boolean unpaid = m.getJsonArray("insurances").stream().map(x -> (JsonObject) x)
          .anyMatch(i -> i.getString("insurance").equals("medical") && i.getString("status").equals("unpaid"));
      if (unpaid) {
        items.add(new JsonObject().put("memberRef", m.getString("ref")).put("insurance", "medical").put("year", year));
      }
    }
    return new JsonObject().put("householdRef", household.getJsonObject("household").getString("ref"))
        .put("channel", channel).put("mode", mode).put("items", items);
  }

  public ImportReport importCsv(String name, String csv) {
    return roster.importCsv(name, csv.getBytes(StandardCharsets.UTF_8));
  }

  /** The made-up phone user whose session orders and reads orders when a test names no caller. */
  public static final String DEFAULT_RESIDENT = "test-phone";
  private final Map<String, Map.Entry<String, java.time.Instant>> sessions = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * A session token of {@code user}, logged in to the WeChat mini-program the way a phone does: a
   * {@code wx.login} code from the sandbox, exchanged at {@code POST /api/v1/session/wechat}.
   */
  public String residentToken(String channel, String user) throws Exception {
    // a session lasts two hours of the gateway's clock, which tests move on: a new one after half an hour
    Map.Entry<String, java.time.Instant> known = sessions.get(channel + "/" + user);
    if (known != null && !clock.instant().isAfter(known.getValue().plus(java.time.Duration.ofMinutes(30)))
        && !clock.instant().isBefore(known.getValue())) {
      return known.getKey();
    }
    var logins = gateway.demo().sandbox().logins();
    String code = channel.equals("wechat") ? logins.wechatCode(cn.liangxian.sandbox.DemoMerchant.WECHAT_APP_ID, user)
        : logins.alipayCode(cn.liangxian.sandbox.DemoMerchant.ALIPAY_APP_ID, user);
    var req = http.post("/api/v1/session/" + channel).putHeader("Content-Type", "application/json");
    HttpResponse<Buffer> r = req.sendBuffer(Buffer.buffer(new JsonObject().put("code", code).encode()))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    if (r.statusCode() != 201) {
      throw new AssertionError("resident login of " + user + " answered " + r.statusCode() + ": " + r.bodyAsString());
    }
    String token = r.bodyAsJsonObject().getString("token");
    sessions.put(channel + "/" + user, Map.entry(token, clock.instant()));
    return token;
  }

  /** {@code Authorization} header value of {@code user}'s WeChat mini-program session. */
  public String bearer(String user) throws Exception {
    return "Bearer " + residentToken("wechat", user);
  }

  /** Requests naming no caller act as {@link #DEFAULT_RESIDENT} on the order routes (orders belong to their creator). */
  private void defaultCaller(io.vertx.ext.web.client.HttpRequest<Buffer> req, String path, String... headers) throws Exception {
    for (int i = 0; i + 1 < headers.length; i += 2) {
      if (headers[i].equalsIgnoreCase("Authorization") || headers[i].regionMatches(true, 0, "X-Kiosk-", 0, 8)) {
        return;
      }
    }
    if (path.startsWith("/api/v1/orders")) {
      req.putHeader("Authorization", bearer(DEFAULT_RESIDENT));
    }
  }

  public HttpResponse<Buffer> post(String path, JsonObject body, String... headers) throws Exception {
    var req = http.post(path).putHeader("Content-Type", "application/json");
    defaultCaller(req, path, headers);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      req.putHeader(headers[i], headers[i + 1]);
    }
    return req.sendBuffer(Buffer.buffer(body.encode())).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** A body as given, from a resident of its own (a fresh rate-limit bucket). */
  public HttpResponse<Buffer> postRaw(String path, String contentType, Buffer body) throws Exception {
    var req = http.post(path).putHeader("Authorization", bearer("raw-" + java.util.UUID.randomUUID()));
    if (contentType != null) {
      req.putHeader("Content-Type", contentType);
    }
    return req.sendBuffer(body).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  public HttpResponse<Buffer> get(String path, String... headers) throws Exception {
    var req = http.get(path);
    defaultCaller(req, path, headers);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      req.putHeader(headers[i], headers[i + 1]);
    }
    return req.send().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  public JsonObject lookup(String id, String name) throws Exception {
    HttpResponse<Buffer> r = post("/api/v1/lookup", new JsonObject().put("idNumber", id).put("name", name),
        "Authorization", bearer("lookup-" + id));
    if (r.statusCode() != 200) {
      throw new AssertionError("lookup answered " + r.statusCode() + ": " + r.bodyAsString());
    }
    return r.bodyAsJsonObject();
  }

  /** An ID number masked as every response shows it. */
  /**
   * The shipped configuration with collecting bodies' merchants (the YAML list items under
   * {@code merchants:}, indented as in the file), written to a file for {@code GATEWAY_CONFIG}.
   */
  public static Path configWithMerchants(String merchants) throws Exception {
    Path config = Files.createTempFile("gateway-merchants-", ".yaml");
    config.toFile().deleteOnExit(); // read once, at the gateway's start: nothing of a run is left behind
    Files.writeString(config, Files.readString(repo().resolve("config/gateway.yaml"))
        .replace("  merchants: []\n", "  merchants:\n" + merchants));
    return config;
  }

  /** An operator's refund of the first member's medical item of a paid order, for {@code reason}. */
  public HttpResponse<Buffer> refundFirstMembersMedical(String token, JsonObject household, String orderId, String reason)
      throws Exception {
    JsonObject body = new JsonObject().put("orderId", orderId)
        .put("memberRef", household.getJsonArray("members").getJsonObject(0).getString("ref")).put("insurance", "medical")
        .put("reason", reason);
    return http.post("/api/v1/operator/refunds").putHeader("Content-Type", "application/json").putHeader("Authorization", "Bearer " + token)
        .sendBuffer(Buffer.buffer(body.encode())).toCompletionStage().toCompletableFuture().get();
  }

  /**
   * The order is never asked about at its channel by the sweep, nor expired by it: its payment is known only from what a
   * test lets through (a notification, the day's bill).
   */
  public void neverAsked(String orderId) throws Exception {
    onSession(c -> {
      try (var ps = c.prepareStatement("update orders set next_query_at = '2100-01-01', expiry_retry_at = '2100-01-01'"
          + " where id = ?::uuid")) {
        ps.setString(1, orderId);
        return ps.executeUpdate();
      }
    });
  }

  /** The single number a query answers, read straight from the database. */
  public long count(String sql) throws Exception {
    return onSession(c -> {
      try (var st = c.createStatement(); var rs = st.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  /** The single text a query answers, read straight from the database; null when it answers no row. */
  public String text(String sql) throws Exception {
    return onSession(c -> {
      try (var st = c.createStatement(); var rs = st.executeQuery(sql)) {
        return rs.next() ? rs.getString(1) : null;
      }
    });
  }

  /** A statement run straight on the database (auto-committed): a row the test sets, a trigger it plants or removes. */
  public void sql(String sql) throws Exception {
    onSession(c -> {
      try (var st = c.createStatement()) {
        return st.execute(sql);
      }
    });
  }

  /** What the test asks of the database itself, on {@link #session}. */
  private interface SessionWork<T> {
    T on(java.sql.Connection c) throws java.sql.SQLException;
  }

  /**
   * The test's own session on this gateway's database, kept for its queries ({@link #count}, {@link #text}, {@link #sql}):
   * a test polls while it waits, and a session a poll cost PostgreSQL a process every twenty milliseconds. Auto-commit,
   * so that each query sees what was committed before it; one that ended is replaced at the next query.
   */
  private java.sql.Connection session;

  private synchronized <T> T onSession(SessionWork<T> work) throws java.sql.SQLException {
    if (session == null) {
      session = db.connect();
    }
    try {
      return work.on(session);
    } catch (java.sql.SQLException e) {
      if (!session.isValid(5)) {
        // the session itself ended (a test that ends the database's sessions): the next query opens a new one. The
        // statement is not run again here: it may have been applied before the answer was lost
        session.close();
        session = null;
      }
      throw e;
    }
  }

  public static String masked(String id) {
    return id.substring(0, 4) + "**********" + id.substring(14);
  }

  /** The member of a looked-up household with this ID number. */
  public static JsonObject member(JsonObject household, String id) {
    return household.getJsonArray("members").stream().map(o -> (JsonObject) o)
        .filter(m -> m.getString("idNumber").equals(masked(id))).findFirst().orElseThrow();
  }

  /** That member's reference, for orders. */
  public static String ref(JsonObject household, String id) {
    return member(household, id).getString("ref");
  }

  /** 张三, 李四 and 张小明's medical insurance for 2020 (250 yuan each) ordered as one QR order on {@code channel}, and paid. */
  public JsonObject payZhangFamilyMedical(JsonObject household, String channel) throws Exception {
    io.vertx.core.json.JsonArray items = new io.vertx.core.json.JsonArray();
    for (String id : new String[] {Fixture.ZHANG, Fixture.LI, Fixture.CHILD}) {
      items.add(new JsonObject().put("memberRef", ref(household, id)).put("insurance", "medical").put("year", 2020));
    }
    JsonObject o = post("/api/v1/orders", new JsonObject().put("householdRef", household.getJsonObject("household").getString("ref"))
        .put("channel", channel).put("mode", "qr").put("items", items), "Idempotency-Key", java.util.UUID.randomUUID().toString())
        .bodyAsJsonObject();
    gateway.demo().sandbox().pay(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get();
    awaitState(o.getString("id"), "PAID");
    return o;
  }

  /**
   * The resident's phone reads the order's QR code: it opens the code's pay page at the sandbox, as scanning does (a
   * WeChat Pay code's weixin:// address opens the same page in the real app). Alipay opens a QR code's trade only then;
   * before, it has none to query or close, and the code can still be paid.
   */
  public void scan(JsonObject order) throws Exception {
    String page = gateway.demo().sandboxUrl() + "/sandbox/pay/" + order.getString("channel") + "/" + order.getString("outTradeNo");
    HttpResponse<Buffer> opened = http.getAbs(page).send().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    if (opened.statusCode() != 200) {
      throw new AssertionError("the code's page " + page + " answered " + opened.statusCode() + ": " + opened.bodyAsString());
    }
  }

  /** Waits for an order to reach one of these states; fails saying where it stayed. */
  public JsonObject awaitState(String orderId, String... states) throws Exception {
    java.util.Set<String> wanted = java.util.Set.of(states);
    return Eventually.until("order " + orderId + " to be one of " + wanted, () -> get("/api/v1/orders/" + orderId).bodyAsJsonObject(),
        o -> wanted.contains(String.valueOf(o.getString("state"))));
  }

  /** The sandbox's attempts to deliver this trade's payment notification (refund notifications left out). */
  public java.util.List<JsonObject> paymentNotifications(String outTradeNo) {
    return gateway.demo().sandbox().deliveries().stream().filter(d -> d.getString("outTradeNo").equals(outTradeNo))
        .filter(d -> !d.getString("event").startsWith("REFUND")).toList();
  }

  /**
   * Waits until the gateway has answered {@code times} payment notifications of this trade with success
   * (the sandbox's own rule: any 2xx ends a delivery); the gateway answers only once it has applied and
   * logged one. Returns all delivery attempts of the trade.
   */
  public java.util.List<JsonObject> awaitNotified(String outTradeNo, int times) throws Exception {
    return Eventually.until(times + " answered notification(s) of " + outTradeNo, () -> paymentNotifications(outTradeNo),
        l -> l.stream().filter(d -> d.getInteger("status") >= 200 && d.getInteger("status") <= 299).count() >= times);
  }

  /** The gateway's /metrics page. */
  public String metrics() throws Exception {
    return get("/metrics").bodyAsString();
  }

  /** A valid ID number; odd sequence for a man. */
  public static String id(String region, String birth, int seq) {
    String body = region + LocalDate.parse(birth).format(DateTimeFormatter.BASIC_ISO_DATE) + String.format("%03d", seq);
    return body + IdNumber.checkCharacter(body);
  }

  @Override
  public void close() throws Exception {
    try {
      http.close();
      synchronized (this) {
        if (session != null) {
          session.close();
        }
      }
    } finally {
      gateway.close();
      if (made.users.decrementAndGet() == 0) { // the last of the gateways that share it
        org.apache.commons.io.file.PathUtils.deleteDirectory(made.dir);
      }
    }
  }
}
