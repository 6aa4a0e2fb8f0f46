package cn.liangxian.kiosk.ui;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.chromium.Cdp;
import cn.liangxian.kiosk.Await;
import cn.liangxian.kiosk.HeldAnswers;
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

  final HeldAnswers held = new HeldAnswers();

  @BeforeEach
  void start(org.junit.jupiter.api.TestInfo test) throws Exception {
    wm = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1").extensions(held));
    wm.start();
    wm.stubFor(post(urlPathEqualTo("/api/v1/lookup")).willReturn(okJson(resource("household.json"))));
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders")).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody(resource("order-paying.json"))));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER)).willReturn(okJson(resource("order-paying.json"))));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER + "/receipt")).willReturn(okJson(resource("receipt.json"))));
    wm.stubFor(post(urlPathEqualTo("/api/v1/kiosks/heartbeat")).willReturn(aResponse().withStatus(204)));
    wm.stubFor(get(urlPathEqualTo("/api/v1/channels")).willReturn(okJson("{\"channels\": ["
        + "{\"name\": \"wechat\", \"title\": \"微信支付\", \"modes\": [\"qr\", \"mini\"]},"
        + "{\"name\": \"alipay\", \"title\": \"支付宝\", \"modes\": [\"qr\", \"mini\"]},"
        + "{\"name\": \"unionpay\", \"title\": \"云闪付 / 银联\", \"modes\": [\"qr\"]}]}")));
    reader = new SamSimulator(0);
    printer = new PrinterSimulator(0);
    Path config = dir.resolve("kiosk.yaml");
    Files.writeString(config, String.join("\n",
        "kioskId: K-E2E-1",
        "gateway: {url: 'http://127.0.0.1:" + wm.port() + "', timeoutMillis: " + Await.ANSWER_TIMEOUT_MILLIS
            // a slow channel's test runs out of an order's time sooner than the 20 s a kiosk gives it
            + ", orderTimeoutMillis: " + (test.getDisplayName().contains("Slow") ? 5000 : Await.ANSWER_TIMEOUT_MILLIS)
            + ", verifyUrl: 'https://verify.example/r'}",
        "keyDir: '" + dir.resolve("keys") + "'",
        "journal: '" + dir.resolve("journal.log") + "'",
        "ui: {host: 127.0.0.1, port: 0}",
        "payPollMillis: 500",
        "deviceCheckSeconds: 1", // the printer asked every second, so that a fault reaches the first screen soon
        "devices:",
        "  idcard: {type: sam-tcp, host: 127.0.0.1, port: " + reader.port() + "}",
        "  printer: {type: tcp, host: 127.0.0.1, port: " + printer.port() + "}",
        ""));
    agent = KioskAgent.start(KioskOptions.load(config, Map.of()));
    browser = new KioskBrowser();
    page = browser.page;
  }

  @AfterEach
  void stop() throws Exception {
    held.release();
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      // whatever the browser answered: the agent and the stand-ins never outlive the test
      agent.close();
      wm.stop();
      reader.close();
      printer.close();
    }
  }

  static final IdCard CARD = new IdCard("潘威", "男", "01", "19620510", "山东省临沂市河东区九曲街道", "371312196205108490",
      "临沂市公安局河东分局", "20150101", "长期");

  /**
   * A household of four with both insurances, medical required of the whole household: card read to QR code on
   * screen in at most three touches, upright, sideways and on a phone-sized window, each also in 长辈模式, which
   * is switched back off for the next resident; no label is broken across lines or cut at any of them.
   */
  @Test
  void aHouseholdOfFourReachesItsQrCodeInThreeTouchesAtEverySizeAndInElderMode() throws Exception {
    wm.stubFor(post(urlPathEqualTo("/api/v1/lookup")).willReturn(okJson(resource("household4.json"))));
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders/" + ORDER + "/cancel")).willReturn(okJson(resource("order-paying.json"))));
    navigate("http://127.0.0.1:" + agent.uiPort() + "/");
    for (String[] size : List.of(new String[] {"1080", "1920", "portrait"}, new String[] {"1920", "1080", "landscape"},
        new String[] {"390", "844", "phone"})) {
      viewport(Integer.parseInt(size[0]), Integer.parseInt(size[1]));
      for (boolean elder : List.of(false, true)) {
        String tag = size[2] + (elder ? "-elder" : "");
        waitScreen("IDLE");
        if (elder) {
          touch("#elder");
          waitFor(() -> text("#elderState").equals("开"));
        }
        assertThat(browser.brokenLabels()).as(tag + " idle").isEmpty();
        shot("idle-" + tag);
        browser.countFromHere();
        reader.place(CARD);
        cardRead();
        // the whole household's medical is picked from the start; 全家缴费 adds the pensions at their default tiers
        assertThat(page.eval("document.querySelectorAll('button.pick.on[data-insurance=medical]').length")).isEqualTo(4);
        assertThat(text("#payAll")).isEqualTo("全家缴费 1400.00元");
        assertThat(text("#screen")).contains("男 · 57岁 · 尾号8490").contains("男 · 9岁 · 尾号3417")
            .contains("已缴费（2019年12月2日）").contains("300元档");
        assertThat(text("#total")).contains("合计 1000.00元");
        assertThat(text("#screen")).as(tag + ": money in 元, never ¥").doesNotContain("¥");
        assertThat(visible("#confirm")).as(tag + ": 去缴费 on screen without scrolling").isTrue();
        assertThat(browser.brokenLabels()).as(tag + " household").isEmpty();
        // members below the fold are said to be there (scroll bars are hidden on a kiosk)
        boolean overflows = saysWhatIsBelow(tag + " household", "全家共4人，向下滑动查看全部");
        if (tag.equals("landscape-elder")) {
          assertThat(overflows).as("four members in 长辈模式 sideways: two below the fold").isTrue();
        }
        shot("household-" + tag);
        if (overflows) {
          page.eval("(() => { const l = document.querySelector('#screen .scroll'); l.scrollTop = l.scrollHeight; return true; })()");
          waitFor(() -> !shown("#moreBelow"));
          shot("household-bottom-" + tag);
        }
        touch("#payAll");
        waitScreen("CHANNEL");
        // the channels the gateway offers, UnionPay among them
        waitFor(() -> visible("#unionpay"));
        assertThat(text(".channels")).contains("微信支付").contains("支付宝").contains("云闪付");
        assertThat(browser.brokenLabels()).as(tag + " channel").isEmpty();
        // lines of what is paid for below the fold are said too, until the list is scrolled to its end
        assertThat(page.eval("document.querySelectorAll('#review .line').length")).asString().isEqualTo("6");
        boolean linesBelow = saysWhatIsBelow(tag + " channel", "共6项，向下滑动查看全部");
        if (tag.equals("landscape-elder")) {
          assertThat(linesBelow).as("six lines in 长辈模式 sideways: some below the fold").isTrue();
        }
        shot("channel-" + tag);
        assertThat(text("#review")).as(tag + ": what is paid for, listed before paying").contains("医疗保险").contains("元")
            // members of one surname masked alike (王*) told apart by their ID number's tail
            .contains("王* 尾号4513 2020年医疗保险").contains("王* 尾号2026 2020年医疗保险");
        assertThat(text("#screen")).doesNotContain("¥");
        assertThat(text("#screen").replaceAll("\\s", "")).contains("应缴1400.00元");
        touch("#wechat");
        waitScreen("PAYING");
        waitFor(() -> ((Number) page.eval("document.querySelector('#qr').naturalWidth")).intValue() > 0);
        assertThat(browser.touches).as(tag + ": touches from card to QR code").isLessThanOrEqualTo(3);
        waitFor(() -> text("#countdown").matches("剩余 (\\d+分\\d{2}秒|\\d+秒)"));
        assertThat(visible("#qr")).as(tag + ": the QR code on screen").isTrue();
        shot("qr-" + tag);
        // leaving the QR code is asked first: 继续付款 keeps it, 确定返回首页 cancels
        touch("#cancel");
        waitFor(() -> visible("#keepPaying"));
        shot("leave-" + tag);
        touch("#keepPaying");
        waitFor(() -> Boolean.TRUE.equals(page.eval("document.querySelector('#leave').classList.contains('hidden')")));
        assertThat(visible("#qr")).isTrue();
        touch("#cancel");
        waitFor(() -> visible("#leaveConfirmed"));
        touch("#leaveConfirmed");
        // the order cancelled, said so, and the card to take back
        waitScreen("ERROR");
        assertThat(text("#error")).isEqualTo("订单已取消，没有扣款");
        assertThat(text("#takeCard")).isEqualTo("请取回您的身份证");
        touch("#cancel");
        waitScreen("IDLE");
        waitFor(() -> text("#elderState").equals("关"));
      }
    }
    JsonObject sent = new JsonObject(wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/orders"))).get(0).getBodyAsString());
    assertThat(sent.getJsonArray("items")).hasSize(6);
    assertThat(sent.getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(i -> i.getString("insurance").equals("pension")).map(i -> i.getInteger("tier")).toList())
        .containsExactly(100, 300); // the lowest tier, and last year's where the gateway names it
  }

  /**
   * Typed entry, a wrong name and a corrected one, the tier sheet, paying and the receipt: the ID number by the
   * keypad (a wrong check digit said as such), the name by pinyin and candidate characters, the digits kept
   * when the name is wrong.
   */
  @Test
  void typedEntryTierSheetPayAndReceipt() throws Exception {
    // a third member, whose medical paid in December had its whole personal part given back since (the district pays it now)
    JsonObject household = new JsonObject(resource("household.json"));
    household.getJsonArray("members").add(new JsonObject("{\"ref\": \"0b6d1e4a-3333-4c1e-9a55-0d3e7f1b2c01\", \"name\": \"王*\","
        + " \"idNumber\": \"3713**********5678\", \"sex\": \"male\", \"age\": 60, \"insurances\": ["
        + "{\"insurance\": \"medical\", \"year\": 2020, \"status\": \"paid\", \"paidAt\": \"2019-12-10T09:12:00+08:00\","
        + " \"personalFen\": 0, \"governmentFen\": 0, \"subsidyFen\": 0, \"laterSubsidyFen\": 0, \"totalFen\": 0, \"refundedFen\": 25000,"
        + " \"coverageStart\": \"2020-01-01\", \"coverageEnd\": \"2020-12-31\", \"rules\": []},"
        + "{\"insurance\": \"pension\", \"year\": 2020, \"status\": \"paid\", \"paidAt\": \"2019-12-10T09:12:00+08:00\", \"tier\": 800,"
        + " \"personalFen\": 80000, \"governmentFen\": 0, \"subsidyFen\": 8000, \"laterSubsidyFen\": 0, \"totalFen\": 88000, \"rules\": []}]}"));
    wm.stubFor(post(urlPathEqualTo("/api/v1/lookup")).willReturn(okJson(household.encode())));
    wm.stubFor(post(urlPathEqualTo("/api/v1/lookup")).atPriority(1)
        .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.name", com.github.tomakehurst.wiremock.client.WireMock.equalTo("潘")))
        .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/problem+json")
            .withBody("{\"type\":\"https://liangxian.cn/problems/household-not-found\",\"title\":\"未查到参保信息\","
                + "\"status\":404,\"detail\":\"身份证号与姓名对不上，请核对姓名\"}")));
    viewport(1080, 1920);
    navigate("http://127.0.0.1:" + agent.uiPort() + "/");
    waitScreen("IDLE");
    assertThat(page.eval("document.documentElement.lang")).isEqualTo("zh-CN");
    touch("#keypad");
    waitScreen("KEYPAD");
    for (char c : "371312196205108491".toCharArray()) {
      touch("button.key[data-key='" + c + "']");
    }
    touch("#name");
    // ü has no key: said on the keyboard
    assertThat(text("#vHint")).isEqualTo("ü 请按 v");
    assertThat(visible("#vHint")).isTrue();
    typeName("pan");
    touch("#lookup");
    waitFor(() -> text("#entryError").contains("校验位"));
    shot("keypad-bad-check-digit-portrait");
    // the number's keypad is up to mend it, and the error goes once the number is changed
    assertThat(page.eval("document.querySelector(\"button.key[data-key='7']\") !== null")).isEqualTo(true);
    touch("button.key[data-key='删除']");
    assertThat(page.eval("document.getElementById('entryError') === null")).as("said of a number no longer there").isEqualTo(true);
    touch("button.key[data-key='0']");
    touch("#lookup");
    waitFor(() -> text("#entryError").contains("请核对姓名"));
    assertThat(text("#idNumber")).contains("371312196205108490"); // kept
    touch("#name");
    typeName("wei");
    assertThat(text("#name")).contains("潘威");
    // the dot of a name such as 阿卜杜热合曼·买买提 has a key: one between two characters, taken back as any character
    touch("#nameDot");
    touch("#nameDot");
    assertThat(text("#name")).contains("潘威·").doesNotContain("··");
    touch("#nameDelete");
    assertThat(text("#name")).contains("潘威").doesNotContain("·");
    // as long a name as an ID card holds (fifteen characters): the keyboard takes no more, and says fifteen are enough
    assertThat(page.eval("document.getElementById('nameFull') === null")).as("said of a short name").isEqualTo(true);
    for (int i = 0; i < 13; i++) {
      typeName("wei");
    }
    assertThat(text("#name")).contains("潘" + "威".repeat(14));
    assertThat(text("#nameFull")).isEqualTo("姓名超过15个字的，输入前15个字即可");
    assertThat(browser.brokenLabels()).as("a long name").isEmpty();
    shot("keypad-long-name-portrait");
    typeName("wei");
    assertThat(text("#name")).contains("潘" + "威".repeat(14)).doesNotContain("威".repeat(15));
    touch("#nameClear");
    typeName("pan");
    typeName("wei");
    assertThat(page.eval("document.getElementById('nameFull') === null")).as("said once the name is short again").isEqualTo(true);
    assertThat(browser.brokenLabels()).as("keypad").isEmpty();
    shot("keypad-name-portrait");
    otherSizes("keypad-name");
    touch("#lookup");
    waitScreen("HOUSEHOLD");
    // what was given back of a paid item is said beside it, with what stays paid
    assertThat(text("#screen")).contains("已缴费（2019年12月10日）").contains("已退差额250.00元，实缴0.00元");
    assertThat(page.eval("document.querySelectorAll('.why.refunded').length")).as("only the item given back of").isEqualTo(1);

    // medical picked, then the pension at another tier through the sheet, then the pension dropped again
    touch("button.pick[data-insurance=medical]");
    waitFor(() -> text("#total").contains("合计 250.00元"));
    touch("button.change-tier[data-member='0b6d1e4a-1111-4c1e-9a55-0d3e7f1b2c01']");
    waitFor(() -> visible("#tierSheet"));
    assertThat(text("#tierSheet")).contains("300元档").contains("个人缴300.00元").contains("补贴40.00元");
    assertThat(browser.brokenLabels()).as("tier sheet").isEmpty();
    shot("tier-sheet-portrait");
    otherSizes("tier-sheet");
    touch("#tierSheet button.tier[data-tier='300']");
    waitFor(() -> text("#total").contains("合计 550.00元"));
    touch("button.pick[data-insurance=pension]");
    waitFor(() -> text("#total").contains("合计 250.00元"));
    touch("#confirm");
    waitScreen("CHANNEL");
    touch("#wechat");
    waitScreen("PAYING");
    assertThat(text("#amount").replaceAll("\\s", "")).contains("请用微信扫码支付250.00元");
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER)).willReturn(okJson(resource("order-paid.json"))));
    waitScreen("DONE");
    assertThat(text("#done")).isEqualTo("缴费成功，请取走凭证");
    assertThat(text("#paidSummary")).isEqualTo("已缴 1 项，共 250.00元（微信支付）");
    // the number was typed: no card to take back
    assertThat(page.eval("!document.querySelector('#takeCard')")).isEqualTo(true);
    for (String[] size : List.of(new String[] {"1080", "1920", "portrait"}, new String[] {"1920", "1080", "landscape"},
        new String[] {"390", "844", "phone"})) {
      viewport(Integer.parseInt(size[0]), Integer.parseInt(size[1]));
      shot("done-" + size[2]);
    }
    assertThat(printer.printed()).singleElement().satisfies(p -> {
      assertThat(p.lines()).contains("城乡居民基本医疗/养老保险缴费凭证", "潘*威 3713**********8490",
          "2020年 医疗 个人缴费 250.00元", "合计: 250.00元", "支付方式: 微信支付", "自助机: K-E2E-1",
          "时间: 2020年1月15日 10:01:30");
      assertThat(p.qrCodes()).containsExactly("https://verify.example/r/LX3c0a9f5e7d214b8e");
    });
    touch("#cancel");
    waitScreen("IDLE");
    assertThat(text("#screen")).doesNotContain("潘*威");
  }

  /**
   * A household whose items are held by a payment begun elsewhere and not finished: said first, in a warning's colour,
   * never in the green of 已缴费, and never as a household with nothing to pay. A child not yet 16 and a member insured
   * elsewhere: 暂不能参保 and 无需缴费 with the reason, in grey, not an error's red.
   */
  @Test
  void aPaymentBegunElsewhereIsAWarningNotAPaidItemAndItemsNotPaidHereAreNoError() throws Exception {
    JsonObject household = new JsonObject(resource("household.json"));
    JsonObject pan = household.getJsonArray("members").getJsonObject(0);
    pan.getJsonArray("insurances").getJsonObject(0).put("status", "in-progress").put("statusText", "付款未完成");
    pan.getJsonArray("insurances").getJsonObject(1).put("status", "in-progress").put("statusText", "付款未完成").remove("tiers");
    household.getJsonArray("members").getJsonObject(1).getJsonArray("insurances").getJsonObject(1)
        .put("reasonCode", "policy.min-age").put("reasonText", "须年满16周岁才能参保（按2020年12月31日计算）");
    household.getJsonArray("members").add(new JsonObject("{\"ref\": \"0b6d1e4a-3333-4c1e-9a55-0d3e7f1b2c01\", \"name\": \"王*\","
        + " \"idNumber\": \"3713**********5678\", \"sex\": \"male\", \"age\": 35, \"insurances\": ["
        + "{\"insurance\": \"medical\", \"year\": 2020, \"status\": \"not-eligible\", \"statusText\": \"无需缴费\","
        + " \"reason\": \"enrolled elsewhere\","
        + " \"reasonCode\": \"policy.enrolled-elsewhere\", \"reasonText\": \"本年度已在其他地方或职工医保参保，不能重复参保\"},"
        // a tier the government adds nothing to: no 政府补贴0.00元
        + "{\"insurance\": \"pension\", \"year\": 2020, \"status\": \"unpaid\", \"personalFen\": 10000, \"subsidyFen\": 0,"
        + " \"tiers\": [{\"tier\": 100, \"personalFen\": 10000, \"subsidyFen\": 0, \"governmentFen\": 0},"
        + " {\"tier\": 200, \"personalFen\": 20000, \"subsidyFen\": 3000, \"governmentFen\": 0}]}]}"));
    wm.stubFor(post(urlPathEqualTo("/api/v1/lookup")).willReturn(okJson(household.encode())));
    cardToHousehold();
    assertThat(text("#inProgress")).isEqualTo(
        "有一笔缴费还没有付款完成（可能在手机上或另一台机器上），请在那里付完；如果不付，约15分钟后可以在这里重新缴费");
    assertThat(visible("#inProgress")).isTrue();
    assertThat(text("#screen")).doesNotContain("没有需要缴费").contains("付款未完成");
    String green = (String) page.eval("getComputedStyle(document.querySelector('.item.paid-by-government .status')).color");
    assertThat(page.eval("getComputedStyle(document.querySelector('#inProgress')).color")).isNotEqualTo(green);
    assertThat(page.eval("getComputedStyle(document.querySelector('.item.in-progress .status')).color"))
        .as("held by a payment not finished: not the green of a paid item").isNotEqualTo(green);
    // not paid here: neutral words, in grey like the reason beside them
    assertThat(texts(".item.not-eligible .status")).containsExactly("暂不能参保", "无需缴费");
    // the words are the gateway's (decided there once, for every screen); an answer without them reads as its status,
    // and a status this kiosk does not know is no code
    assertThat(page.eval("statusText({status: 'paid'})")).isEqualTo("已缴费");
    assertThat(page.eval("statusText({status: 'paid', statusText: 'paid'})")).as("words a resident cannot read are not shown")
        .isEqualTo("已缴费");
    assertThat(page.eval("statusText({status: 'no-such-status'})")).isEqualTo("暂不能缴费");
    assertThat(texts(".item.not-eligible .why")).containsExactly("须年满16周岁才能参保（按2020年12月31日计算）",
        "本年度已在其他地方或职工医保参保，不能重复参保");
    assertThat(text("#screen")).doesNotContain("不在此缴费").doesNotContain("补贴0.00元");
    assertThat(texts(".tierinfo")).containsExactly("100元档");
    touch("button.change-tier[data-member='0b6d1e4a-3333-4c1e-9a55-0d3e7f1b2c01']");
    waitFor(() -> visible("#tierSheet"));
    assertThat(text("#tierSheet button.tier[data-tier='100']")).doesNotContain("补贴");
    assertThat(text("#tierSheet button.tier[data-tier='200']")).contains("补贴30.00元");
    touch("#closeSheet");
    waitFor(() -> page.eval("document.querySelector('#tierSheet')") == null);
    String grey = (String) page.eval("getComputedStyle(document.querySelector('.mmeta')).color");
    assertThat(page.eval("[...document.querySelectorAll('.item.not-eligible .status, .item.not-eligible .why')]"
        + ".every(e => getComputedStyle(e).color === '" + grey + "')")).isEqualTo(true);
    assertThat(browser.brokenLabels()).isEmpty();
    shot("household-in-progress-portrait");
    otherSizes("household-in-progress");
  }

  /**
   * A printer out of paper is said on the first screen, before anyone places a card, and its pay buttons are off until
   * it has paper again; a reader that cannot read (unplugged) sends residents to the keypad from the first screen.
   */
  @Test
  void devicesThatCannotPrintOrReadAreSaidOnTheFirstScreen() throws Exception {
    viewport(1080, 1920);
    navigate("http://127.0.0.1:" + agent.uiPort() + "/");
    waitScreen("IDLE");
    printer.status(new cn.liangxian.kiosk.device.printer.PrinterStatus(false, false, true, false));
    waitFor(() -> text("#screen").contains("本机打印机缺纸，暂停收费，请到其他机器缴费"));
    assertThat(visible("#device0")).isTrue();
    assertThat(browser.brokenLabels()).isEmpty();
    shot("idle-printer-out-portrait");
    otherSizes("idle-printer-out");

    reader.place(CARD);
    cardRead();
    assertThat(text("#payBlocked")).startsWith("打印机缺纸，本机暂停收费");
    assertThat(page.eval("document.querySelector('#payAll').disabled && document.querySelector('#confirm').disabled"))
        .isEqualTo(true);
    shot("household-printer-out-portrait");
    // paper again: the buttons come back by themselves
    printer.status(cn.liangxian.kiosk.device.printer.PrinterStatus.READY);
    waitFor(() -> Boolean.FALSE.equals(page.eval("document.querySelector('#payAll').disabled")));
    touch("#payAll");
    waitScreen("CHANNEL");
    printer.status(new cn.liangxian.kiosk.device.printer.PrinterStatus(false, false, true, false));
    waitFor(() -> Boolean.TRUE.equals(page.eval("[...document.querySelectorAll('button.channel')].every(b => b.disabled)")));
    assertThat(text("#busy")).startsWith("打印机缺纸，本机暂停收费");
    shot("channel-printer-out-portrait");
    touch("#cancel");
    waitScreen("IDLE");

    // the reader unplugged
    printer.status(cn.liangxian.kiosk.device.printer.PrinterStatus.READY);
    reader.close();
    reader.disconnect();
    waitFor(() -> text("#screen").contains("读卡器故障，请点“手动输入身份证号”")
        && !text("#screen").contains("打印机缺纸"));
    assertThat(visible("#keypad")).isTrue();
    assertThat(text("#screen")).doesNotContain("请将身份证放在");
    shot("idle-reader-fault-portrait");
    touch("#keypad");
    waitScreen("KEYPAD");
  }

  /** Upright, a card read (and taken back): the household screen. */
  private void cardToHousehold() throws Exception {
    viewport(1080, 1920);
    navigate("http://127.0.0.1:" + agent.uiPort() + "/");
    waitScreen("IDLE");
    reader.place(CARD);
    cardRead();
  }

  /** The card on the reader read: the household screen, the card taken back. */
  private void cardRead() throws Exception {
    waitScreen("HOUSEHOLD");
    reader.remove();
  }

  /** Upright, a card read, its holder's medical insurance picked and confirmed: the pay-method screen. */
  private void cardToChannels() throws Exception {
    cardToHousehold();
    touch("button.pick[data-insurance=medical]");
    touch("#confirm");
    waitScreen("CHANNEL");
  }

  /**
   * The kiosk's own service stops answering (it restarts, or died): the screen does not stay frozen on the last resident's
   * household with touches doing nothing, it is cleared within seconds and says what is going on.
   */
  @Test
  void whileTheKiosksServiceDoesNotAnswerTheScreenIsClearedAndSaysSo() throws Exception {
    cardToHousehold();
    assertThat(text("#screen")).contains("潘*威");
    agent.close();
    waitScreen("UNAVAILABLE");
    assertThat(text("#screen")).contains("系统维护中", "不要重复付款").doesNotContain("潘*威", "3713");
    assertThat(browser.brokenLabels()).isEmpty();
  }

  /** A card session that ends on an error (the gateway busy) still reminds its resident to take the card back. */
  @Test
  void anErrorThatEndsACardSessionSaysToTakeTheCardBack() throws Exception {
    wm.stubFor(post(urlPathEqualTo("/api/v1/lookup")).willReturn(aResponse().withStatus(503)));
    viewport(1080, 1920);
    navigate("http://127.0.0.1:" + agent.uiPort() + "/");
    waitScreen("IDLE");
    reader.place(CARD);
    waitScreen("ERROR");
    assertThat(text("#takeCard")).isEqualTo("请取回您的身份证");
    assertThat(visible("#takeCard")).isTrue();
  }

  /**
   * Paid, and the printer ran out of paper: the screen shows the receipt's number and the code of its verification page
   * (the one the paper carries), to be photographed; reprinted, the paper carries the same code.
   */
  @Test
  void aReceiptThatDidNotPrintIsShownWithItsNumberAndVerificationCode() throws Exception {
    cardToChannels();
    touch("#wechat");
    waitScreen("PAYING");
    printer.status(new cn.liangxian.kiosk.device.printer.PrinterStatus(false, false, true, false));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER)).willReturn(okJson(resource("order-paid.json"))));
    waitScreen("DONE");
    waitFor(() -> text("#done").contains("凭证打印失败"));
    assertThat(text("#receiptNo")).isEqualTo("凭证号：LX3c0a9f5e7d214b8e");
    assertThat(text("#takeCard")).as("read from a card").isEqualTo("请取回您的身份证");
    assertThat(text("#photoHint")).isEqualTo("请拍照留存，或到村（社区）补打");
    waitFor(() -> ((Number) page.eval("document.querySelector('#verifyQr').naturalWidth")).intValue() > 0);
    assertThat(visible("#verifyQr")).isTrue();
    String shown = (String) page.eval("fetch('/api/state').then(r => r.json()).then(s => s.receipt.verifyUrl)");
    assertThat(shown).isEqualTo("https://verify.example/r/LX3c0a9f5e7d214b8e");
    assertThat(browser.brokenLabels()).isEmpty();
    shot("done-print-failed-portrait");
    viewport(1920, 1080);
    waitFor(() -> visible("#verifyQr") && visible("#photoHint"));
    otherSizes("done-print-failed");

    printer.status(cn.liangxian.kiosk.device.printer.PrinterStatus.READY);
    touch("#reprint");
    waitFor(() -> text("#done").equals("缴费成功，请取走凭证"));
    assertThat(page.eval("!document.querySelector('#receiptCard')")).isEqualTo(true);
    assertThat(printer.printed()).singleElement().satisfies(p -> assertThat(p.qrCodes()).containsExactly(shown));
  }

  /**
   * A slow channel: while the QR code is made the screen says so; when the order's answer does not come in its time the
   * choice stays on the pay-method screen with the truth (no QR code was shown: nothing was taken) and a press again
   * makes the QR code.
   */
  @Test
  void aSlowChannelKeepsTheChoiceAndSaysNothingWasTaken() throws Exception {
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders")).withQueryParam("idempotencyKey",
        com.github.tomakehurst.wiremock.client.WireMock.matching("kiosk-.+")).willReturn(okJson(resource("order-paying.json"))));
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders/" + ORDER + "/cancel")).willReturn(okJson("{\"state\":\"CANCELLED\"}")));
    cardToChannels();
    held.hold("POST", "/api/v1/orders");
    touch("#wechat");
    waitScreen("LOOKING_UP");
    assertThat(text("#screen").replaceAll("\\s", "")).isEqualTo("正在生成付款码，请稍候…");
    shot("making-code-portrait");
    held.awaitArrived();
    waitScreen("CHANNEL");
    waitFor(() -> text("#busy").equals("支付渠道响应慢，没有扣款，请再点一次"));
    assertThat(text("#review")).as("the choice kept").contains("潘*威 尾号8490 2020年医疗保险");
    assertThat(browser.brokenLabels()).isEmpty();
    shot("channel-slow-portrait");
    // the order the lost answer made is cancelled by its key; the channel answers again
    waitFor(() -> !wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/orders/" + ORDER + "/cancel"))).isEmpty());
    held.release();
    touch("#wechat");
    waitScreen("PAYING");
  }

  /** The screen as it is, shot sideways and phone-sized too, then upright again. */
  private void otherSizes(String name) throws Exception {
    viewport(1920, 1080);
    shot(name + "-landscape");
    viewport(390, 844);
    shot(name + "-phone");
    viewport(1080, 1920);
  }

  /**
   * Whether the screen's list runs below the fold; if so, the cue says {@code cue}, else there is none (scroll bars are
   * hidden on a kiosk).
   */
  private boolean saysWhatIsBelow(String where, String cue) throws Exception {
    boolean below = Boolean.TRUE.equals(page.eval("(() => { const l = document.querySelector('#screen .scroll');"
        + " return l.scrollHeight - l.clientHeight - l.scrollTop > 8; })()"));
    if (below) {
      waitFor(() -> shown("#moreBelow"));
      assertThat(text("#moreBelow")).as(where).isEqualTo(cue);
    } else {
      assertThat(shown("#moreBelow")).as(where + ": all of it on screen, no cue").isFalse();
    }
    return below;
  }

  private void typeName(String pinyin) throws Exception {
    StringBuilder typed = new StringBuilder();
    for (char c : pinyin.toCharArray()) {
      touch("button.letter[data-letter='" + c + "']");
      typed.append(c);
      // the letter shown and its candidates in place before the next touch: the candidate row appearing
      // moves the keys, and a touch aimed before that would land beside its key (as a finger would not)
      String sofar = typed.toString();
      waitFor(() -> text("#pinyin").equals(sofar) && !text(".candidates .cand").isEmpty());
    }
    try {
      waitFor(() -> text("#pinyin").equals(pinyin) && !text(".candidates .cand").isEmpty());
    } catch (AssertionError e) {
      shot("failed-typing-" + pinyin);
      throw new AssertionError("typing " + pinyin + ": the pinyin line reads '" + text("#pinyin") + "', candidates '"
          + text(".candidates") + "'", e);
    }
    String want = pinyin.equals("pan") ? "潘" : "威";
    waitFor(() -> Boolean.TRUE.equals(page.eval("(() => { const b = [...document.querySelectorAll('.cand')]"
        + ".find(e => e.innerText === '" + want + "'); if (b) b.dataset.want = '1'; return !!b; })()")));
    touch(".cand[data-want='1']");
  }

  /** The text of every element the selector finds, in the page's order. */
  private List<Object> texts(String selector) throws Exception {
    return new io.vertx.core.json.JsonArray((String) page.eval("JSON.stringify([...document.querySelectorAll(\"" + selector
        + "\")].map(e => e.innerText))")).getList();
  }

  /** On screen and laid out (an element not displayed has an empty box at the corner, which {@link #visible} takes). */
  private boolean shown(String selector) throws Exception {
    return Boolean.TRUE.equals(page.eval("(() => { const e = document.querySelector(\"" + selector + "\");"
        + " return !!e && e.offsetParent !== null; })()")) && visible(selector);
  }

  private boolean visible(String selector) throws Exception {
    return Boolean.TRUE.equals(page.eval("(() => { const e = document.querySelector(\"" + selector + "\"); if (!e) return false;"
        + " const b = e.getBoundingClientRect(); return b.top >= 0 && b.bottom <= innerHeight && b.left >= 0 && b.right <= innerWidth; })()"));
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
