package cn.liangxian.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.liangxian.gateway.support.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayOptionsTest {


  @Test
  void theShippedConfigurationLoadsWithEveryRegionPinnedInsideItsWindow() throws Exception {
    GatewayOptions c = GatewayOptions.fromYaml(Files.readString(TestGateway.repo().resolve("config/gateway.yaml")), Map.of());
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.regions()).extracting(GatewayOptions.RegionBook::code)
        .containsExactlyInAnyOrder("371312", "370405", "370404", "431103", "320682");
    assertThat(c.regions()).allSatisfy(r -> assertThat(r.payDate()).isNotNull());
    assertThat(c.demoRoster()).isTrue();
  }

  @Test
  void aRegionHasOneBookOrAListOfBooksNeverBothNorNone() throws Exception {
    String one = "{code: \"371312\", book: hedong-2020.yaml, payDate: 2019-12-15}";
    GatewayOptions c = GatewayOptions.fromYaml(shipped().replace(one,
        "{code: \"371312\", books: [hedong-2020.yaml, hedong-2021.yaml]}"), Map.of());
    GatewayOptions.RegionBook hedong = c.regions().stream().filter(r -> r.code().equals("371312")).findFirst().orElseThrow();
    assertThat(hedong.books()).containsExactly("hedong-2020.yaml", "hedong-2021.yaml");
    assertThat(hedong.payDate()).isNull();
    assertThat(GatewayOptions.fromYaml(shipped(), Map.of()).regions().get(0).books()).containsExactly("hedong-2020.yaml");
    assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped().replace(one,
        "{code: \"371312\", book: hedong-2020.yaml, books: [hedong-2021.yaml]}"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("regions[0].book and books both given");
    assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped().replace(one, "{code: \"371312\"}"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("regions[0].book is required");
    assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped().replace(one, "{code: \"371312\", books: hedong-2020.yaml}"),
        Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("regions[0].books must be a list");
  }

  @Test
  void environmentOverridesTheFile() throws Exception {
    GatewayOptions c = GatewayOptions.fromYaml(Files.readString(TestGateway.repo().resolve("config/gateway.yaml")),
        Map.of("GATEWAY_PORT", "9191", "GATEWAY_LOOKUPS_PER_MINUTE_PER_ADDRESS", "42"));
    assertThat(c.httpPort()).isEqualTo(9191);
    assertThat(c.lookupsPerMinutePerAddress()).isEqualTo(42);
  }

  @Test
  void admissionLimitsHaveDefaultsTheEnvironmentOverridesAndAreChecked() throws Exception {
    GatewayOptions c = GatewayOptions.fromYaml(shipped(), Map.of("GATEWAY_ADMISSION_LOOKUPS", "0"));
    assertThat(c.admission().lookups()).isZero();
    assertThat(c.admission().orderReads()).isPositive();
    assertThat(GatewayOptions.fromYaml("demo:\n  roster: true\n", Map.of()).admission().total()).isEqualTo(512);
    assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped(), Map.of("GATEWAY_ADMISSION_TOTAL", "0")))
        .hasMessageContaining("admission.total (GATEWAY_ADMISSION_TOTAL)");
    assertThatThrownBy(() -> GatewayOptions.fromYaml("admission:\n  lookup: 3\n", Map.of()))
        .hasMessageContaining("admission.lookup");
  }

  @Test
  void theSigningPoolAndTheKeptAnswersAreSizedInTheFileTheEnvironmentOverridesAndATypoStops() throws Exception {
    GatewayOptions c = GatewayOptions.fromYaml(shipped(), Map.of());
    assertThat(c.signingWorkers()).isEqualTo(2);
    assertThat(c.cachedHouseholds()).isEqualTo(50_000);
    GatewayOptions e = GatewayOptions.fromYaml(shipped(), Map.of("GATEWAY_SIGNING_WORKERS", "6", "GATEWAY_LOOKUP_CACHED_HOUSEHOLDS", "0"));
    assertThat(e.signingWorkers()).isEqualTo(6);
    assertThat(e.cachedHouseholds()).isZero();
    assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped().replace("  signingWorkers: 2", "  signingWorker: 2"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("config/gateway.yaml: channels.signingWorker is not a setting");
    assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped(), Map.of("GATEWAY_SIGNING_WORKERS", "0")))
        .hasMessageContaining("channels.signingWorkers (GATEWAY_SIGNING_WORKERS)");
    assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped().replace("  cachedHouseholds: 50000", "  cachedHousehold: 50000"),
        Map.of())).hasMessageStartingWith("config/gateway.yaml: lookup.cachedHousehold is not a setting");
  }

  @Test
  void eventLoopsAreOneACoreUnlessConfiguredAndOutOfRangeStops() throws Exception {
    assertThat(GatewayOptions.fromYaml(shipped(), Map.of()).eventLoops()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(GatewayOptions.fromYaml(shipped(), Map.of("GATEWAY_EVENT_LOOPS", "3")).eventLoops()).isEqualTo(3);
    assertThat(GatewayOptions.fromYaml(shipped().replace("  eventLoops: 0", "  eventLoops: 1"), Map.of()).eventLoops()).isEqualTo(1);
    for (String out : new String[] {"-1", "257"}) {
      assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped(), Map.of("GATEWAY_EVENT_LOOPS", out)))
          .isInstanceOf(ConfigException.class).hasMessageContaining("http.eventLoops (GATEWAY_EVENT_LOOPS)");
    }
    assertThat(GatewayOptions.fromYaml(shipped(), Map.of("GATEWAY_EVENT_LOOPS", "256")).eventLoops()).isEqualTo(256);
    assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped().replace("  eventLoops: 0", "  eventLoop: 0"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("config/gateway.yaml: http.eventLoop is not a setting");
  }

  @Test
  void aKeyGivenTwiceIsRefusedRatherThanSilentlyOverridden() {
    assertThatThrownBy(() -> GatewayOptions.fromYaml("http:\n  port: 1\ndemo:\n  roster: true\nhttp:\n  port: 2\n", Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http");
    assertThatThrownBy(() -> GatewayOptions.fromYaml("- a\n- b\n", Map.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void channelsAndAnExternalDatabaseComeFromTheFileAndTheEnvironment() throws Exception {
    String yaml = Files.readString(TestGateway.repo().resolve("config/gateway.yaml"));
    GatewayOptions c = GatewayOptions.fromYaml(yaml, Map.of("PGHOST", "db.example", "PGUSER", "lx"));
    assertThat(c.wechat().baseUrl()).isEqualTo("https://api.mch.weixin.qq.com");
    assertThat(c.sandbox()).isTrue();
    assertThat(c.databaseUrl()).contains("postgresql://lx@db.example:5432/lx");
    assertThat(c.postgresVariablesWithoutHost()).isEmpty();
    // behind a balancer, the balancers are named: an X-Forwarded-For believed from every peer is anyone's to forge
    assertThatThrownBy(() -> GatewayOptions.fromYaml(yaml, Map.of("GATEWAY_BEHIND_PROXY", "true")))
        .hasMessageContaining("http.behindProxy (GATEWAY_BEHIND_PROXY) needs http.trustedProxies (GATEWAY_TRUSTED_PROXIES)");
    assertThatThrownBy(() -> GatewayOptions.fromYaml(yaml, Map.of("GATEWAY_BEHIND_PROXY", "true", "GATEWAY_TRUSTED_PROXIES", "lb1")))
        .hasMessageContaining("http.trustedProxies (GATEWAY_TRUSTED_PROXIES): 'lb1' is not an address");
    assertThat(GatewayOptions.fromYaml(yaml, Map.of("GATEWAY_BEHIND_PROXY", "true", "GATEWAY_TRUSTED_PROXIES", "10.0.1.10"))
        .trustedProxies().trusts("10.0.1.10")).isTrue();
    // PGHOST misspelt: the others are named at start-up as unused, the embedded database starting in their place
    GatewayOptions misspelt = GatewayOptions.fromYaml(yaml, Map.of("PG_HOST", "db.example", "PGUSER", "lx", "PGPASSWORD", "p"));
    assertThat(misspelt.databaseUrl()).isEmpty();
    assertThat(misspelt.postgresVariablesWithoutHost()).containsExactly("PGUSER", "PGPASSWORD");
    assertThatThrownBy(() -> GatewayOptions.fromYaml(yaml, Map.of("GATEWAY_PORT", "eighty")).httpPort())
        .hasMessageContaining("http.port (GATEWAY_PORT) must be a whole number");
  }

  private static String shipped() throws Exception {
    return Files.readString(TestGateway.repo().resolve("config/gateway.yaml"));
  }

  /**
   * On a deployment's database (several instances may share it) a receiver given daily files needs a folder they all
   * share: the default, under one machine's data directory, would keep the days other machines claim from the agency.
   */
  @Test
  void dailyFilesOnADeploymentsDatabaseNeedAFolderNamedForThem() throws Exception {
    String yaml = shipped().replace("  receivers: []\n", "  receivers:\n    - {name: rugao-pension, region: \"320682\","
        + " insurance: pension, transport: file, charset: GB18030, keyFile: no-such.pub.pem}\n");
    Map<String, String> external = Map.of("GATEWAY_DB_URL", "postgresql://u:secret@db.example:5432/liangxian");
    assertThatThrownBy(() -> cn.liangxian.gateway.handoff.HandoffSetup.configured(GatewayOptions.fromYaml(yaml, external)))
        .hasMessageStartingWith("handoff.receivers rugao-pension: daily files need a folder every instance shares")
        .hasMessageContaining("GATEWAY_HANDOFF_FILE_FOLDER");
    // with one named, or on the embedded database (one instance), the next check is the receiver's key
    Map<String, String> shared = Map.of("GATEWAY_DB_URL", "postgresql://u:secret@db.example:5432/liangxian",
        "GATEWAY_HANDOFF_FILE_FOLDER", "/srv/sftp");
    for (Map<String, String> env : List.of(shared, Map.<String, String>of())) {
      assertThatThrownBy(() -> cn.liangxian.gateway.handoff.HandoffSetup.configured(GatewayOptions.fromYaml(yaml, env)))
          .hasMessageContaining("cannot read its public key");
    }
  }

  @Test
  void anUnknownKeyStopsTheStartNamingTheFileTheKeyAndWhatIsAccepted() throws Exception {
    String typo = shipped().replace("  maxBodyBytes: 65536", "  maxBodyByte: 65536");
    assertThatThrownBy(() -> GatewayOptions.fromYaml(typo, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("config/gateway.yaml: http.maxBodyByte is not a setting; accepted here: port, host, maxBodyBytes, ")
        .hasMessageContaining("requestReadTimeoutMillis").hasMessageContaining("publicBaseUrl");
    assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped() + "\nmetrcs:\n  on: true\n", Map.of()))
        .hasMessageStartingWith("config/gateway.yaml: metrcs is not a setting; accepted here: http, database");
    assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped().replace("{code: \"371312\", book:", "{code: \"371312\", bok:"),
        Map.of())).hasMessageStartingWith("config/gateway.yaml: regions[0].book is required");
  }

  @Test
  void aValueOfTheWrongTypeIsRefusedNotReadAsADefault() throws Exception {
    assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped().replace("  poolSize: 8", "  poolSize: eight"), Map.of()))
        .hasMessage("config/gateway.yaml: database.poolSize (GATEWAY_DB_POOL_SIZE) must be a whole number, got 'eight'");
    assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped().replace("  port: 8080 ", "  port: 80800 "), Map.of()))
        .hasMessage("config/gateway.yaml: http.port (GATEWAY_PORT) must be between 0 and 65535, got 80800");
    // a day done against no bill is looked at again a day after its due time: one day of look-back would never see it
    assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped(), Map.of("GATEWAY_RECONCILIATION_LOOK_BACK_DAYS", "1")))
        .hasMessage("config/gateway.yaml: reconciliation.lookBackDays (GATEWAY_RECONCILIATION_LOOK_BACK_DAYS) must be between 2"
            + " and 90, got 1");
    assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped().replace("payDate: 2019-12-15", "payDate: 15.12.2019"), Map.of()))
        .hasMessageStartingWith("config/gateway.yaml: regions[0].payDate must be a date YYYY-MM-DD");
    // YAML 1.1 would make these a day in January, a boolean and an octal number: each is read as written, or refused
    assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped().replace("payDate: 2019-12-15", "payDate: 2019-12-32"), Map.of()))
        .hasMessage("config/gateway.yaml: regions[0].payDate must be a date YYYY-MM-DD, got '2019-12-32'");
    assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped().replace("payDate: 2019-12-15", "payDate: 2019-02-30"), Map.of()))
        .hasMessage("config/gateway.yaml: regions[0].payDate must be a date YYYY-MM-DD, got '2019-02-30'");
    assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped().replace("behindProxy: false", "behindProxy: yes"), Map.of()))
        .hasMessage("config/gateway.yaml: http.behindProxy (GATEWAY_BEHIND_PROXY) must be true or false, got 'yes'");
    assertThat(GatewayOptions.fromYaml(shipped().replace("expiryMinutes: 15", "expiryMinutes: 015"), Map.of()).orderExpiryMinutes())
        .isEqualTo(15);
    assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped().replace("dir: config/policies", "dir: [a, b]"), Map.of()))
        .hasMessage("config/gateway.yaml: policies.dir (GATEWAY_POLICY_DIR) must be a text, not a list");
  }

  @Test
  void aMistypedBooleanOrChoiceIsRefusedRatherThanMeaningFalse() throws Exception {
    assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped(), Map.of("GATEWAY_SANDBOX", "flase")))
        .hasMessage("config/gateway.yaml: demo.sandbox (GATEWAY_SANDBOX) must be true or false, got 'flase'");
    assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped().replace("  roster: true ", "  roster: yes please "), Map.of()))
        .hasMessageStartingWith("config/gateway.yaml: demo.roster (GATEWAY_DEMO_ROSTER) must be true or false");
    assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped().replace("scheme: RSA ", "scheme: SM3 "), Map.of()))
        .hasMessage("config/gateway.yaml: channels.wechat.scheme 'SM3' is not one of RSA, SM2");
    assertThat(GatewayOptions.fromYaml(shipped(), Map.of("GATEWAY_DEMO_ROSTER", "FALSE")).demoRoster()).isFalse();
  }

  @Test
  void aMisspelledEnvironmentVariableIsRefused() throws Exception {
    assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped(), Map.of("GATEWAY_PROT", "9000")))
        .hasMessageStartingWith("environment: GATEWAY_PROT is not a setting; accepted: ")
        .hasMessageContaining("GATEWAY_PORT");
    assertThat(GatewayOptions.fromYaml(shipped(), Map.of("GATEWAY_ID_SM4_KEY", "x", "HOME", "/root")).httpPort()).isEqualTo(8080);
  }

  @Test
  void everyGatewayVariableTheDocumentsOrTheCodeNameIsAccepted() throws Exception {
    java.util.Set<String> named = new java.util.TreeSet<>();
    java.util.regex.Pattern variable = java.util.regex.Pattern.compile("(?<![A-Z0-9_])GATEWAY_[A-Z0-9_]+");
    java.util.List<Path> sources = new java.util.ArrayList<>(java.util.List.of(TestGateway.repo().resolve("README.md"),
        TestGateway.repo().resolve("config/gateway.yaml"), TestGateway.repo().resolve("kiosk-agent/README.md")));
    for (String tree : new String[] {"gateway/src/main/java", "kiosk-agent/src/main/java"}) {
      try (var files = Files.walk(TestGateway.repo().resolve(tree))) {
        files.filter(f -> f.toString().endsWith(".java")).forEach(sources::add);
      }
    }
    // in the documents every mention; in the code the names it reads (string literals), not its constants' names
    java.util.regex.Pattern read = java.util.regex.Pattern.compile("\"(GATEWAY_[A-Z0-9_]+)\"");
    for (Path f : sources) {
      java.util.regex.Matcher m = (f.toString().endsWith(".java") ? read : variable).matcher(Files.readString(f));
      while (m.find()) {
        named.add(m.group(m.groupCount()));
      }
    }
    assertThat(named).contains("GATEWAY_UNIONPAY_SIGN_KEY", "GATEWAY_OPERATOR_USER", "GATEWAY_PORT");
    for (String v : named) {
      // a value the setting may refuse (a word for a number): only "not a setting" would be wrong here
      try {
        GatewayOptions.fromYaml(shipped(), Map.of(v, "x"));
      } catch (ConfigException e) {
        assertThat(e.getMessage()).as(v).doesNotContain("is not a setting");
      }
    }
  }

  @Test
  void aDatabaseAddressThatIsNotOneIsRefusedNamingTheVariableNeverThePassword() throws Exception {
    assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped(), Map.of("GATEWAY_DB_URL", "garbage")))
        .hasMessage("environment: GATEWAY_DB_URL is not a postgresql://user:password@host:port/database address (no host)");
    assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped(), Map.of("GATEWAY_DB_URL", "mysql://u:secret@h/db")))
        .hasMessageContaining("GATEWAY_DB_URL").hasMessageNotContaining("secret");
    assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped(), Map.of("GATEWAY_DB_URL", "postgresql://u:s e@h/db")))
        .hasMessageStartingWith("environment: GATEWAY_DB_URL is not a postgresql://").hasMessageNotContaining("s e");
    assertThatThrownBy(() -> GatewayOptions.fromYaml(shipped(), Map.of("PGHOST", "127.0.0.1", "PGPORT", "abc")))
        .hasMessage("environment: PGPORT must be a port number (1-65535), got 'abc'");
    assertThat(GatewayOptions.fromYaml(shipped(), Map.of("GATEWAY_DB_URL", "postgresql://u:p@db.example:6432/liangxian"))
        .databaseUrl()).contains("postgresql://u:p@db.example:6432/liangxian");
  }

  /** libpq's variables hold the password as it is: one with '@', ':', '/', '#', '+' or a space still reaches the database whole. */
  @Test
  void aPasswordInPgVariablesIsTakenAsItIs() throws Exception {
    for (String password : List.of("p@ss:w/rd#1", "Ab+/x9=", "有 空格%41")) {
      String url = GatewayOptions.fromYaml(shipped(), Map.of("PGHOST", "db.example", "PGUSER", "lx:admin", "PGPASSWORD", password,
          "PGDATABASE", "liangxian")).databaseUrl().orElseThrow();
      cn.liangxian.gateway.db.Database.Address a = cn.liangxian.gateway.db.Database.Address.of(url);
      assertThat(a.password()).isEqualTo(password);
      assertThat(a.user()).isEqualTo("lx:admin");
      assertThat(a.host()).isEqualTo("db.example");
      assertThat(a.database()).isEqualTo("liangxian");
      assertThat(a.toString()).doesNotContain(password);
    }
    // an address written by hand, percent-encoded as addresses are
    assertThat(cn.liangxian.gateway.db.Database.Address.of("postgresql://u:p%40ss%3Aw%2Frd@db.example:6432/lx").password())
        .isEqualTo("p@ss:w/rd");
  }

  @Test
  void theLoadTestsSettingsAreAccepted() throws Exception {
    String script = Files.readString(TestGateway.repo().resolve("loadtest/run.sh"));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(GATEWAY_[A-Z_]+)=(\\S+)").matcher(script);
    Map<String, String> env = new java.util.HashMap<>();
    while (m.find()) {
      // a value the script computes stands for its default (${VAR:-16}), a port ($gw_port) or a folder ($out/data)
      String v = m.group(2);
      env.put(m.group(1), v.startsWith("${") ? v.replaceAll(".*:-([^}]*)}.*", "$1")
          : v.endsWith("port") ? "8181" : v.startsWith("$") ? "loadtest-data" : v);
    }
    assertThat(env).containsKeys("GATEWAY_LOOKUPS_PER_MINUTE", "GATEWAY_DB_POOL_SIZE", "GATEWAY_SANDBOX");
    // the simulators in a process of their own (SIMULATORS=apart) come with the configuration the script writes for
    // them (channels and receivers at the sandbox): the rest holds on the shipped one
    env.remove("GATEWAY_SANDBOX");
    env.remove("GATEWAY_CONFIG");
    assertThat(GatewayOptions.fromYaml(shipped(), env).lookupsPerMinute()).isEqualTo(1_000_000_000);
  }
}
