package cn.liangxian.gateway.db;

import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-command default's process as operators stop it. Killed with SIGKILL, its embedded PostgreSQL
 * survives it, and the very next start must succeed, durably configured and asking for a password. Told to
 * stop (SIGTERM), it drains with that PostgreSQL still answering, then stops it: no server is left behind.
 * (The library's own hook used to stop the server at once, under the requests being finished.)
 */
class CrashRestartTest {
  private static final Pattern API = Pattern.compile("API +http://127\\.0\\.0\\.1:(\\d+)/");

  @TempDir
  Path dir;
  private Process gateway;


  /** {@code java -jar gateway.jar} as a newcomer runs it, on this test's classes; answers the port it listens on. */
  private int startGateway() throws Exception {
    return startGateway(Map.of());
  }

  /** As {@link #startGateway()}, with these settings besides. */
  private int startGateway(Map<String, String> more) throws Exception {
    gateway = main(more).start();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    StringBuilder said = new StringBuilder();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          said.append(line).append('\n');
          Matcher m = API.matcher(line);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(1)));
          }
        }
      } catch (Exception e) {
        port.completeExceptionally(e);
      }
      port.completeExceptionally(new AssertionError("the gateway stopped before it listened:\n" + said));
    });
    reader.setDaemon(true);
    reader.start();
    return port.get(180, TimeUnit.SECONDS);
  }

  /**
   * {@code java -jar gateway.jar <args>} on this test's classes and data directory, as a newcomer runs it (the JVM's compiler
   * and collector aside).
   */
  private ProcessBuilder main(Map<String, String> more, String... args) {
    // C1 only and the serial collector: a process that lives seconds on a busy machine otherwise spends its start compiling
    // with C2 and collecting on threads of its own (the kiosk agent's crash tests start theirs so too)
    List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "cn.liangxian.gateway.Main"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("GATEWAY_") || k.startsWith("PG"));
    env.putAll(Map.of("GATEWAY_CONFIG", TestGateway.repo().resolve("config/gateway.yaml").toString(), "GATEWAY_DATA_DIR", dir.toString(),
        "GATEWAY_PORT", "0", "GATEWAY_SANDBOX_PORT", "0", "GATEWAY_DEMO_ROSTER", "false",
        "GATEWAY_POLICY_DIR", TestGateway.repo().resolve("config/policies").toString(),
        "GATEWAY_TARGETS_DIR", TestGateway.repo().resolve("config/targets").toString()));
    env.putAll(more);
    return pb;
  }

  /** A second process on the same data (an operator's import while the gateway runs) is refused, and changes nothing. */
  private void aSecondProcessIsRefused(int port) throws Exception {
    long postgres = postmasterPid();
    Path roster = dir.resolve("one.csv");
    Files.writeString(roster, Fixture.ROSTER);
    Process second = main(Map.of(), "roster", "import", roster.toString()).start();
    String said = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // until it exits
    assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(second.exitValue()).as(said).isEqualTo(2);
    assertThat(said).contains("belongs to a gateway that still runs (process " + gateway.pid() + ")").doesNotContain("\tat ");
    assertThat(ProcessHandle.of(postgres).map(ProcessHandle::isAlive)).as("the running gateway's PostgreSQL").contains(true);
    assertThat(ready(port)).as("the running gateway still reaches its database").isEqualTo(200);
  }

  private static int ready(int port) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private long postmasterPid() throws Exception {
    List<String> lines = Files.readAllLines(dir.resolve("postgres").resolve("postmaster.pid"));
    return Long.parseLong(lines.get(0).strip());
  }

  @AfterEach
  void stopEverything() throws Exception {
    if (gateway != null && gateway.isAlive()) {
      gateway.destroy(); // SIGTERM: the gateway's shutdown hook stops its PostgreSQL
      gateway.waitFor(60, TimeUnit.SECONDS);
    }
    Path pid = dir.resolve("postgres").resolve("postmaster.pid");
    if (Files.exists(pid)) {
      ProcessHandle.of(postmasterPid()).ifPresent(ProcessHandle::destroy);
    }
  }

  /**
   * One data directory for the whole life, on the product's durable default (each first start is an initdb, tens of
   * seconds of this machine's time): started, a second process refused, killed, started again at once, then told to stop
   * and drained.
   */
  @Test
  void aSecondProcessIsRefusedAfterSigkillTheNextStartSucceedsOnADurablePasswordProtectedServerAndSigtermDrainsBeforeItStops()
      throws Exception {
    int first = startGateway();
    assertThat(ready(first)).isEqualTo(200);
    aSecondProcessIsRefused(first);
    long postgres = postmasterPid();

    gateway.destroyForcibly(); // SIGKILL: no shutdown hook runs
    assertThat(gateway.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(ProcessHandle.of(postgres).map(ProcessHandle::isAlive)).as("the orphaned PostgreSQL").contains(true);

    int drainMillis = 10_000;
    int second = startGateway(Map.of("GATEWAY_DRAIN_MILLIS", Integer.toString(drainMillis)));
    Eventually.until("the restarted gateway to be ready", () -> ready(second) == 200);
    assertThat(ProcessHandle.of(postgres).map(ProcessHandle::isAlive).orElse(false)).as("the orphan was stopped").isFalse();

    long port = Long.parseLong(Files.readAllLines(dir.resolve("postgres").resolve("postmaster.pid")).get(3).strip());
    String url = "jdbc:postgresql://localhost:" + port + "/postgres";
    try (var c = DriverManager.getConnection(url, "postgres", Files.readString(dir.resolve("keys/postgres.password")).strip());
        var st = c.createStatement(); var rs = st.executeQuery("select current_setting('fsync'), current_setting('synchronous_commit'),"
            + " current_setting('full_page_writes')")) {
      rs.next();
      assertThat(List.of(rs.getString(1), rs.getString(2), rs.getString(3))).containsExactly("on", "on", "on");
    }
    try (var c = DriverManager.getConnection(url, "postgres", "postgres")) {
      throw new AssertionError("a connection without the password was let in");
    } catch (SQLException refused) {
      assertThat(refused.getMessage()).contains("password authentication failed");
    }
    // the server's own log keeps the refusal, in its files under the data directory (the gateway's log keeps none of it)
    Path logs = dir.resolve("postgres").resolve("log");
    Eventually.until("the refused login in the embedded server's log", () -> serverLog(logs),
        text -> text.contains("password authentication failed for user \"postgres\""));
    // the first start's reload, which put the passwords in force before that refusal could happen, read its files
    // without a complaint: an operator reading this log meets no "errors" that are none
    assertThat(serverLog(logs)).doesNotContain("contains errors").doesNotContain("cannot be changed without restarting");

    whileItDrainsRequestsStillReachTheEmbeddedDatabaseWhichItStopsOnlyOnceItHasFinished(second);
  }

  /** SIGTERM, as systemd or an operator stops it: it drains with its PostgreSQL still answering, then stops it. */
  private void whileItDrainsRequestsStillReachTheEmbeddedDatabaseWhichItStopsOnlyOnceItHasFinished(int port) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(10)).build();
    // nobody on the roster: answered 404 from the database (503 when the database is gone)
    HttpRequest lookup = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/lookup"))
        .header("Content-Type", "application/json").timeout(java.time.Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofString("{\"idNumber\":\"" + TestGateway.id("371312", "1970-01-01", 999)
            + "\",\"name\":\"无此人\"}")).build();
    assertThat(http.send(lookup, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);

    gateway.destroy();
    Eventually.until("the balancer to be told to take the instance out", () -> ready(port), status -> status == 503);
    HttpResponse<String> during = http.send(lookup, HttpResponse.BodyHandlers.ofString());
    assertThat(during.statusCode()).as("a lookup while the instance drains still reads its database: " + during.body())
        .isEqualTo(404);

    assertThat(gateway.waitFor(120, TimeUnit.SECONDS)).as("the gateway stops").isTrue();
    assertThat(dir.resolve("postgres").resolve("postmaster.pid")).as("its PostgreSQL stopped with it").doesNotExist();
  }

  private static String serverLog(Path logs) throws java.io.IOException {
    if (!Files.isDirectory(logs)) {
      return "";
    }
    StringBuilder all = new StringBuilder();
    try (var files = Files.list(logs)) {
      for (Path f : files.filter(f -> f.getFileName().toString().matches("postgresql-[A-Z][a-z]{2}\\.log")).toList()) {
        all.append(Files.readString(f, StandardCharsets.UTF_8));
      }
    }
    return all.toString();
  }
}
