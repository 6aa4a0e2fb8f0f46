package cn.liangxian.kiosk.ui;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.kiosk.KioskAgent;
import cn.liangxian.kiosk.KioskConfig;
import cn.liangxian.kiosk.device.idcard.IdCard;
import cn.liangxian.kiosk.device.idcard.SamSimulator;
import cn.liangxian.kiosk.device.printer.PrinterSimulator;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The touch UI in real headless Chromium, driven by touches through the DevTools protocol: a card on the
 * simulated reader, the household, a pick, WeChat, the QR code, paid, and the receipt read back from the
 * simulated printer. The gateway is WireMock answering as the gateway's API does. Screenshots go to
 * {@code target/e2e-screenshots/}.
 */
class TouchUiEndToEndTest {

  static final String ORDER = "3c0a9f5e-7d21-4b8e-8f0a-5a1c2e3d4f50";
  static final Path SHOTS = Path.of("target", "e2e-screenshots");

  @TempDir
  Path dir;
  WireMockServer wm;
  SamSimulator reader;
  PrinterSimulator printer;
  KioskAgent agent;
  Process chromium;
  Vertx vertx;
  Cdp page;

  @BeforeEach
  void start() throws Exception {
    wm = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    wm.stubFor(post(urlPathEqualTo("/api/v1/lookup")).willReturn(okJson(resource("household.json"))));
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders")).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody(resource("order-paying.json"))));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER)).willReturn(okJson(resource("order-paying.json"))));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER + "/receipt")).willReturn(okJson(resource("receipt.json"))));
    wm.stubFor(post(urlPathEqualTo("/api/v1/kiosks/heartbeat")).willReturn(aResponse().withStatus(204)));
    reader = new SamSimulator(0);
    printer = new PrinterSimulator(0);
    Path config = dir.resolve("kiosk.yaml");
    Files.writeString(config, String.join("\n",
        "kioskId: K-E2E-1",
        "gateway: {url: 'http://127.0.0.1:" + wm.port() + "', verifyUrl: 'https://verify.example/r'}",
        "keyDir: '" + dir.resolve("keys") + "'",
        "journal: '" + dir.resolve("journal.log") + "'",
        "ui: {host: 127.0.0.1, port: 0}",
        "payPollMillis: 300",
        "devices:",
        "  idcard: {type: sam-tcp, host: 127.0.0.1, port: " + reader.port() + "}",
        "  printer: {type: tcp, host: 127.0.0.1, port: " + printer.port() + "}",
        ""));
    agent = KioskAgent.start(KioskConfig.load(config, Map.of()));
    Files.createDirectories(SHOTS);
    vertx = Vertx.vertx();
    page = openChromium();
  }

  @AfterEach
  void stop() throws Exception {
    if (page != null) {
      page.close();
    }
    if (chromium != null) {
      chromium.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (vertx != null) {
      vertx.close();
    }
    agent.close();
    wm.stop();
    reader.close();
    printer.close();
  }

  @Test
  void cardHouseholdPayReceiptInPortraitThenElderModeInLandscape() throws Exception {
    viewport(1080, 1920);
    navigate("http://127.0.0.1:" + agent.uiPort() + "/");
    waitScreen("IDLE");
    assertThat(page.eval("document.documentElement.lang")).isEqualTo("zh-CN");
    assertThat(text("#screen")).contains("请将身份证放在读卡区");
    shot("1-idle-portrait");

    reader.place(new IdCard("潘梅", "女", "01", "19620510", "山东省临沂市河东区九曲街道", "371312196205108490",
        "临沂市公安局河东分局", "20150101", "长期"));
    waitScreen("HOUSEHOLD");
    reader.remove();
    String household = text("#screen");
    assertThat(household).contains("潘*梅").contains("3713**********8490").contains("政府代缴").contains("无需缴费")
        .doesNotContain("371312196205108490");
    // touch targets a finger can hit
    assertThat(((Number) page.eval("Math.min(...[...document.querySelectorAll('button')].filter(b => b.offsetParent)"
        + ".map(b => b.getBoundingClientRect().height))")).doubleValue()).isGreaterThanOrEqualTo(72);
    touch("button.pick[data-insurance=medical]");
    waitFor(() -> text("#total").contains("250.00"));
    touch("button.tier[data-insurance=pension]");
    waitFor(() -> text("#total").contains("350.00"));
    touch("button.tier[data-insurance=pension]"); // touched again: off
    waitFor(() -> text("#total").contains("250.00"));
    shot("2-household-portrait");

    touch("#confirm");
    waitScreen("CHANNEL");
    touch("#wechat");
    waitScreen("PAYING");
    assertThat(text("#amount")).contains("请用微信扫码支付 250.00 元");
    waitFor(() -> ((Number) page.eval("document.querySelector('#qr').naturalWidth")).intValue() > 0);
    waitFor(() -> text("#countdown").matches("剩余 \\d+ 秒"));
    shot("3-qr-portrait");
    JsonObject sent = new JsonObject(wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/orders"))).get(0).getBodyAsString());
    assertThat(sent.getString("channel")).isEqualTo("wechat");
    assertThat(sent.getJsonArray("items")).hasSize(1);

    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER)).willReturn(okJson(resource("order-paid.json"))));
    waitScreen("DONE");
    assertThat(text("#done")).isEqualTo("缴费成功，请取走凭证");
    shot("4-done-portrait");
    assertThat(printer.printed()).singleElement().satisfies(p -> {
      assertThat(p.lines()).contains("城乡居民基本医疗/养老保险缴费凭证", "潘*梅 3713**********8490",
          "2020年 医疗 个人缴费 250.00元", "合计: 250.00元", "支付方式: 微信支付");
      assertThat(p.qrCodes()).containsExactly("https://verify.example/r/" + ORDER);
    });

