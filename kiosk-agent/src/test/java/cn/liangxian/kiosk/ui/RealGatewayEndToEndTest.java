package cn.liangxian.kiosk.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.liangxian.kiosk.Await;
import cn.liangxian.kiosk.KioskAgent;
import cn.liangxian.kiosk.KioskOptions;
import cn.liangxian.kiosk.device.idcard.IdCard;
import cn.liangxian.kiosk.device.idcard.SamSimulator;
import cn.liangxian.kiosk.device.printer.PrinterSimulator;
import cn.liangxian.kiosk.gateway.GatewayClient;
import cn.liangxian.kiosk.gateway.GatewayException;
import cn.liangxian.kiosk.gateway.KioskIdentity;
import cn.liangxian.kiosk.gateway.KioskRegistration;
import cn.liangxian.kiosk.gateway.RequestSigner;
import cn.liangxian.kiosk.journal.Journal;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent against the real gateway (its jar from this build, embedded PostgreSQL, demo roster) and its
 * payment sandbox, driven in headless Chromium: card → household → every member's medical insurance (the
 * 河东区 book requires the whole family) → WeChat → the sandbox's pay page pressed → paid → the receipt read
 * back from the printer simulator. The kiosk is registered through the operator API first, so every request
 * it makes, heartbeat included, passes the gateway's signature check. The gateway jar comes from {@code mvn verify} at the repository's root,
 * which packages the gateway before this module's tests.
 */
class RealGatewayEndToEndTest {

