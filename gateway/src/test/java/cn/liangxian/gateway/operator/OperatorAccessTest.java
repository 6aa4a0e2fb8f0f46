package cn.liangxian.gateway.operator;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.MainAccess;
import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Operator accounts: logins, roles, scopes, and the audit of everything they do. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorAccessTest {
  /** How a hash made at the test gateway's cost begins (TestGateway: 1024 KiB, one pass). */
  static final String TESTS_COST = "$argon2id$v=19$m=1024,t=1,p=1$";
  TestGateway g;
  String admin;

  @BeforeAll
  void start() throws Exception {
    // at the tests' cost of hashing (m=1024 KiB, t=1): some forty hashes here at the product's took seconds of CPU for
    // nothing these tests are about. The product's cost is PasswordCostTest's, and the command line's below
    // on two loops, as in the product: requests sent at once are served on different threads and connections
    g = Fixture.load(new TestGateway(TestGateway.SEVERAL_LOOPS));
    admin = g.adminToken();
  }

  @AfterAll
  void stop() throws Exception {
    g.close();
  }

  HttpResponse<Buffer> call(HttpMethod method, String path, String token, Object body) throws Exception {
    return call(g, method, path, token, body);
  }

  static HttpResponse<Buffer> call(TestGateway on, HttpMethod method, String path, String token, Object body) throws Exception {
    var req = on.http.request(method, path);
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    if (body instanceof JsonObject j) {
      return req.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(j.encode()))
          .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
    if (body instanceof String csv) {
      return req.putHeader("Content-Type", "text/csv").sendBuffer(Buffer.buffer(csv.getBytes(StandardCharsets.UTF_8)))
          .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
    return req.send().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  static void assertProblem(HttpResponse<Buffer> r, int status, String type) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(r.bodyAsJsonObject().getString("type")).endsWith(type);
  }

  String scalar(String sql) throws Exception {
    return g.text(sql);
  }

  @Test
  void noOperatorRouteAnswersWithoutALogin() throws Exception {
    List<String> routes = g.gateway.servedRoutes().stream().filter(r -> r.contains("/api/v1/operator/") && !r.endsWith("/login")).toList();
    assertThat(routes).hasSizeGreaterThan(10);
    for (String r : routes) {
      String[] mp = r.split(" ", 2);
      String path = mp[1].replace(":region", "431103").replace(":insurance", "medical").replace(":channel", "wechat")
          .replace(":date", "2019-12-15").replace(":username", "admin");
      for (String token : new String[] {null, "not-a-token", admin + "x"}) {
        HttpResponse<Buffer> res = call(HttpMethod.valueOf(mp[0]), path, token, new JsonObject());
        assertProblem(res, 401, "operator-unauthorized");
        assertThat(res.getHeader("WWW-Authenticate")).startsWith("Bearer");
      }
    }
  }

  @Test
  void passwordsAreStoredUnderArgon2idAndTokensOnlyAsDigests() throws Exception {
    // an account the gateway makes through its API, at the gateway's configured cost
    HttpResponse<Buffer> made = call(HttpMethod.POST, "/api/v1/operator/accounts", admin, new JsonObject().put("username", "stored-hd")
        .put("role", "township").put("region", "431103").put("township", "黄阳司镇").put("password", "stored-hd-password-long"));
    assertThat(made.statusCode()).as(made.bodyAsString()).isEqualTo(201);
    assertThat(scalar("select password_hash from operator_account where username = 'stored-hd'")).startsWith(TESTS_COST)
        .doesNotContain("stored-hd-password-long");
    assertThat(scalar("select count(*) from operator_session where encode(token_hash, 'escape') like '%" + admin.substring(0, 10) + "%'"))
        .isEqualTo("0");
    HttpResponse<Buffer> me = call(HttpMethod.GET, "/api/v1/operator/me", admin, null);
    assertThat(me.bodyAsJsonObject().getString("role")).isEqualTo("admin");
    assertThat(me.bodyAsJsonObject().getJsonObject("scope").getString("label")).isEqualTo("*");
  }

  /**
   * {@code gateway operator add}, the only way to make an account that moves money: the account logs in with the scope
   * given; a wrong role or a weak password is one line and exit 2, and makes nothing; a cost below OWASP's minimum is
   * said on the console, where the person making the account reads it.
   */
  @Test
  void theCommandLineMakesAnAccountThatLogsInAndAMistakeMakesNone(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.util.Map<String, String> env = g.commandEnv(dir, java.util.Map.of());
    env.put("GATEWAY_OPERATOR_PASSWORD", "cashier-cli-password-1");
    MainAccess.Ran made = MainAccess.captured(env, "operator", "add", "cashier.cli", "finance", "431103");
    assertThat(made.status()).as(made.err()).isZero();
    assertThat(made.out()).contains("created operator cashier.cli (finance");
    assertThat(made.err()).as("the product's cost").doesNotContain("OWASP");
    String token = g.login("cashier.cli", "cashier-cli-password-1");
    JsonObject me = call(HttpMethod.GET, "/api/v1/operator/me", token, null).bodyAsJsonObject();
    assertThat(me.getString("role")).isEqualTo("finance");
    assertThat(me.getJsonObject("scope").getString("region")).isEqualTo("431103");
    assertThat(scalar("select password_hash from operator_account where username = 'cashier.cli'"))
        .startsWith("$argon2id$v=19$m=19456,t=2,p=1$");

    MainAccess.Ran role = MainAccess.captured(env, "operator", "add", "cashier.role", "cashier", "431103");
    assertThat(role.status()).isEqualTo(2);
    assertThat(role.err()).contains("gateway: the role is admin, finance, township or village, not 'cashier'");
    env.put("GATEWAY_OPERATOR_PASSWORD", "short");
    MainAccess.Ran weak = MainAccess.captured(env, "operator", "add", "cashier.weak", "finance", "431103");
    assertThat(weak.status()).isEqualTo(2);
    assertThat(weak.err()).startsWith("gateway: ").doesNotContain("Exception", "\tat ");
    assertThat(scalar("select count(*) from operator_account where username in ('cashier.role', 'cashier.weak')")).isEqualTo("0");

    env.put("GATEWAY_OPERATOR_PASSWORD", "cashier-cheap-password-1");
    env.put("GATEWAY_OPERATOR_PASSWORD_MEMORY_KIB", "1024");
    MainAccess.Ran cheap = MainAccess.captured(env, "operator", "add", "cashier.cheap", "finance", "431103");
    assertThat(cheap.status()).as(cheap.err()).isZero();
    assertThat(cheap.err()).contains("gateway: warning: operator passwords set from now on are hashed below OWASP's minimum", "m=1024 KiB",
        "operator.passwordMemoryKiB");
  }

  /** A password stored under weaker parameters than today's is hashed again at its next login, and still logs in. */
  @Test
  void aHashWithWeakerParametersIsMadeAgainAtTheNextLogin() throws Exception {
    String password = "weak-params-password-1";
    String weak = new PasswordHasher(256, 1, 1).hash(password);
    new OperatorAccounts(g.db, g.gateway.passwordHasher()).create("older.hash", "older.hash", Role.TOWNSHIP,
        new Scope("371312", "汤头街道", null), password, "test");
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      assertThat(st.executeUpdate("update operator_account set password_hash = '" + weak + "' where username = 'older.hash'")).isEqualTo(1);
    }
    assertThat(g.login("older.hash", password)).isNotBlank();
    assertThat(scalar("select password_hash from operator_account where username = 'older.hash'"))
        .startsWith(TESTS_COST).isNotEqualTo(weak);
    assertThat(g.login("older.hash", password)).isNotBlank();
  }

  @Test
  void fiveWrongPasswordsLockTheAccountAndUnknownNamesLookTheSame() throws Exception {
    String token = g.operatorToken(Role.TOWNSHIP, new Scope("431103", "黄阳司镇", null));
    String name = call(HttpMethod.GET, "/api/v1/operator/me", token, null).bodyAsJsonObject().getString("username");
    HttpResponse<Buffer> unknown = g.post("/api/v1/operator/login", new JsonObject().put("username", "nobody-here").put("password", "x"));
    assertProblem(unknown, 401, "operator-login-failed");
    // audited, without the name typed (it may be a password typed in the wrong field)
    Eventually.until("the attempt audited", () -> Long.parseLong(scalar("select count(*) from audit_log where actor = '"
        + OperatorAuth.UNKNOWN_NAME + "' and path = '/api/v1/operator/login'")) > 0);
    assertThat(scalar("select count(*) from audit_log where actor = 'nobody-here' or before::text like '%nobody-here%'"
        + " or after::text like '%nobody-here%'")).isEqualTo("0");
    for (int i = 0; i < OperatorAuth.MAX_FAILURES; i++) {
      HttpResponse<Buffer> wrong = g.post("/api/v1/operator/login", new JsonObject().put("username", name).put("password", "wrong-" + i));
      assertProblem(wrong, 401, "operator-login-failed");
      assertThat(wrong.bodyAsJsonObject().getString("detail")).isEqualTo(unknown.bodyAsJsonObject().getString("detail"));
    }
    HttpResponse<Buffer> right = g.post("/api/v1/operator/login", new JsonObject().put("username", name).put("password", name + "-password-long"));
    assertProblem(right, 401, "operator-login-failed");
    // the administrator's list says an address is locked out of the account, and how many failures since its last login
    JsonObject listed = call(HttpMethod.GET, "/api/v1/operator/accounts", admin, null).bodyAsJsonObject().getJsonArray("accounts")
        .stream().map(JsonObject.class::cast).filter(a -> a.getString("username").equals(name)).findFirst().orElseThrow();
    assertThat(listed.getLong("lockedAddresses")).isEqualTo(1);
    assertThat(listed.getInteger("failedLoginsSinceLastLogin")).isEqualTo(OperatorAuth.MAX_FAILURES);
    // after the lock has passed the right password works again
    g.clock.advance(OperatorAuth.LOCK.plusSeconds(1));
    assertThat(g.login(name, name + "-password-long")).isNotBlank();
    assertProblem(g.post("/api/v1/operator/login", new JsonObject().put("username", name)), 400, "invalid-request");
  }

  /**
   * At the product's cost of hashing, on a gateway of its own with two loops: each check of a password takes tens of
   * milliseconds there, so the guesses sent at once overlap, as a thief's would.
   */
  @Test
  void anOperatorChangesItsPasswordAndLogsOut() throws Exception {
    try (TestGateway on = Fixture.load(new TestGateway(TestGateway.onSeveralLoops(TestGateway.PRODUCT_PASSWORD_HASHING)))) {
      String first = on.operatorToken(Role.FINANCE, new Scope("320682", null, null));
      String name = call(on, HttpMethod.GET, "/api/v1/operator/me", first, null).bodyAsJsonObject().getString("username");
      String guessing = on.login(name, name + "-password-long");
      assertProblem(call(on, HttpMethod.POST, "/api/v1/operator/password", guessing, new JsonObject().put("current", "wrong-password-x")
          .put("password", "a-new-password-123")), 400, "invalid-request");
      // a wrong guess ends that login: a stolen token does not let its holder guess at leisure
      assertProblem(call(on, HttpMethod.GET, "/api/v1/operator/me", guessing, null), 401, "operator-unauthorized");
      // nor many guesses at once: one is checked, the others find the login ended
      String racing = on.login(name, name + "-password-long");
      List<java.util.concurrent.CompletableFuture<Integer>> guesses = new java.util.ArrayList<>();
      for (int i = 0; i < 5; i++) {
        JsonObject guess = new JsonObject().put("current", "wrong-password-" + i).put("password", "a-new-password-123");
        guesses.add(on.http.post("/api/v1/operator/password").putHeader("Authorization", "Bearer " + racing)
            .putHeader("Content-Type", "application/json").sendBuffer(io.vertx.core.buffer.Buffer.buffer(guess.encode()))
            .map(HttpResponse::statusCode).toCompletionStage().toCompletableFuture());
      }
      List<Integer> statuses = new java.util.ArrayList<>();
      for (var f : guesses) {
        statuses.add(f.get(30, java.util.concurrent.TimeUnit.SECONDS));
      }
      assertThat(statuses).as("checked once at most").filteredOn(st -> st == 400).hasSizeLessThanOrEqualTo(1);
      assertThat(statuses).filteredOn(st -> st == 401).hasSizeGreaterThanOrEqualTo(4);
      assertThat(call(on, HttpMethod.GET, "/api/v1/operator/me", first, null).statusCode()).as("the others go on").isEqualTo(200);
      String second = on.login(name, name + "-password-long");
      assertProblem(call(on, HttpMethod.POST, "/api/v1/operator/password", second, new JsonObject().put("current", name + "-password-long")
          .put("password", "aaaaaaaaaaaaaaa")), 400, "invalid-request");
      assertThat(call(on, HttpMethod.POST, "/api/v1/operator/password", second, new JsonObject().put("current", name + "-password-long")
          .put("password", "a-new-password-123")).statusCode()).isEqualTo(204);
      // the other login ended, this one goes on; only the new password logs in
      assertProblem(call(on, HttpMethod.GET, "/api/v1/operator/me", first, null), 401, "operator-unauthorized");
      assertThat(call(on, HttpMethod.GET, "/api/v1/operator/me", second, null).statusCode()).isEqualTo(200);
      assertProblem(on.post("/api/v1/operator/login", new JsonObject().put("username", name).put("password", name + "-password-long")),
          401, "operator-login-failed");
      String third = on.login(name, "a-new-password-123");
      assertThat(call(on, HttpMethod.POST, "/api/v1/operator/logout", third, null).statusCode()).isEqualTo(204);
      assertProblem(call(on, HttpMethod.GET, "/api/v1/operator/me", third, null), 401, "operator-unauthorized");
    }
  }

  /** For the whole deployment: the balancer spreads an address's attempts over every instance, which count them together. */
  @Test
  void loginAttemptsPerAddressAreLimited() throws Exception {
    try (TestGateway small = new TestGateway(java.util.Map.of("GATEWAY_LOGINS_PER_MINUTE_PER_ADDRESS", "10"));
        TestGateway beside = TestGateway.beside(small)) {
      for (int i = 0; i < 5; i++) { // a burst of half a minute's worth goes through, wherever each attempt lands
        assertProblem((i % 2 == 0 ? small : beside).post("/api/v1/operator/login", new JsonObject().put("username", "user-" + i)
            .put("password", "x")), 401, "operator-login-failed");
      }
      for (TestGateway g : List.of(small, beside)) {
        HttpResponse<Buffer> r = g.post("/api/v1/operator/login", new JsonObject().put("username", "admin")
            .put("password", TestGateway.ADMIN_PASSWORD));
        assertProblem(r, 429, "rate-limited");
        assertThat(r.getHeader("Retry-After")).isNotBlank();
      }
      small.clock.advance(java.time.Duration.ofMinutes(1));
      assertThat(beside.adminToken()).isNotBlank();
    }
  }

  @Test
  void rolesSeparateDuties() throws Exception {
    String village = g.operatorToken(Role.VILLAGE, new Scope("431103", "黄阳司镇", "黄阳司村"));
    String finance = g.operatorToken(Role.FINANCE, Scope.ALL);
    JsonObject refund = new JsonObject().put("orderId", UUID.randomUUID().toString()).put("memberRef", UUID.randomUUID().toString())
        .put("insurance", "medical").put("reason", "death");
    assertProblem(call(HttpMethod.POST, "/api/v1/operator/refunds", village, refund), 403, "operator-forbidden");
    assertProblem(call(HttpMethod.POST, "/api/v1/operator/refunds", admin, refund), 403, "operator-forbidden");
    assertProblem(call(HttpMethod.GET, "/api/v1/operator/reconciliation/wechat/2019-12-15", village, null), 403, "operator-forbidden");
    assertProblem(call(HttpMethod.POST, "/api/v1/operator/rosters", finance, "region_code\n"), 403, "operator-forbidden");
    assertProblem(call(HttpMethod.POST, "/api/v1/operator/accounts", village, new JsonObject()), 403, "operator-forbidden");
    assertProblem(call(HttpMethod.GET, "/api/v1/operator/audit", finance, null), 403, "operator-forbidden");
    // finance reaches the refund itself (the order does not exist)
    assertProblem(call(HttpMethod.POST, "/api/v1/operator/refunds", finance, refund), 404, "item-not-found");
  }

  /** An administrator moves no money: it creates no account that does, whose password it would choose. */
  @Test
  void noAdministratorCreatesAFinanceAccount() throws Exception {
    String district = g.operatorToken(Role.ADMIN, new Scope("431103", null, null));
    JsonObject finance = new JsonObject().put("username", "cashier-hd").put("role", "finance").put("region", "431103")
        .put("password", "a-long-enough-password");
    for (String token : new String[] {district, admin}) {
      for (JsonObject body : new JsonObject[] {finance, finance.copy().put("role", "FINANCE").putNull("region")}) {
        HttpResponse<Buffer> r = call(HttpMethod.POST, "/api/v1/operator/accounts", token, body);
        assertProblem(r, 403, "money-account-forbidden");
        assertThat(r.bodyAsJsonObject().getString("detail")).contains("moves money", "operator add");
      }
    }
    assertThat(scalar("select count(*) from operator_account where username = 'cashier-hd'")).isEqualTo("0");
    assertThat(scalar("select count(*) from audit_log where action = 'account.create' and subject = 'cashier-hd'"
        + " and after is not null")).isEqualTo("0");
    assertProblem(g.post("/api/v1/operator/login", new JsonObject().put("username", "cashier-hd")
        .put("password", "a-long-enough-password")), 401, "operator-login-failed");
    // the other roles are still the administrators' to create
    HttpResponse<Buffer> township = call(HttpMethod.POST, "/api/v1/operator/accounts", district, finance.copy()
        .put("username", "township-hd").put("role", "township").put("township", "黄阳司镇"));
    assertThat(township.statusCode()).as(township.bodyAsString()).isEqualTo(201);
  }

  @Test
  void aTownshipSeesOnlyItsVillagesAndAWrongScopeIs403() throws Exception {
    String township = g.operatorToken(Role.TOWNSHIP, new Scope("431103", "黄阳司镇", null));
    JsonObject p = call(HttpMethod.GET, "/api/v1/operator/progress/431103/medical", township, null).bodyAsJsonObject();
    assertThat(p.getJsonArray("townships")).singleElement()
        .satisfies(t -> assertThat(((JsonObject) t).getString("township")).isEqualTo("黄阳司镇"));
    assertThat(p.getLong("target")).isEqualTo(42_988);
    assertThat(p.getLong("enrolled")).isEqualTo(2);
    JsonObject all = call(HttpMethod.GET, "/api/v1/operator/progress/431103/medical", admin, null).bodyAsJsonObject();
    assertThat(all.getJsonArray("townships")).hasSize(21);

    assertProblem(call(HttpMethod.GET, "/api/v1/operator/progress/371312/medical", township, null), 403, "operator-out-of-scope");
    assertProblem(call(HttpMethod.GET, "/api/v1/operator/postings/431103/medical?township=" + enc("伊塘镇") + "&village=" + enc("某村"),
        township, null), 403, "operator-out-of-scope");
    assertThat(call(HttpMethod.GET, "/api/v1/operator/postings/431103/medical?township=" + enc("黄阳司镇") + "&village="
        + enc("黄阳司村"), township, null).statusCode()).isEqualTo(200);

    // a district administrator creates accounts inside the district only
    String district = g.operatorToken(Role.ADMIN, new Scope("431103", null, null));
    JsonObject outside = new JsonObject().put("username", "collector-hd").put("role", "village").put("region", "371312")
        .put("township", "汤头街道").put("village", "汤头村").put("password", "a-long-enough-password");
    assertProblem(call(HttpMethod.POST, "/api/v1/operator/accounts", district, outside), 403, "operator-out-of-scope");
    assertProblem(call(HttpMethod.POST, "/api/v1/operator/accounts", district, outside.copy().put("region", "431103")
        .put("township", "黄阳司镇").put("village", "黄阳司村").put("password", "short")), 400, "invalid-request");
    HttpResponse<Buffer> created = call(HttpMethod.POST, "/api/v1/operator/accounts", district, outside.copy().put("region", "431103")
        .put("township", "黄阳司镇").put("village", "黄阳司村"));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    assertProblem(call(HttpMethod.POST, "/api/v1/operator/accounts", district, outside.copy().put("region", "431103")
        .put("township", "黄阳司镇").put("village", "黄阳司村")), 409, "account-exists");
    String collector = g.login("collector-hd", "a-long-enough-password");
    JsonObject mine = call(HttpMethod.GET, "/api/v1/operator/progress/431103/medical", collector, null).bodyAsJsonObject();
    assertThat(mine.getJsonArray("townships")).singleElement().satisfies(t -> {
      assertThat(((JsonObject) t).getLong("enrolled")).isEqualTo(2);
      assertThat(((JsonObject) t).getValue("target")).isNull(); // the township's target is not the village's
    });

    // the collector's roster upload changes only its own village
    String csv = "region_code,township,village,household,id_number,name\n"
        + "431103,黄阳司镇,黄阳司村,LS9," + TestGateway.id("431103", "1990-01-01", 151) + ",刘九\n"
        + "431103,黄阳司镇,另一村,LS8," + TestGateway.id("431103", "1990-01-02", 152) + ",刘八\n";
    JsonObject report = call(HttpMethod.POST, "/api/v1/operator/rosters?file=ls.csv", collector, csv).bodyAsJsonObject();
    assertThat(report.getInteger("imported")).isEqualTo(1);
    assertThat(report.getJsonArray("rejected")).singleElement().satisfies(o -> {
      assertThat(((JsonObject) o).getInteger("line")).isEqualTo(3);
      assertThat(((JsonObject) o).getString("reason")).startsWith("outside your scope");
    });
    assertThat(scalar("select count(*) from person where name = '刘八'")).isEqualTo("0");

    // a disabled account's logins end at once
    HttpResponse<Buffer> off = call(HttpMethod.POST, "/api/v1/operator/accounts/collector-hd/disable", district, null);
    assertThat(off.statusCode()).as(off.bodyAsString()).isEqualTo(204);
    assertProblem(call(HttpMethod.GET, "/api/v1/operator/me", collector, null), 401, "operator-unauthorized");
    assertProblem(g.post("/api/v1/operator/login", new JsonObject().put("username", "collector-hd")
        .put("password", "a-long-enough-password")), 401, "operator-login-failed");
    assertProblem(call(HttpMethod.POST, "/api/v1/operator/accounts/admin/disable", district, null), 403, "operator-out-of-scope");
  }

  @Test
  void everyActionIsAuditedWithWhoWhenWhatAndBeforeAfter() throws Exception {
    String township = g.operatorToken(Role.TOWNSHIP, new Scope("431103", "黄阳司镇", null));
    String who = call(HttpMethod.GET, "/api/v1/operator/me", township, null).bodyAsJsonObject().getString("username");
    call(HttpMethod.GET, "/api/v1/operator/progress/371312/medical", township, null); // denied: audited too
    call(HttpMethod.GET, "/api/v1/operator/progress/431103/medical", township, null);
    HttpResponse<Buffer> kiosk = call(HttpMethod.POST, "/api/v1/operator/kiosks", admin, new JsonObject().put("kioskId", "audit-kiosk-1")
        .put("regionCode", "431103").put("publicKey", pem()));
    assertThat(kiosk.statusCode()).as(kiosk.bodyAsString()).isEqualTo(201);
    // rows are written once each answer has gone out
    JsonArray entries = Eventually.until("the three audit rows of " + who,
        () -> call(HttpMethod.GET, "/api/v1/operator/audit?actor=" + who, admin, null).bodyAsJsonObject().getJsonArray("entries"),
        e -> e.size() >= 3);
    assertThat(entries.stream().map(o -> ((JsonObject) o).getString("action") + " " + ((JsonObject) o).getInteger("status")))
        .contains("progress.read 403", "progress.read 200", "GET /api/v1/operator/me 200");
    JsonObject denied = entries.stream().map(o -> (JsonObject) o).filter(e -> e.getInteger("status") == 403).findFirst().orElseThrow();
    assertThat(denied.getString("role")).isEqualTo("township");
    assertThat(denied.getString("scope")).isEqualTo("431103/黄阳司镇");
    assertThat(denied.getString("path")).isEqualTo("/api/v1/operator/progress/371312/medical");
    assertThat(denied.getString("requestId")).isNotBlank();
    assertThat(denied.getString("at")).isNotBlank();

    JsonArray adminRows = call(HttpMethod.GET, "/api/v1/operator/audit?actor=admin", admin, null).bodyAsJsonObject().getJsonArray("entries");
    JsonObject change = adminRows.stream().map(o -> (JsonObject) o).filter(e -> "kiosk.register".equals(e.getString("action"))
        && e.getValue("status") == null).findFirst().orElseThrow();
    assertThat(change.getString("subject")).isEqualTo("audit-kiosk-1");
    assertThat(change.getValue("after").toString()).contains("431103");
    HttpResponse<Buffer> again = call(HttpMethod.POST, "/api/v1/operator/kiosks", admin, new JsonObject().put("kioskId", "audit-kiosk-1")
        .put("regionCode", "431103").put("publicKey", pem()));
    assertThat(again.statusCode()).isEqualTo(200);
    // a region code that is not one (the word "null", letters) is refused, and the kiosk keeps its region
    assertProblem(call(HttpMethod.POST, "/api/v1/operator/kiosks", admin, new JsonObject().put("kioskId", "audit-kiosk-1")
        .put("regionCode", "null").put("publicKey", pem())), 400, "invalid-request");
    assertThat(scalar("select region_code from kiosk where id = 'audit-kiosk-1'")).isEqualTo("431103");
    assertThat(scalar("select before::text from audit_log where action = 'kiosk.register' and subject = 'audit-kiosk-1'"
        + " and before is not null")).contains("\"keyChanged\": true");
    // the district admin of another district does not read this township's rows
    String other = g.operatorToken(Role.ADMIN, new Scope("371312", null, null));
    assertThat(call(HttpMethod.GET, "/api/v1/operator/audit?actor=" + who, other, null).bodyAsJsonObject().getJsonArray("entries")).isEmpty();
    assertProblem(call(HttpMethod.GET, "/api/v1/operator/audit?limit=0", admin, null), 400, "invalid-request");
  }

  static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String pem() throws Exception {
    var gen = java.security.KeyPairGenerator.getInstance("EC");
    gen.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    return "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(gen.generateKeyPair().getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
  }
}