    // back home; 长辈模式 in landscape: bigger text, high contrast
    touch("#cancel");
    waitScreen("IDLE");
    viewport(1920, 1080);
    String normal = (String) page.eval("getComputedStyle(document.querySelector('.big')).fontSize");
    touch("#elder");
    waitFor(() -> Boolean.TRUE.equals(page.eval("document.body.classList.contains('elder')")));
    String elder = (String) page.eval("getComputedStyle(document.querySelector('.big')).fontSize");
    assertThat(Double.parseDouble(elder.replace("px", ""))).isGreaterThan(Double.parseDouble(normal.replace("px", "")));
    assertThat(page.eval("getComputedStyle(document.body).backgroundColor")).isEqualTo("rgb(255, 255, 255)");
    shot("5-idle-elder-landscape");

    // the on-screen keypad: ID number by touches, name typed
    touch("#keypad");
    waitScreen("KEYPAD");
    for (char c : "371312196205108490".toCharArray()) {
      touch("button.key[data-key='" + c + "']");
    }
    touch("#name");
    page.send("Input.insertText", new JsonObject().put("text", "潘梅"));
    assertThat(page.eval("document.querySelector('#idNumber').value")).isEqualTo("371312196205108490");
    shot("6-keypad-elder-landscape");
    touch("#lookup");
    waitScreen("HOUSEHOLD");
    shot("7-household-elder-landscape");
    touch("#cancel");
    waitScreen("IDLE");
    assertThat(text("#screen")).doesNotContain("潘*梅");
    assertThat(page.eval("document.querySelector('#idNumber')")).isNull();
  }

  // ---- Chromium

  private Cdp openChromium() throws Exception {
    Path bin = chromiumBinary();
    Path profile = dir.resolve("chromium-profile");
    Files.createDirectories(profile);
    chromium = new ProcessBuilder(bin.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--remote-debugging-port=0", "--remote-allow-origins=*", "--lang=zh-CN",
        "--hide-scrollbars", "about:blank")
        .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
    Path portFile = profile.resolve("DevToolsActivePort");
    waitFor(() -> Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2);
    int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
    HttpClient http = HttpClient.newHttpClient();
    JsonArray targets = new JsonArray(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    String ws = targets.stream().map(JsonObject.class::cast).filter(t -> "page".equals(t.getString("type")))
        .findFirst().orElseThrow().getString("webSocketDebuggerUrl");
    Cdp cdp = Cdp.connect(vertx, ws);
    cdp.send("Page.enable", new JsonObject());
    cdp.send("Runtime.enable", new JsonObject());
    return cdp;
  }

  /** Debian's chromium; installed by scripts/ensure-chromium.sh when missing, as CI does. */
  static Path chromiumBinary() throws Exception {
    String env = System.getenv("CHROMIUM");
    for (String c : List.of(env == null ? "" : env, "/usr/bin/chromium", "/usr/bin/chromium-browser")) {
      if (!c.isEmpty() && Files.isExecutable(Path.of(c))) {
        return Path.of(c);
      }
    }
    Process p = new ProcessBuilder("bash", "scripts/ensure-chromium.sh").inheritIO().start();
    assertThat(p.waitFor(15, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as("scripts/ensure-chromium.sh installs Debian's chromium").isZero();
    return Path.of("/usr/bin/chromium");
  }

  private void viewport(int w, int h) throws Exception {
    page.send("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", w).put("height", h)
        .put("deviceScaleFactor", 1).put("mobile", false));
  }

  private void navigate(String url) throws Exception {
    page.send("Page.navigate", new JsonObject().put("url", url));
  }

  private void waitScreen(String screen) throws Exception {
    waitFor(() -> screen.equals(page.eval("(document.querySelector('#screen') || {dataset: {}}).dataset.screen")));
  }

  private String text(String selector) throws Exception {
    Object t = page.eval("(document.querySelector(\"" + selector + "\") || {}).innerText");
    return t == null ? "" : t.toString();
  }

  /** A touch: a mouse press and release at the element's centre, as a finger on the screen would give. */
  private void touch(String selector) throws Exception {
    waitFor(() -> Boolean.TRUE.equals(page.eval("(() => { const e = document.querySelector(\"" + selector
        + "\"); return !!e && !e.disabled && e.offsetParent !== null; })()")));
    JsonObject r = new JsonObject((String) page.eval("JSON.stringify((() => { const e = document.querySelector(\"" + selector
        + "\"); e.scrollIntoView({block: 'center'}); const b = e.getBoundingClientRect(); return {x: b.x + b.width / 2, y: b.y + b.height / 2}; })())"));
    for (String type : List.of("mousePressed", "mouseReleased")) {
      page.send("Input.dispatchMouseEvent", new JsonObject().put("type", type).put("x", r.getDouble("x"))
          .put("y", r.getDouble("y")).put("button", "left").put("clickCount", 1));
    }
  }

  private void shot(String name) throws Exception {
    Thread.sleep(150); // let the last render reach the screen
    JsonObject r = page.send("Page.captureScreenshot", new JsonObject().put("format", "png"));
    Files.write(SHOTS.resolve(name + ".png"), Base64.getDecoder().decode(r.getString("data")));
  }

  static void waitFor(Callable<Boolean> c) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!Boolean.TRUE.equals(c.call())) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not reached in 20 s");
      }
      Thread.sleep(50);
    }
  }

  static String resource(String name) throws IOException {
    try (InputStream in = TouchUiEndToEndTest.class.getResourceAsStream("/gateway/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
