package cn.liangxian.reliability.stop;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.TestGateway;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway as operators run it (its jar, its embedded PostgreSQL) told to stop (SIGTERM): while it drains,
 * requests still reach its database, which it stops only once it has finished, leaving no server behind.
 * (The embedded server used to be stopped at once, by the library's own hook, under the requests being finished.)
 * It runs the jar the build packaged before this module's tests ({@code mvn verify} from the repository's root).
 */
class GracefulStopTest {
  private static final int DRAIN_MILLIS = 10_000;

  @TempDir
  Path dir;
  Process gateway;
  final List<String> output = new CopyOnWriteArrayList<>();

  /** Whatever the test's outcome, no gateway and no PostgreSQL of its own is left running. */
  @AfterEach
  void stop() throws Exception {
    if (gateway != null && gateway.isAlive()) {
      gateway.destroy();
      if (!gateway.waitFor(120, TimeUnit.SECONDS)) {
        gateway.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
    Path pid = dir.resolve("data/postgres/postmaster.pid");
    if (Files.exists(pid)) {
      ProcessHandle.of(Long.parseLong(Files.readAllLines(pid).get(0).trim())).ifPresent(ProcessHandle::destroy);
    }
  }

  @Test
  void whileItDrainsRequestsStillReachTheEmbeddedDatabaseWhichItStopsOnlyOnceItHasFinished() throws Exception {
    Path root = TestGateway.repo();
    Path jar = root.resolve("gateway/target/gateway.jar");
    assertThat(jar).as("the gateway jar: run mvn verify (or package) from the repository's root").exists();
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString())
        .directory(dir.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("GATEWAY_CONFIG", root.resolve("config/gateway.yaml").toString());
    env.put("GATEWAY_POLICY_DIR", root.resolve("config/policies").toString());
    env.put("GATEWAY_TARGETS_DIR", root.resolve("config/targets").toString());
    env.put("GATEWAY_DATA_DIR", dir.resolve("data").toString());
    env.put("GATEWAY_KEY_DIR", dir.resolve("keys").toString());
    env.put("GATEWAY_PORT", "0");
    env.put("GATEWAY_SANDBOX_PORT", "0");
    env.put("GATEWAY_DEMO_ROSTER", "false");
    env.put("GATEWAY_DB_DURABLE", "false");
    env.put("GATEWAY_OPERATOR_ADMIN_PASSWORD", "stop-test-admin-password");
    env.put("GATEWAY_DRAIN_MILLIS", Integer.toString(DRAIN_MILLIS));
    gateway = pb.start();
    int port = listeningPort(gateway);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    // nobody on the roster: answered 404 from the database (503 when the database is gone)
    HttpRequest lookup = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/lookup"))
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofString("{\"idNumber\":\"" + TestGateway.id("371312", "1970-01-01", 999)
            + "\",\"name\":\"无此人\"}")).build();
    assertThat(http.send(lookup, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);

    gateway.destroy(); // SIGTERM, as systemd or an operator stops it
    HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
        .timeout(Duration.ofSeconds(10)).build();
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
    int readiness = 200;
    while (readiness != 503 && System.nanoTime() < until) {
      readiness = http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
    assertThat(readiness).as("the balancer is told to take the instance out: " + output).isEqualTo(503);
    HttpResponse<String> during = http.send(lookup, HttpResponse.BodyHandlers.ofString());
    assertThat(during.statusCode()).as("a lookup while the instance drains still reads its database: " + during.body())
        .isEqualTo(404);

    assertThat(gateway.waitFor(120, TimeUnit.SECONDS)).as("the gateway stops: " + output).isTrue();
    assertThat(dir.resolve("data/postgres/postmaster.pid")).as("its PostgreSQL stopped with it: " + output).doesNotExist();
  }

  private int listeningPort(Process p) throws Exception {
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      Pattern listening = Pattern.compile("listening on port (\\d+)");
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          output.add(line);
          Matcher m = listening.matcher(line);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(1)));
          }
        }
      } catch (Exception e) {
        port.completeExceptionally(e);
      }
      port.completeExceptionally(new AssertionError("the gateway exited before it was up: " + output));
    }, "gateway-out");
    t.setDaemon(true);
    t.start();
    return port.get(180, TimeUnit.SECONDS);
  }
}
