package cn.liangxian.kiosk;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.kiosk.device.idcard.IdCard;
import cn.liangxian.kiosk.device.idcard.SamSimulator;
import cn.liangxian.kiosk.device.printer.PrinterSimulator;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as its own process, killed with SIGKILL at each step of a payment and started again on the same
 * journal: it never asks for a second payment and never prints a receipt twice, and a paid receipt is printed.
 * "Nothing more happens after a restart" is checked once the agent says its journal is settled (every open
 * order resumed to its end), not after a pause. Each case has its own gateway stand-in, devices, journal and
 * agent processes, so the cases run side by side (the class itself still runs alone).
 */
class CrashRecoveryTest {

  static final String ORDER = "3c0a9f5e-7d21-4b8e-8f0a-5a1c2e3d4f50";
  static final String MEMBER = "0b6d1e4a-1111-4c1e-9a55-0d3e7f1b2c01";
  static final IdCard CARD = new IdCard("潘威", "男", "01", "19620510", "山东省临沂市河东区九曲街道", "371312196205108490",
      "临沂市公安局河东分局", "20150101", "长期");

  static Path classArchive;
  static String agentClassPath = System.getProperty("java.class.path");

  @TempDir
  Path dir;
  WireMockServer wm;
  SamSimulator reader;
  PrinterSimulator printer;
  Path config;
  Process agent;
  CompletableFuture<Void> settled;
  int uiPort;
  volatile boolean leaked;
  String name;
  final HttpClient http = HttpClient.newHttpClient();

  /**
   * Ten agent starts load the same classes: one start, stopped normally (SIGTERM, so the JVM writes the archive
   * at exit), leaves a class-data archive the others map instead. Only start-up time depends on it: without
   * an archive the cases run the same, slower.
   */
  @BeforeAll
  static void archiveTheAgentsClasses(@TempDir Path shared) throws Exception {
    Path jsa = shared.resolve("agent.jsa");
    Path log = shared.resolve("archive.log");
    agentClassPath = jarredClassPath(Files.createDirectories(shared.resolve("classpath")));
    try (RefusedPort nowhere = new RefusedPort()) {
      Path yaml = shared.resolve("kiosk.yaml");
      Files.writeString(yaml, String.join("\n",
          "kioskId: K-TEST-ARCHIVE",
          "gateway: {url: 'http://127.0.0.1:" + nowhere.port() + "'}",
          "keyDir: '" + shared.resolve("keys") + "'",
          "journal: '" + shared.resolve("journal.log") + "'",
          "ui: {host: 127.0.0.1, port: 0}",
          "devices: {idcard: {type: simulated}, printer: {type: simulated}}",
          ""));
      Process p = new ProcessBuilder(agentCommand(yaml, "-XX:ArchiveClassesAtExit=" + jsa))
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        Await.until(() -> !p.isAlive() || Files.readString(log).contains("Public key")); // up, shutdown hook set
      } finally {
        p.destroy();
        p.waitFor(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
        p.destroyForcibly();
      }
    }
    classArchive = Files.isRegularFile(jsa) ? jsa : null;
    System.out.println("agent class archive: " + (classArchive == null ? "none: " + Files.readString(log) : classArchive));
  }

