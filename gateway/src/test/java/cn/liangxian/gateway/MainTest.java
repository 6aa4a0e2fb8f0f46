package cn.liangxian.gateway;

import cn.liangxian.gateway.support.TestGateway;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  @TempDir
  Path dir;

  /** A command run here sends this JVM's log lines to standard error: back to standard output for the tests after it. */
  @org.junit.jupiter.api.AfterEach
  void logsBackToStandardOutput() {
    cn.liangxian.gateway.logging.BatchedConsoleAppender.toStandardOutput();
  }


  private String run(Map<String, String> env) {
    PrintStream err = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertThat(Main.run(new String[0], env)).isEqualTo(2);
    } finally {
      System.setErr(err);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * A deployment's keys are made once by {@code keys generate}, then copied to every instance: real keys, none marked a
   * demo key, which each instance reads as they are; made again over them, refused, nothing written.
   */
  @Test
  void keysGenerateMakesADeploymentsKeysOnceAndNeverOverThemAgain() throws Exception {
    Path keys = dir.resolve("deployment-keys");
    Map<String, String> env = Map.of("GATEWAY_CONFIG", TestGateway.repo().resolve("config/gateway.yaml").toString());
    PrintStream out = System.out;
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    System.setOut(new PrintStream(said, true, StandardCharsets.UTF_8));
    int status;
    try {
      status = Main.run(new String[] {"keys", "generate", keys.toString()}, env);
    } finally {
      System.setOut(out);
    }
    assertThat(status).as(said.toString(StandardCharsets.UTF_8)).isZero();
    try (var files = Files.list(keys)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("id-sm4.key", "id-index.key",
          "handoff-key.pem", "handoff-key.pub.pem", "operator-admin.password");
    }
    // read as an instance reads its key folder: the keys themselves, nothing generated, no demo mark
    var cipher = cn.liangxian.gateway.privacy.PersonalDataCipher.load(keys, Map.of());
    assertThat(cipher.decrypt(cipher.encrypt("371312198001011231"))).isEqualTo("371312198001011231");
    assertThat(cn.liangxian.gateway.handoff.ExchangeKeys.load(keys, "handoff-key.pem", "SM2").made()).isFalse();
    try (var files = Files.list(keys)) {
      assertThat(files.map(f -> f.getFileName().toString())).noneMatch(f -> f.endsWith(".demo"));
    }
    if (keys.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("id-sm4.key"))))
          .isEqualTo("rw-------");
    }
    String before = Files.readString(keys.resolve("id-sm4.key"));
    assertThat(runExpecting(new String[] {"keys", "generate", keys.toString()}, env, 2)).contains("is there already");
    assertThat(Files.readString(keys.resolve("id-sm4.key"))).isEqualTo(before);
  }

  private String runExpecting(String[] args, Map<String, String> env, int expected) {
    PrintStream err = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertThat(Main.run(args, env)).isEqualTo(expected);
    } finally {
      System.setErr(err);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** A command whose database cannot be reached says so in a line naming it, never a stack trace. */
  @Test
  void aCommandWhoseDatabaseCannotBeReachedSaysSoInOneLine() throws Exception {
    Path csv = Files.writeString(dir.resolve("r.csv"), "region_code,township,village,household,id_number,name\n");
    try (java.net.Socket held = new java.net.Socket()) {
      // a loopback port bound and never listening: refused for as long as the test holds it
      held.setReuseAddress(false);
      held.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
      String url = "postgresql://lx:secret@127.0.0.1:" + held.getLocalPort() + "/liangxian";
      PrintStream err = System.err;
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
      int status;
      try {
        status = Main.run(new String[] {"roster", "import", csv.toString()}, Map.of("GATEWAY_DB_URL", url,
            "GATEWAY_CONFIG", TestGateway.repo().resolve("config/gateway.yaml").toString(), "GATEWAY_DATA_DIR", dir.toString(),
            "GATEWAY_POLICY_DIR", TestGateway.repo().resolve("config/policies").toString()));
      } finally {
        System.setErr(err);
      }
      String said = out.toString(StandardCharsets.UTF_8);
      assertThat(status).as(said).isEqualTo(2);
      assertThat(said.lines().filter(l -> l.startsWith("gateway: "))).singleElement().asString()
          .startsWith("gateway: the database at 127.0.0.1:" + held.getLocalPort() + "/liangxian cannot be reached or migrated: ");
      assertThat(said).doesNotContain("\tat ", "secret");
    }
  }

  @Test
  void aTypoInTheConfigurationStopsTheStartWithOneLineNamingFileAndKey() throws Exception {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, Files.readString(TestGateway.repo().resolve("config/gateway.yaml")).replace("  sandbox: true", "  sandbx: true"));
    String said = run(Map.of("GATEWAY_CONFIG", file.toString(), "GATEWAY_DATA_DIR", dir.toString()));
    assertThat(said.lines()).containsExactly("gateway: " + file + ": demo.sandbx is not a setting; accepted here: roster, sandbox,"
        + " sandboxPort");
    assertThat(dir.resolve("postgres")).doesNotExist();
  }

  @Test
  void aMistypedBooleanInTheEnvironmentStopsTheStart() throws Exception {
    String said = run(Map.of("GATEWAY_CONFIG", TestGateway.repo().resolve("config/gateway.yaml").toString(), "GATEWAY_DEMO_ROSTER", "ture",
        "GATEWAY_DATA_DIR", dir.toString()));
    assertThat(said.lines()).singleElement().asString().endsWith("demo.roster (GATEWAY_DEMO_ROSTER) must be true or false, got 'ture'");
  }

  @Test
  void aPolicyBookWithAMisspelledFieldStopsTheStartWithOneLineNamingFileAndLine() throws Exception {
    Path books = Files.createDirectory(dir.resolve("books"));
    try (var files = Files.list(TestGateway.repo().resolve("config/policies"))) {
      for (Path f : files.toList()) {
        Files.copy(f, books.resolve(f.getFileName()));
      }
    }
    Path hedong = books.resolve("hedong-2020.yaml");
    Files.writeString(hedong, Files.readString(hedong).replaceFirst("reductions: true", "reduction: true"));
    String said = run(Map.of("GATEWAY_CONFIG", TestGateway.repo().resolve("config/gateway.yaml").toString(),
        "GATEWAY_POLICY_DIR", books.toString(), "GATEWAY_DATA_DIR", dir.toString()));
    assertThat(said.lines()).singleElement().asString().startsWith("gateway: ").contains("hedong-2020.yaml:19", "reduction");
    assertThat(dir.resolve("postgres")).doesNotExist();
  }

  @Test
  void aPolicyBookMissingFromThePolicyFolderStopsTheStartWithOneLineNamingIt() throws Exception {
    Path books = Files.createDirectory(dir.resolve("books"));
    String said = run(Map.of("GATEWAY_CONFIG", TestGateway.repo().resolve("config/gateway.yaml").toString(),
        "GATEWAY_POLICY_DIR", books.toString(), "GATEWAY_DATA_DIR", dir.toString()));
    assertThat(said.lines()).singleElement().asString()
        .startsWith("gateway: region 371312: policy book " + books.resolve("hedong-2020.yaml") + " not found")
        .contains("GATEWAY_POLICY_DIR");
    assertThat(dir.resolve("postgres")).doesNotExist();
  }

  @Test
  void aDatabaseWhoseSchemaHistoryThisVersionCannotFollowStopsTheStartWithOneLine() throws Exception {
    // a database migrated by another version: its history names a migration this one does not have
    var db = TestGateway.server().createDatabase("other_version_" + ProcessHandle.current().pid());
    db.migrate();
    try (var c = db.connect(); var st = c.createStatement()) {
      st.execute("insert into flyway_schema_history (installed_rank, version, description, type, script, checksum,"
          + " installed_by, execution_time, success) select max(installed_rank) + 1, '1.5', 'elsewhere', 'SQL',"
          + " 'V1_5__elsewhere.sql', 1, current_user, 1, true from flyway_schema_history");
    }
    String url = TestGateway.dbUrl(db);
    String said = run(Map.of("GATEWAY_CONFIG", TestGateway.repo().resolve("config/gateway.yaml").toString(),
        "GATEWAY_POLICY_DIR", TestGateway.repo().resolve("config/policies").toString(),
        "GATEWAY_TARGETS_DIR", TestGateway.repo().resolve("config/targets").toString(),
        "GATEWAY_DB_URL", url, "GATEWAY_DATA_DIR", dir.toString(), "GATEWAY_DB_START_WAIT_SECONDS", "0"));
    assertThat(said.lines()).singleElement().asString()
        .startsWith("gateway: the database at ")
        .contains("cannot be brought to this version's schema")
        .contains("1.5")
        .doesNotContain(db.password());
  }

  @Test
  void aPortAnotherProcessHoldsStopsTheStartWithOneLineNamingItNotAWaitForTheDatabase() throws Exception {
    var db = TestGateway.server().createDatabase("port_taken_" + ProcessHandle.current().pid());
    String url = TestGateway.dbUrl(db);
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
      String said = run(Map.of("GATEWAY_CONFIG", TestGateway.repo().resolve("config/gateway.yaml").toString(),
          "GATEWAY_POLICY_DIR", TestGateway.repo().resolve("config/policies").toString(),
          "GATEWAY_TARGETS_DIR", TestGateway.repo().resolve("config/targets").toString(), "GATEWAY_DEMO_ROSTER", "false",
          "GATEWAY_DB_URL", url, "GATEWAY_DATA_DIR", dir.toString(), "GATEWAY_PORT", Integer.toString(taken.getLocalPort()),
          "GATEWAY_SANDBOX_PORT", "0"));
      assertThat(said.lines()).singleElement().asString().startsWith("gateway: ")
          .contains("cannot listen on", ":" + taken.getLocalPort() + " (http.port, GATEWAY_PORT)");
    }
    // a port of our own taken is not the database being away: nothing to wait for
    assertThat(cn.liangxian.gateway.db.Database.unavailable(new IllegalStateException(new java.net.BindException("in use")))).isFalse();
    assertThat(cn.liangxian.gateway.db.Database.unavailable(new java.net.ConnectException("refused"))).isTrue();
  }

  @Test
  void rosterGenerateRefusesACountThatIsNotOne() throws Exception {
    for (String count : new String[] {"x", "-5", "0"}) {
      PrintStream err = System.err;
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
      try {
        assertThat(Main.run(new String[] {"roster", "generate", count, dir.resolve("r" + count).toString()}, Map.of())).isEqualTo(2);
      } finally {
        System.setErr(err);
      }
      assertThat(out.toString(StandardCharsets.UTF_8).lines()).singleElement().asString()
          .startsWith("gateway: roster generate: <households> must be");
      assertThat(dir.resolve("r" + count)).doesNotExist();
    }
  }

  @Test
  void callbackShowRefusesAnArgumentThatIsNeitherARowNorAnOrder() {
    for (String which : new String[] {"x", "12;drop", "3f0c1d2e"}) {
      PrintStream err = System.err;
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
      try {
        assertThat(Main.run(new String[] {"callback", "show", which}, Map.of("GATEWAY_DATA_DIR", dir.toString()))).isEqualTo(2);
      } finally {
        System.setErr(err);
      }
      assertThat(out.toString(StandardCharsets.UTF_8).lines()).singleElement().asString()
          .startsWith("gateway: callback show: give a row of callback_log by its number, or an order by its id").contains(which);
      assertThat(dir.resolve("postgres")).doesNotExist();
    }
  }

  /** `callback show … > dispute.txt` saved the log lines (demo keys, the embedded database starting) with the answer. */
  @Test
  void aCommandLogsToStandardErrorSoThatItsOutputIsItsAnswerAlone() {
    cn.liangxian.gateway.logging.BatchedConsoleAppender.toStandardOutput();
    PrintStream out = System.out;
    System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    try {
      assertThat(Main.run(new String[] {"--help"}, Map.of())).isZero();
    } finally {
      System.setOut(out);
    }
    assertThat(cn.liangxian.gateway.logging.BatchedConsoleAppender.logsToStandardError()).isTrue();
  }

  @Test
  void callbackShowWhereNoDeploymentIsMakesNoneAndSaysWhatToSet() {
    PrintStream err = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertThat(Main.run(new String[] {"callback", "show", "42"}, Map.of("GATEWAY_CONFIG",
          TestGateway.repo().resolve("config/gateway.yaml").toString(), "GATEWAY_DATA_DIR", dir.toString(),
          "GATEWAY_KEY_DIR", dir.resolve("keys").toString()))).isEqualTo(2);
    } finally {
      System.setErr(err);
    }
    assertThat(out.toString(StandardCharsets.UTF_8).lines()).singleElement().asString()
        .startsWith("gateway: callback show: no deployment here: set GATEWAY_DB_URL");
    assertThat(dir.resolve("postgres")).doesNotExist();
    assertThat(dir.resolve("keys")).doesNotExist();
  }

  private static Map<String, String> with(Map<String, String> env, String key, String value) {
    Map<String, String> more = new java.util.HashMap<>(env);
    more.put(key, value);
    return more;
  }

  private int run(Map<String, String> env, String... args) {
    return Main.run(args, env);
  }

  @Test
  void demoResetRemovesTheEmbeddedDemoDatabaseOnlyAndNeverAnotherOrOneInUse() throws Exception {
    Path pg = Files.createDirectories(dir.resolve("postgres").resolve("base"));
    Files.writeString(pg.resolve("PG_VERSION"), "15\n");
    Map<String, String> env = Map.of("GATEWAY_CONFIG", TestGateway.repo().resolve("config/gateway.yaml").toString(),
        "GATEWAY_DATA_DIR", dir.toString(), "GATEWAY_POLICY_DIR", TestGateway.repo().resolve("config/policies").toString(),
        "GATEWAY_TARGETS_DIR", TestGateway.repo().resolve("config/targets").toString());
    // a database elsewhere, or a real roster, is never touched
    assertThat(run(with(env, "GATEWAY_DB_URL", "postgresql://u:p@127.0.0.1:1/x"), "demo", "reset")).isEqualTo(2);
    assertThat(run(with(env, "GATEWAY_DEMO_ROSTER", "false"), "demo", "reset")).isEqualTo(2);
    // a server still running on it (this very process stands in for it)
    Files.writeString(dir.resolve("postgres").resolve("postmaster.pid"), ProcessHandle.current().pid() + "\n");
    assertThat(run(env, "demo", "reset")).isEqualTo(2);
    assertThat(pg).isDirectory();
    // a stale pid file: the server is gone
    Files.writeString(dir.resolve("postgres").resolve("postmaster.pid"), "2147483000\n");
    assertThat(run(env, "demo", "reset")).isZero();
    assertThat(dir.resolve("postgres")).doesNotExist();
    assertThat(run(env, "demo", "reset")).as("nothing left to reset").isZero();
  }
}