  @TempDir
  Path dir;
  Process gateway;
  KioskAgent agent;
  SamSimulator reader;
  PrinterSimulator printer;
  KioskBrowser browser;
  final java.util.List<String[]> demoResidents = new java.util.concurrent.CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws Exception {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      // whatever the browser answered: the agent, the gateway and the stand-ins never outlive the test
      if (agent != null) {
        agent.close();
      }
      if (gateway != null) {
        gateway.destroy();
        if (!gateway.waitFor(30, TimeUnit.SECONDS)) {
          gateway.destroyForcibly();
        }
      }
      if (reader != null) {
        reader.close();
      }
      if (printer != null) {
        printer.close();
      }
    }
  }

  @Test
  void cardHouseholdPayReceiptAgainstTheGatewayAndItsSandbox() throws Exception {
    Path root = Path.of("..").toAbsolutePath().normalize();
    Path jar = root.resolve("gateway/target/gateway.jar");
    assertThat(jar).as("the gateway jar: run mvn verify (or package) from the repository's root").exists();
    // as a newcomer runs it, but for C1 only and the serial collector: a JVM that serves one resident spends its life
    // compiling with C2 and collecting on threads of its own otherwise (CrashRecoveryTest starts its agents so too)
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar.toString())
        .directory(dir.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("GATEWAY_CONFIG", root.resolve("config/gateway.yaml").toString());
    env.put("GATEWAY_POLICY_DIR", root.resolve("config/policies").toString());
    env.put("GATEWAY_DATA_DIR", dir.resolve("gateway-data").toString());
    env.put("GATEWAY_KEY_DIR", dir.resolve("gateway-keys").toString());
    env.put("GATEWAY_PORT", "0");
    env.put("GATEWAY_SANDBOX_PORT", "0");
    env.put("GATEWAY_OPERATOR_ADMIN_PASSWORD", "e2e-admin-password-0123");
    gateway = pb.start();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Process g = gateway;
    Thread t = new Thread(() -> {
      Pattern p = Pattern.compile("listening on port (\\d+)");
      Pattern resident = Pattern.compile("^\\s+(\\d{17}[\\dX])\\s+(\\S+)\\s+\\(");
      try (BufferedReader r = new BufferedReader(new InputStreamReader(g.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          Matcher m = p.matcher(line);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(1)));
          }
          Matcher d = resident.matcher(line);
          if (d.find()) {
            demoResidents.add(new String[] {d.group(1), d.group(2)});
          }
        }
      } catch (Exception e) {
        port.completeExceptionally(e);
      }
      port.completeExceptionally(new AssertionError("the gateway exited before it was up"));
    }, "gateway-out");
    t.setDaemon(true);
    t.start();
    int gatewayPort = port.get(180, TimeUnit.SECONDS);

    // an administrator logs in and registers this kiosk's public key; from then on every request it signs is verified
    KioskIdentity identity = KioskIdentity.loadOrCreate("K-371312-E2E", dir.resolve("keys"));
    HttpClient http = HttpClient.newHttpClient();
    // what `kiosk-agent.jar register` does: the operator API, logged in as the administrator
    assertThat(new KioskRegistration("http://127.0.0.1:" + gatewayPort)
        .register(identity, "admin", "e2e-admin-password-0123", System.out, System.err)).isZero();

    reader = new SamSimulator(0);
    printer = new PrinterSimulator(0);
    Path config = dir.resolve("kiosk.yaml");
    Files.writeString(config, String.join("\n",
        "kioskId: K-371312-E2E",
        "gateway: {url: 'http://127.0.0.1:" + gatewayPort + "', timeoutMillis: " + Await.ANSWER_TIMEOUT_MILLIS
            + ", verifyUrl: 'http://127.0.0.1:" + gatewayPort + "/r'}",
        "keyDir: '" + dir.resolve("keys") + "'",
        "journal: '" + dir.resolve("journal.log") + "'",
        "ui: {host: 127.0.0.1, port: 0}",
        "payPollMillis: 500",
        "devices:",
        "  idcard: {type: sam-tcp, host: 127.0.0.1, port: " + reader.port() + "}",
        "  printer: {type: tcp, host: 127.0.0.1, port: " + printer.port() + "}",
        ""));
    agent = KioskAgent.start(KioskOptions.load(config, Map.of()));
    // the first heartbeat, signed, reaches the gateway's metrics
    KioskBrowser.waitFor(() -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body().contains("liangxian_kiosk_heartbeats_total{paper=\"ok\",printer=\"ok\",reader=\"ok\"}"));
    browser = new KioskBrowser();
    browser.viewport(1080, 1920);
    browser.navigate("http://127.0.0.1:" + agent.uiPort() + "/");
    browser.waitScreen("IDLE");

    // a made-up resident of the gateway's demo roster
    reader.place(new IdCard("潘威", "男", "01", "19620510", "山东省临沂市河东区", "371312196205108490",
        "临沂市公安局河东分局", "20150101", "长期"));
    browser.waitScreen("HOUSEHOLD");
    reader.remove();
    assertThat(browser.text("#screen")).contains("尾号8490").doesNotContain("371312196205108490");
    // the 河东区 book requires the whole household's medical: every member's is picked from the start
    int members = ((Number) browser.page.eval("document.querySelectorAll('button.pick[data-insurance=medical]').length")).intValue();
    assertThat(members).isGreaterThan(0);
    assertThat(((Number) browser.page.eval("document.querySelectorAll('button.pick.on[data-insurance=medical]').length")).intValue())
        .isEqualTo(members);
    assertThat(browser.text("#screen")).contains("尾号").contains("岁");
    browser.shot("real-1-household");
    browser.touch("#confirm");
    browser.waitScreen("CHANNEL");
    browser.touch("#wechat");
    browser.waitScreen("PAYING");
    browser.shot("real-2-qr");
    String codeUrl = agent.flow().view().getJsonObject("order").getString("codeUrl");
    long totalFen = agent.flow().view().getJsonObject("order").getLong("totalFen");
    assertThat(totalFen).isEqualTo(25000L * members);

    // the resident presses 确认支付 on the sandbox's pay page (what scanning the QR code opens)
    HttpResponse<String> paid = http.send(HttpRequest.newBuilder(URI.create(codeUrl))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(paid.statusCode()).isEqualTo(200);

    browser.waitScreen("DONE");
    assertThat(browser.text("#done")).isEqualTo("缴费成功，请取走凭证");
    browser.shot("real-3-done");
    assertThat(printer.printed()).singleElement().satisfies(p -> {
      assertThat(p.text()).contains("城乡居民基本医疗/养老保险缴费凭证").contains("临沂市河东区")
          .contains("合计: " + (totalFen / 100) + ".00元").contains("支付方式: 微信支付").doesNotContain("371312196205108490");
      assertThat(p.lines().stream().filter(l -> l.contains("3713**********"))).hasSize(members);
      assertThat(p.qrCodes()).singleElement().satisfies(q -> assertThat(q).startsWith("http://127.0.0.1:" + gatewayPort + "/r/"));
      assertThat(p.lines()).contains("自助机: K-371312-E2E").anySatisfy(l -> assertThat(l).matches("时间: \\d{4}年\\d{1,2}月\\d{1,2}日 \\d\\d:\\d\\d:\\d\\d"));
    });
    // the printed QR code opens the gateway's verification page
    browser.viewport(390, 844);
    browser.navigate(printer.printed().get(0).qrCodes().get(0));
    KioskBrowser.waitFor(() -> browser.text("#state").contains("凭证有效"));
    assertThat(browser.text("body")).contains("微信支付").contains("3713**********").doesNotContain("371312196205108490");
    browser.shot("real-4-receipt-verified-phone");
    // (the kiosk leaves DONE after 20 s of its own clock, so what it shows by now is not asserted: the receipt is)
    assertThat(printer.printed()).as("one receipt, however long the phone took").hasSize(1);

    phoneDemo(gatewayPort);

    // what a kiosk restarted in the middle of its request asks first: the order its key made, found by the key alone
    agent.close();
    agent = null;
    String key;
    String orderId;
    try (Journal journal = Journal.open(dir.resolve("journal.log"))) {
      JsonObject ordered = journal.records().stream().filter(r -> "ORDER".equals(r.getString("step"))).findFirst().orElseThrow();
      key = ordered.getString("key");
      orderId = ordered.getString("orderId");
    }
    Vertx vertx = Vertx.vertx();
    try {
      GatewayClient client = new GatewayClient(vertx, "http://127.0.0.1:" + gatewayPort, new RequestSigner(identity, Clock.systemUTC()),
          Await.ANSWER_TIMEOUT_MILLIS);
      JsonObject found = client.orderByKey(key).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(found.getString("id")).isEqualTo(orderId);
      assertThat(found.getString("state")).isEqualTo("PAID");
      assertThatThrownBy(() -> client.orderByKey("never sent").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS))
          .cause().isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.status()).isEqualTo(404));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * The phone demo as a mini-program: another demo resident's household, 全家缴费, the pay sheet the sandbox raises
   * from the very {@code wx.requestPayment} parameters (the merchant's paySign checked), 确认支付, the result page
   * with its receipt; a forged paySign is refused by the sheet as the real one would refuse it.
   */
  private void phoneDemo(int gatewayPort) throws Exception {
    KioskBrowser.waitFor(() -> demoResidents.size() >= 2);
    String[] who = demoResidents.get(1);
    browser.viewport(390, 844);
    browser.navigate("http://127.0.0.1:" + gatewayPort + "/demo/");
    KioskBrowser.waitFor(() -> browser.text("#navTitle").equals("城乡居民两险缴费"));
    browser.shot("phone-1-find");
    browser.viewport(1920, 1080);
    browser.shot("phone-1-find-landscape");
    browser.viewport(390, 844);
    browser.page.eval("document.querySelector('#id').value = '" + who[0] + "'; document.querySelector('#name').value = '" + who[1] + "'; true");
    browser.touch("#lookup");
    KioskBrowser.waitFor(() -> !browser.text("#members").isEmpty());
    assertThat(browser.text("#members")).contains("尾号").contains("岁").doesNotContain(who[0]);
    browser.shot("phone-2-family");
    for (String[] size : new String[][] {{"1080", "1920", "portrait"}, {"1920", "1080", "landscape"}}) {
      browser.viewport(Integer.parseInt(size[0]), Integer.parseInt(size[1]));
      browser.shot("phone-2-family-" + size[2]);
    }
    browser.viewport(390, 844);
    if (Boolean.TRUE.equals(browser.page.eval("!!document.querySelector('[data-tier-for]')"))) {
      browser.touch("[data-tier-for]");
      KioskBrowser.waitFor(() -> browser.text("#tierSheet").contains("元档"));
      browser.shot("phone-3-tiers");
      browser.touch("#tierSheet .sheet-cell.cancel");
    }
    String all = browser.text("#payAll");
    browser.touch("#payAll");
    KioskBrowser.waitFor(() -> !browser.text("#sheetAmount").isEmpty());
    assertThat(all).endsWith(browser.text("#sheetAmount"));
    browser.shot("phone-4-pay-sheet");
    // the sheet closed without paying: the order can be paid or cancelled, never a dead end
    browser.page.eval("document.querySelector('#mask').click(); true"); // a tap on the dimmed page above the sheet
    KioskBrowser.waitFor(() -> browser.text("#pay").equals("继续支付"));
    assertThat(browser.text("#payAll")).isEqualTo("取消订单");
    browser.touch("#pay");
    KioskBrowser.waitFor(() -> !Boolean.TRUE.equals(browser.page.eval("document.querySelector('#paySheet').classList.contains('hidden')")));
    // the sheet checks what it is given: the same parameters with one character of paySign changed are refused
    String forged = (String) browser.page.eval("(async () => { const p = Object.assign({}, order.payment.wechatPayment);"
        + " p.paySign = (p.paySign[0] === 'A' ? 'B' : 'A') + p.paySign.slice(1);"
        + " const r = await fetch((await sandbox()).sandboxUrl + '/sandbox/sheet/wechat', {method: 'POST', headers: {'Content-Type': 'application/json'},"
        + " body: JSON.stringify(p)}); return r.status + ' ' + (await r.json()).errMsg; })()");
    assertThat(forged).isEqualTo("400 requestPayment:fail 支付验证签名失败");
    browser.touch("#confirmPay");
    // the result page and the receipt on it, filled once the gateway has the payment
    KioskBrowser.waitFor(() -> browser.text("#resultTitle").equals("支付成功") && !browser.page.eval("document.querySelector('#result').className").toString().contains("hidden")
        && !browser.text("#channelName").isEmpty());
    assertThat(browser.text("#channelName")).isEqualTo("微信支付");
    assertThat(browser.text("#paidAt")).matches("\\d{4}年\\d{1,2}月\\d{1,2}日 \\d\\d:\\d\\d:\\d\\d");
    browser.shot("phone-5-result");
    for (String[] size : new String[][] {{"1080", "1920", "portrait"}, {"1920", "1080", "landscape"}}) {
      browser.viewport(Integer.parseInt(size[0]), Integer.parseInt(size[1]));
      browser.shot("phone-5-result-" + size[2]);
    }
  }
}
