package cn.liangxian.kiosk.ui;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.kiosk.Await;
import cn.liangxian.kiosk.KioskAgent;
import cn.liangxian.kiosk.KioskOptions;
import cn.liangxian.kiosk.device.idcard.IdCard;
import cn.liangxian.kiosk.device.idcard.SamSimulator;
import cn.liangxian.kiosk.device.printer.PrinterSimulator;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * {@code target/e2e-screenshots/}. {@link RealGatewayEndToEndTest} does the same against the real gateway.
 */
class TouchUiEndToEndTest {

  static final String ORDER = "3c0a9f5e-7d21-4b8e-8f0a-5a1c2e3d4f50";

  @TempDir
  Path dir;
  WireMockServer wm;
  SamSimulator reader;
  PrinterSimulator printer;
  KioskAgent agent;
  KioskBrowser browser;
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
        "gateway: {url: 'http://127.0.0.1:" + wm.port() + "', timeoutMillis: " + Await.ANSWER_TIMEOUT_MILLIS + ", verifyUrl: 'https://verify.example/r'}",
        "keyDir: '" + dir.resolve("keys") + "'",
        "journal: '" + dir.resolve("journal.log") + "'",
        "ui: {host: 127.0.0.1, port: 0}",
        "payPollMillis: 300",
        "devices:",
        "  idcard: {type: sam-tcp, host: 127.0.0.1, port: " + reader.port() + "}",
        "  printer: {type: tcp, host: 127.0.0.1, port: " + printer.port() + "}",
        ""));
    agent = KioskAgent.start(KioskOptions.load(config, Map.of()));
    browser = new KioskBrowser(dir);
    page = browser.page;
  }

  @AfterEach
  void stop() throws Exception {
    if (browser != null) {
      browser.close();
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
    browser.viewport(w, h);
  }

  private void navigate(String url) throws Exception {
    browser.navigate(url);
  }

  private void waitScreen(String screen) throws Exception {
    browser.waitScreen(screen);
  }

  private String text(String selector) throws Exception {
    return browser.text(selector);
  }

  private void touch(String selector) throws Exception {
    browser.touch(selector);
  }

  private void shot(String name) throws Exception {
    browser.shot(name);
  }

  static void waitFor(Callable<Boolean> c) throws Exception {
    KioskBrowser.waitFor(c);
  }

  static String resource(String name) throws IOException {
    try (InputStream in = TouchUiEndToEndTest.class.getResourceAsStream("/gateway/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