  @BeforeEach
  void start(TestInfo test) throws IOException {
    name = test.getTestMethod().orElseThrow().getName();
    wm = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    wm.stubFor(post(urlPathEqualTo("/api/v1/lookup")).willReturn(okJson(resource("household.json"))));
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders")).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody(resource("order-paying.json"))));
    orderIs("order-paying.json");
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER + "/receipt")).willReturn(okJson(resource("receipt.json"))));
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders/" + ORDER + "/cancel")).willReturn(okJson("{\"state\":\"CANCELLED\"}")));
    wm.stubFor(post(urlPathEqualTo("/api/v1/kiosks/heartbeat")).willReturn(aResponse().withStatus(204)));
    reader = new SamSimulator(0);
    printer = new PrinterSimulator(0);
    config = dir.resolve("kiosk.yaml");
    Files.writeString(config, String.join("\n",
        "kioskId: K-TEST-1",
        "gateway: {url: 'http://127.0.0.1:" + wm.port() + "', timeoutMillis: " + Await.ANSWER_TIMEOUT_MILLIS
            + ", verifyUrl: 'https://verify.example/r'}",
        "keyDir: '" + dir.resolve("keys") + "'",
        "journal: '" + dir.resolve("journal.log") + "'",
        "ui: {host: 127.0.0.1, port: 0}",
        "payPollMillis: 500",
        "heartbeatSeconds: 86400", // one beat at start: a test that silences the printer knows who asks it
        "deviceCheckSeconds: 0", // nor a check for the first screen
        "devices:",
        "  idcard: {type: sam-tcp, host: 127.0.0.1, port: " + reader.port() + "}",
        "  printer: {type: tcp, host: 127.0.0.1, port: " + printer.port() + "}",
        ""));
  }

  @AfterEach
  void stop() throws IOException {
    assertThat(leaked).as("personal data in the agent's log").isFalse();
    if (agent != null) {
      agent.destroyForcibly();
    }
    wm.stop();
    reader.close();
    printer.close();
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void killedWhileTheQrCodeIsShownThenPaidTheReceiptIsPrintedOnceAndNothingIsPaidTwice() throws Exception {
    startAgent();
    toPaying();
    kill();
    orderIs("order-paid.json");

    startAgent();
    until(() -> printer.printed().size() == 1);
    assertThat(printer.printed().get(0).text()).contains("潘*威").contains("合计: 250.00元");
    assertThat(screen()).isEqualTo("IDLE");
    kill();

    startAgent();
    journalSettled(); // a wrong second print would have come by now
    kill();
    assertThat(printer.printed()).hasSize(1);
    assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/orders")))).hasSize(1);
    assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/orders/" + ORDER + "/cancel")))).isEmpty();
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void killedWhileTheOrderIsBeingCreatedItIsFoundWithTheSameKeyAndCancelled() throws Exception {
    // the answer comes only after the agent's own timeout: the agent is killed while it waits, whatever the load
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders")).willReturn(aResponse().withStatus(201)
        .withFixedDelay(Await.ANSWER_TIMEOUT_MILLIS * 2)
        .withHeader("Content-Type", "application/json").withBody(resource("order-paying.json"))));
    startAgent();
    toHousehold();
    action(new JsonObject().put("action", "toggle").put("memberRef", MEMBER).put("insurance", "medical"));
    action(new JsonObject().put("action", "confirm"));
    action(new JsonObject().put("action", "channel").put("channel", "wechat"));
    until(() -> wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/orders"))).size() == 1);
    kill();

    wm.stubFor(post(urlPathEqualTo("/api/v1/orders")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody(resource("order-paying.json"))));
    startAgent();
    until(() -> wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/orders/" + ORDER + "/cancel"))).size() == 1);
    List<LoggedRequest> creates = wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/orders")));
    assertThat(creates).hasSize(2);
    assertThat(creates.get(1).getHeader("Idempotency-Key")).isEqualTo(creates.get(0).getHeader("Idempotency-Key"));
    assertThat(creates.get(1).getBodyAsString()).isEqualTo(creates.get(0).getBodyAsString());
    journalSettled(); // the cancelled order is closed in the journal
    kill();
    startAgent();
    journalSettled();
    assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/orders")))).hasSize(2);
    assertThat(printer.printed()).isEmpty();
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void killedWhileWaitingForThePrinterTheReceiptIsPrintedAfterTheRestart() throws Exception {
    startAgent();
    Await.until(() -> !wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/kiosks/heartbeat"))).isEmpty());
    printer.silentAfter(1); // the check before payment is answered, the printing is not
    toPaying();
    orderIs("order-paid.json");
    until(() -> "PRINTING".equals(screen()));
    kill();
    printer.silent(false);

    startAgent();
    until(() -> printer.printed().size() == 1);
    kill();
    startAgent();
    journalSettled();
    assertThat(printer.printed()).hasSize(1);
    assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/orders")))).hasSize(1);
  }

  @Test
  @Execution(ExecutionMode.CONCURRENT)
  void killedBeforeAnyOrderNothingHappensOnRestart() throws Exception {
    startAgent();
    toHousehold();
    kill();
    startAgent();
    journalSettled();
    assertThat(screen()).isEqualTo("IDLE");
    assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/orders")))).isEmpty();
    assertThat(printer.printed()).isEmpty();
  }

  // ---- helpers

  private void toHousehold() throws Exception {
    reader.place(CARD);
    until(() -> "HOUSEHOLD".equals(screen()));
    reader.remove(); // the resident takes the card back
  }

  private void toPaying() throws Exception {
    toHousehold();
    action(new JsonObject().put("action", "toggle").put("memberRef", MEMBER).put("insurance", "medical"));
    action(new JsonObject().put("action", "confirm"));
    action(new JsonObject().put("action", "channel").put("channel", "wechat"));
    until(() -> "PAYING".equals(screen()));
  }

  private void orderIs(String file) throws IOException {
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER)).willReturn(okJson(resource(file))));
  }

  /**
   * The agent JVM as every case starts it: C1 only and the serial collector (a short-lived process on a busy
   * machine spends its start-up compiling and collecting otherwise), and the shared class archive once made.
   */
  private static List<String> agentCommand(Path yaml, String... jvm) {
    List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    c.addAll(List.of(jvm));
    if (classArchive != null) {
      c.add("-XX:SharedArchiveFile=" + classArchive);
    }
    c.addAll(List.of("-cp", agentClassPath, Main.class.getName(), yaml.toString()));
    return c;
  }

  /** This JVM's class path with each folder packed as a jar: a class-data archive takes jars only. */
  private static String jarredClassPath(Path into) throws IOException {
    List<String> entries = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(e);
      if (!Files.isDirectory(p)) {
        entries.add(e);
        continue;
      }
      Path jar = into.resolve(entries.size() + "-" + p.getFileName() + ".jar");
      try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(p)) {
        for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
          out.putNextEntry(new JarEntry(p.relativize(f).toString().replace(File.separatorChar, '/')));
          Files.copy(f, out);
          out.closeEntry();
        }
      }
      entries.add(jar.toString());
    }
    return String.join(File.pathSeparator, entries);
  }

  private void startAgent() throws Exception {
    agent = new ProcessBuilder(agentCommand(config)).redirectErrorStream(true).start();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    CompletableFuture<Void> journal = new CompletableFuture<>();
    settled = journal;
    Process p = agent;
    Thread t = new Thread(() -> {
      Pattern ui = Pattern.compile("Touch UI\\s+http://127\\.0\\.0\\.1:(\\d+)/");
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          System.out.println("agent " + name + "| " + line);
          if (line.contains("371312196205108490") || line.contains("潘威")) {
            leaked = true;
          }
          Matcher m = ui.matcher(line);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(1)));
          }
          if (line.contains("journal settled: all orders")) {
            journal.complete(null);
          }
        }
      } catch (IOException e) {
        port.completeExceptionally(e);
      }
      port.completeExceptionally(new AssertionError("agent exited before it was up"));
      journal.completeExceptionally(new AssertionError("agent exited before its journal was settled"));
    });
    t.setDaemon(true);
    t.start();
    uiPort = port.get(Await.LIMIT.toSeconds() * 2, TimeUnit.SECONDS);
  }

  /** Every order the journal held at start-up has been resumed to its end (printed, closed or cancelled). */
  private void journalSettled() throws Exception {
    settled.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
  }

  private void kill() throws InterruptedException {
    agent.destroyForcibly(); // SIGKILL: no shutdown hook runs
    assertThat(agent.waitFor(20, TimeUnit.SECONDS)).isTrue();
    agent = null;
  }

  private String screen() {
    return view().getString("screen");
  }

  private JsonObject view() {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + uiPort + "/api/state")).build(),
          HttpResponse.BodyHandlers.ofString());
      return new JsonObject(r.body());
    } catch (IOException e) {
      return new JsonObject().put("screen", "DOWN");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new JsonObject().put("screen", "DOWN");
    }
  }

  private void action(JsonObject a) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + uiPort + "/api/action"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(a.encode())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
  }

  void until(BooleanSupplier c) throws Exception {
    Await.until(c::getAsBoolean, () -> "; screen " + (agent == null ? "-" : view()));
  }

  static String resource(String name) throws IOException {
    try (InputStream in = CrashRecoveryTest.class.getResourceAsStream("/gateway/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
