package cn.liangxian.kiosk.flow;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.kiosk.Await;
import cn.liangxian.kiosk.HeldAnswers;
import cn.liangxian.kiosk.LogLines;
import cn.liangxian.kiosk.MutableClock;
import cn.liangxian.kiosk.device.printer.EscPosReceiptPrinter;
import cn.liangxian.kiosk.device.printer.PrinterSimulator;
import cn.liangxian.kiosk.device.printer.PrinterStatus;
import cn.liangxian.kiosk.device.printer.TcpPrinterLine;
import cn.liangxian.kiosk.gateway.GatewayClient;
import cn.liangxian.kiosk.gateway.KioskIdentity;
import cn.liangxian.kiosk.gateway.RequestSigner;
import cn.liangxian.kiosk.journal.Journal;
import cn.liangxian.kiosk.journal.OrderJournal;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KioskFlowTest {

  static final String ORDER_ID = "3c0a9f5e-7d21-4b8e-8f0a-5a1c2e3d4f50";
  static final String MEMBER = "0b6d1e4a-1111-4c1e-9a55-0d3e7f1b2c01";

  @TempDir
  Path dir;
  final HeldAnswers held = new HeldAnswers();
  /** A second request held at the same time as {@link #held}'s. */
  final HeldAnswers heldToo = new HeldAnswers("held-too");
  WireMockServer wm;
  Vertx vertx;
  PrinterSimulator printer;
  MutableClock clock = new MutableClock(Instant.parse("2020-01-15T02:00:00Z"));
  RequestSigner signer;
  Journal file;
  OrderJournal journal;
  GatewayClient gw;
  ReceiptService receipts;
  KioskFlow flow;

  @BeforeEach
  void start() throws IOException {
    wm = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1").extensions(held, heldToo));
    wm.start();
    wm.stubFor(post(urlPathEqualTo("/api/v1/lookup")).willReturn(okJson(resource("household.json"))));
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders")).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody(resource("order-paying.json"))));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(okJson(resource("order-paying.json"))));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID + "/receipt")).willReturn(okJson(resource("receipt.json"))));
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders/" + ORDER_ID + "/cancel")).willReturn(okJson("{\"state\":\"CANCELLED\"}")));
    vertx = Vertx.vertx();
    printer = new PrinterSimulator(0);
    signer = new RequestSigner(KioskIdentity.loadOrCreate("K-1", dir.resolve("keys")), clock);
    gw = new GatewayClient(vertx, "http://127.0.0.1:" + wm.port(), signer, Await.ANSWER_TIMEOUT_MILLIS);
    file = Journal.open(dir.resolve("journal"));
    journal = new OrderJournal(file, clock);
    receipts = new ReceiptService(vertx, gw,
        new EscPosReceiptPrinter(TcpPrinterLine.opener("127.0.0.1", printer.port(), Await.ANSWER_TIMEOUT_MILLIS)), journal, "https://verify.example/r", "K-TEST-1");
    flow = new KioskFlow(vertx, gw, journal, receipts, clock, clock.ticker(), Duration.ofSeconds(2));
  }

  @AfterEach
  void stop() throws IOException {
    held.release();
    heldToo.release();
    vertx.close();
    wm.stop();
    printer.close();
    file.close();
  }

  static String resource(String name) throws IOException {
    try (InputStream in = KioskFlowTest.class.getResourceAsStream("/gateway/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  void until(BooleanSupplier c) throws Exception {
    Await.until(c::getAsBoolean, () -> "; screen " + flow.view());
  }

  @Test
  void cardToHouseholdToPaidToPrintedReceiptAndBackToIdle() throws Exception {
    flow.idCardRead("371312196205108490", "潘威");
    until(() -> flow.screen() == Screen.HOUSEHOLD);
    JsonObject v = flow.view();
    assertThat(v.encode()).doesNotContain("371312196205108490").doesNotContain("潘威").contains("潘*威");

    flow.toggle(MEMBER, "medical", null);
    flow.toggle(MEMBER, "pension", 300);
    assertThat(flow.view().getLong("selectedFen")).isEqualTo(25000 + 30000);
    flow.confirmSelection();
    flow.choose("wechat");
    until(() -> flow.screen() == Screen.PAYING);
    assertThat(flow.view().getJsonObject("order").getString("codeUrl")).startsWith("weixin://");
    assertThat(flow.view().getLong("secondsLeft")).isEqualTo(15 * 60);
    JsonObject sent = new JsonObject(wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/orders"))).get(0).getBodyAsString());
    assertThat(sent.getJsonArray("items")).hasSize(2);
    assertThat(sent.getJsonArray("items").getJsonObject(1).getInteger("tier")).isEqualTo(300);
    assertThat(journal.open()).singleElement().satisfies(e -> assertThat(e.orderId()).isEqualTo(ORDER_ID));

    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(okJson(resource("order-paid.json"))));
    clock.advance(Duration.ofSeconds(3));
    flow.tick();
    until(() -> flow.screen() == Screen.DONE);
    // one held status request rather than a poll every second
    wm.verify(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlPathEqualTo("/api/v1/orders/" + ORDER_ID))
        .withQueryParam("waitSeconds", com.github.tomakehurst.wiremock.client.WireMock.equalTo("20"))
        .withQueryParam("state", com.github.tomakehurst.wiremock.client.WireMock.equalTo("PAYING")));
    assertThat(flow.view().getString("message")).isEqualTo("缴费成功，请取走凭证");
    assertThat(flow.view().getString("takeCard")).as("read from a card: told to take it back").isEqualTo("请取回您的身份证");
    assertThat(printer.printed()).singleElement().satisfies(p -> {
      assertThat(p.text()).contains("潘*威 3713**********8490").contains("合计: 250.00元").contains("微信支付");
      // Beijing time as read on paper, the kiosk, and what the government adds, decoded from the ESC/POS bytes
      assertThat(p.lines()).contains("时间: 2020年1月15日 10:01:30", "自助机: K-TEST-1", "财政补助 520.00元");
      assertThat(p.qrCodes()).containsExactly("https://verify.example/r/LX3c0a9f5e7d214b8e");
    });
    assertThat(journal.open()).isEmpty();

    clock.advance(Duration.ofSeconds(21));
    flow.tick();
    assertThat(flow.screen()).isEqualTo(Screen.IDLE);
    assertThat(flow.view().fieldNames()).containsOnly("screen", "elder", "message");
  }

  @Test
  void everyScreenTimesOutToIdleAndElderModeDoublesTheTime() throws Exception {
    flow.startKeypad();
    clock.advance(Duration.ofSeconds(89));
    flow.tick();
    assertThat(flow.screen()).isEqualTo(Screen.KEYPAD);
    clock.advance(Duration.ofSeconds(1));
    flow.tick();
    assertThat(flow.screen()).isEqualTo(Screen.IDLE);

    flow.elder(true);
    flow.idCardRead("371312196205108490", "潘威");
    until(() -> flow.screen() == Screen.HOUSEHOLD);
    clock.advance(Duration.ofSeconds(200));
    flow.tick();
    assertThat(flow.screen()).isEqualTo(Screen.HOUSEHOLD);
    clock.advance(Duration.ofSeconds(40));
    flow.tick();
    assertThat(flow.screen()).isEqualTo(Screen.IDLE);
    assertThat(flow.view().containsKey("household")).isFalse();
  }

  @Test
  void aClockSetMidSessionMovesNoScreensTime() throws Exception {
    flow.idCardRead("371312196205108490", "潘威");
    until(() -> flow.screen() == Screen.HOUSEHOLD);
    // NTP steps the clock an hour forward, then back again: the resident still has the household screen's time
    clock.set(clock.instant().plus(Duration.ofHours(1)));
    flow.tick();
    assertThat(flow.screen()).isEqualTo(Screen.HOUSEHOLD);
    assertThat(flow.view().getLong("secondsLeft")).isEqualTo(Screen.HOUSEHOLD.timeoutSeconds());
    clock.set(clock.instant().minus(Duration.ofHours(2)));
    flow.toggle(MEMBER, "medical", null);
    flow.confirmSelection();
    flow.choose("alipay");
    until(() -> flow.screen() == Screen.PAYING);
    assertThat(flow.view().getLong("secondsLeft")).isEqualTo(15 * 60);
    clock.set(clock.instant().plus(Duration.ofMinutes(30)));
    flow.tick();
    assertThat(flow.screen()).as("the QR code is not taken for expired by a clock set forward").isEqualTo(Screen.PAYING);
    assertThat(flow.view().getLong("secondsLeft")).isEqualTo(15 * 60);
    assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/orders/" + ORDER_ID + "/cancel")))).isEmpty();
    // what is recorded still reads the wall clock
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(okJson(resource("order-paid.json"))));
    clock.advance(Duration.ofSeconds(3));
    flow.tick();
    until(() -> flow.screen() == Screen.DONE);
    assertThat(flow.lastTransaction()).isEqualTo(clock.instant().toString());
  }

  /**
   * The gateway sets the order's end before it asks the payment channel for the QR code: the screen counts down to that
   * end by the gateway's clock (its answer's Date), whatever this kiosk's clock says, not the order's whole life from
   * the answer on.
   */
  @Test
  void theQrCodeCountsDownToTheOrdersEndByTheGatewaysClock() throws Exception {
    // created at 02:00:00 to end at 02:15:00, answered at 02:00:12 (12 s with the channel), by the gateway's clock
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders")).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withHeader("Date", "Wed, 15 Jan 2020 02:00:12 GMT")
        .withBody(resource("order-paying.json"))));
    clock.set(Instant.parse("2020-01-15T01:53:00Z")); // this kiosk's clock 7 minutes behind
    toPaying();
    assertThat(flow.view().getLong("secondsLeft")).isEqualTo(15 * 60 - 12 - 1);
  }

  /** An answer without the gateway's time: the order's life, less how long its creation took. */
  @Test
  void withoutTheGatewaysTimeTheQrCodeCountsDownTheOrdersLifeLessItsCreation() throws Exception {
    toChannel();
    held.hold("POST", "/api/v1/orders");
    flow.choose("wechat");
    held.awaitArrived();
    clock.advance(Duration.ofSeconds(12)); // the channel slow to give the QR code
    held.release();
    until(() -> flow.screen() == Screen.PAYING);
    assertThat(flow.view().getLong("secondsLeft")).isEqualTo(15 * 60 - 12);
  }

  @Test
  void theQrCodeTimesOutAndTheOrderIsCancelled() throws Exception {
    toPaying();
    clock.advance(Duration.ofMinutes(15));
    flow.tick();
    // the resident is told nothing was taken once the gateway has cancelled it, then the kiosk goes back to its first screen
    until(() -> flow.screen() == Screen.ERROR);
    assertThat(flow.view().getString("message")).startsWith("付款已超时，订单已取消，没有扣款");
    assertThat(flow.view().containsKey("order")).isFalse();
    until(() -> journal.open().isEmpty());
    wm.verify(postRequestedFor(urlPathEqualTo("/api/v1/orders/" + ORDER_ID + "/cancel")));
    clock.advance(Duration.ofSeconds(20));
    flow.tick();
    assertThat(flow.screen()).isEqualTo(Screen.IDLE);
  }

  @Test
  void anOrderPaidJustAsItsQrCodeTimedOutHasItsReceiptPrintedThere() throws Exception {
    toPaying();
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders/" + ORDER_ID + "/cancel")).willReturn(aResponse().withStatus(409)
        .withHeader("Content-Type", "application/problem+json")
        .withBody("{\"type\":\"https://liangxian.cn/problems/not-cancellable\",\"status\":409,\"detail\":\"这笔订单已经支付成功，不能取消。\"}")));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(okJson(resource("order-paid.json"))));
    clock.advance(Duration.ofMinutes(15));
    flow.tick();
    until(() -> flow.screen() == Screen.DONE);
    assertThat(flow.view().getString("message")).isEqualTo("缴费成功，请取走凭证");
    assertThat(printer.printed()).hasSize(1);
  }

  /**
   * The order's cancel refused (not-cancellable); its held status request answered {@code statusAnswer}, and the lookup
   * of it after the refusal {@code lookupAnswer}.
   */
  void cancelRefused(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder statusAnswer,
      com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder lookupAnswer) {
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders/" + ORDER_ID + "/cancel")).willReturn(aResponse().withStatus(409)
        .withHeader("Content-Type", "application/problem+json")
        .withBody("{\"type\":\"https://liangxian.cn/problems/not-cancellable\",\"status\":409}")));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).withQueryParam("waitSeconds", equalTo("20"))
        .willReturn(statusAnswer));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).withQueryParam("waitSeconds", absent())
        .willReturn(lookupAnswer));
  }

  /**
   * The QR code's time runs out while a held status request is out; the cancel is refused and the order looked up. The
   * status request sees it paid first: the receipt printed on the screen stays there, whatever the lookup answers after.
   */
  @Test
  void aPaymentSeenWhileTheRefusedCancelIsLookedIntoKeepsItsReceiptOnTheScreen() throws Exception {
    flow.recovery(new Recovery(vertx, gw, journal, receipts, 50, clock, clock.ticker()));
    try (LogLines log = new LogLines(KioskFlow.class)) {
      toPaying();
      // the lookup after the refused cancel gets no answer (a network that dropped it)
      cancelRefused(okJson(resource("order-paid.json")), aResponse().withStatus(503));
      held.hold("GET", "/api/v1/orders/" + ORDER_ID + "?waitSeconds=20&state=PAYING");
      heldToo.hold("GET", "/api/v1/orders/" + ORDER_ID);
      clock.advance(Duration.ofMinutes(15).minusSeconds(1));
      flow.tick(); // a status request, held by the gateway until the order changes
      held.awaitArrived();
      clock.advance(Duration.ofSeconds(1));
      flow.tick(); // the QR code's time is up: cancelled, refused, looked up
      heldToo.awaitArrived();
      held.release(); // paid: the receipt is printed
      until(() -> flow.screen() == Screen.DONE);
      assertThat(printer.printed()).hasSize(1);
      heldToo.release();
      until(() -> flow.screen() != Screen.DONE || log.contains("seen paid"));
      assertThat(flow.screen()).isEqualTo(Screen.DONE);
      assertThat(flow.view().getString("message")).isEqualTo("缴费成功，请取走凭证");
      assertThat(printer.printed()).hasSize(1);
      until(() -> journal.open().isEmpty());
    }
  }

  /**
   * The QR code's time runs out while a held status request is out; the cancel is refused, the order found paid and its
   * receipt printed. The status request's answer then comes, failed: it must not write "网络不稳定" over 缴费成功.
   */
  @Test
  void aLateStatusAnswerDoesNotWriteOverTheSuccessScreen() throws Exception {
    try (LogLines log = new LogLines(KioskFlow.class)) {
      toPaying();
      cancelRefused(aResponse().withStatus(503), okJson(resource("order-paid.json")));
      held.hold("GET", "/api/v1/orders/" + ORDER_ID + "?waitSeconds=20&state=PAYING");
      clock.advance(Duration.ofMinutes(15).minusSeconds(1));
      flow.tick(); // a status request, held
      held.awaitArrived();
      clock.advance(Duration.ofSeconds(1));
      flow.tick(); // the QR code's time is up: cancelled, refused, found paid, printed
      until(() -> flow.screen() == Screen.DONE);
      assertThat(flow.view().getString("message")).isEqualTo("缴费成功，请取走凭证");
      held.release(); // the status request's answer, failed
      until(() -> !"缴费成功，请取走凭证".equals(flow.view().getString("message")) || log.contains("after its screen moved on"));
      assertThat(flow.screen()).isEqualTo(Screen.DONE);
      assertThat(flow.view().getString("message")).isEqualTo("缴费成功，请取走凭证");
      assertThat(printer.printed()).hasSize(1);
    }
  }

  /**
   * As above, the printer not heard after the receipt (it is likely in the tray), and the held status request's answer
   * then says PAID: the screen keeps telling the resident to look in the tray first, never a bare 缴费成功 beside
   * 重新打印 that a resident would press for a second receipt.
   */
  @Test
  void aLatePaidAnswerKeepsWhatTheReceiptsScreenSays() throws Exception {
    try (LogLines log = new LogLines(KioskFlow.class)) {
      toPaying();
      printer.hangUpAfterNextCut();
      cancelRefused(okJson(resource("order-paid.json")), okJson(resource("order-paid.json")));
      held.hold("GET", "/api/v1/orders/" + ORDER_ID + "?waitSeconds=20&state=PAYING");
      clock.advance(Duration.ofMinutes(15).minusSeconds(1));
      flow.tick(); // a status request, held
      held.awaitArrived();
      clock.advance(Duration.ofSeconds(1));
      flow.tick(); // the QR code's time is up: cancelled, refused, found paid, printed, the printer not heard after it
      until(() -> flow.screen() == Screen.DONE);
      assertThat(flow.view().getString("message")).startsWith("缴费成功。凭证可能已经打印出来");
      held.release(); // the status request's answer: PAID
      until(() -> !String.valueOf(flow.view().getString("message")).startsWith("缴费成功。凭证可能已经打印出来")
          || log.contains("its receipt's screen keeps its words"));
      assertThat(flow.screen()).isEqualTo(Screen.DONE);
      assertThat(flow.view().getString("message")).startsWith("缴费成功。凭证可能已经打印出来");
      assertThat(printer.printed()).hasSize(1);
    }
  }

  @Test
  void aQrCodeTheGatewayHadAlreadyExpiredIsSaidToHaveTakenNothing() throws Exception {
    toPaying();
    // the gateway expired the order on its own clock a moment before the kiosk's cancel arrived
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders/" + ORDER_ID + "/cancel")).willReturn(aResponse().withStatus(409)
        .withHeader("Content-Type", "application/problem+json")
        .withBody("{\"type\":\"https://liangxian.cn/problems/not-cancellable\",\"status\":409}")));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(okJson(
        new JsonObject(resource("order-paying.json")).put("state", "EXPIRED").encode())));
    // the held status request the timer sends with the cancel has not seen it change yet
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).withQueryParam("waitSeconds", equalTo("20"))
        .willReturn(okJson(resource("order-paying.json"))));
    clock.advance(Duration.ofMinutes(15));
    flow.tick();
    until(() -> flow.screen() == Screen.ERROR);
    assertThat(flow.view().getString("message")).startsWith("付款已超时，订单已取消，没有扣款").doesNotContain("如已付款");
    until(() -> journal.open().isEmpty());
    assertThat(printer.printed()).isEmpty();
  }

  @Test
  void aQrCodeSeenExpiredByTheStatusRequestIsSaidToHaveTimedOut() throws Exception {
    toPaying();
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(okJson(
        new JsonObject(resource("order-paying.json")).put("state", "EXPIRED").encode())));
    clock.advance(Duration.ofSeconds(3));
    flow.tick();
    until(() -> flow.screen() == Screen.ERROR);
    assertThat(flow.view().getString("message")).startsWith("付款已超时，订单已取消，没有扣款");
    until(() -> journal.open().isEmpty());
  }

  @Test
  void aPaymentGivenBackIsSaidToBeGivenBackNotNeverTaken() throws Exception {
    toPaying();
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(okJson(
        new JsonObject(resource("order-paid.json")).put("state", "REFUNDED").encode())));
    clock.advance(Duration.ofSeconds(3));
    flow.tick();
    until(() -> flow.screen() == Screen.ERROR);
    assertThat(flow.view().getString("message")).contains("款项已原路退回").doesNotContain("未扣款").doesNotContain("没有扣款");
    until(() -> journal.open().isEmpty());

    // refused at the QR code's expiry because it was paid and given back meanwhile: the same words
    flow.cancel();
    toPaying();
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).withQueryParam("waitSeconds", equalTo("20"))
        .willReturn(okJson(resource("order-paying.json"))));
    refusedCancelAtTheQrCodesEnd();
    assertThat(flow.view().getString("message")).contains("款项已原路退回").doesNotContain("没有扣款");
    until(() -> journal.open().isEmpty());
    assertThat(printer.printed()).isEmpty();
  }

  /**
   * The channel took another amount than the order's (the gateway fails the order and refunds the payment, or a payment
   * came after the order ended): the resident was charged, and is told the money goes back, never that nothing was taken.
   */
  @Test
  void anOrderThatEndedWithItsPaymentGivenBackIsSaidToGiveItBack() throws Exception {
    for (String state : java.util.List.of("FAILED", "EXPIRED")) {
      wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(okJson(resource("order-paying.json"))));
      toPaying();
      wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(okJson(new JsonObject(resource("order-paying.json"))
          .put("state", state).put("stateReason", "paid with 3000 fen instead of 25000 fen: refunded")
          .put("refunds", new io.vertx.core.json.JsonArray().add(new JsonObject().put("amountFen", 3000).put("state", "REQUESTED")))
          .encode())));
      clock.advance(Duration.ofSeconds(3));
      flow.tick();
      until(() -> flow.screen() == Screen.ERROR);
      // the refund only asked for yet: going back, not gone back (it may still end with finance)
      assertThat(flow.view().getString("message")).as(state).contains("款项将原路退回").doesNotContain("未扣款", "没有扣款");
      until(() -> journal.open().isEmpty());
      flow.cancel();
    }

    // paid at the last moment as the QR code's time ran out: the cancel is refused, the order read has ended with its
    // payment given back (done now)
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(okJson(resource("order-paying.json"))));
    toPaying();
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).withQueryParam("waitSeconds", equalTo("20"))
        .willReturn(okJson(resource("order-paying.json"))));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).withQueryParam("waitSeconds", absent())
        .willReturn(okJson(new JsonObject(resource("order-paying.json")).put("state", "EXPIRED")
            .put("refunds", new io.vertx.core.json.JsonArray().add(new JsonObject().put("amountFen", 25000).put("state", "SUCCESS")))
            .put("moneyBack", "已原路退回").encode())));
    refusedCancelAtTheQrCodesEnd();
    assertThat(flow.view().getString("message")).contains("款项已原路退回").doesNotContain("没有扣款");

    // where the money is, in the gateway's words: paid back another way by finance, to be given back by the staff
    assertThat(KioskFlow.givenBackText(new JsonObject().put("state", "FAILED").put("refunds", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("state", "FAILED").put("settledElsewhere", true))).put("moneyBack", "已退回"), "FAILED", "x"))
        .isEqualTo("这笔缴费没有办成，款项已退回。如需缴费，请重新办理");
    assertThat(KioskFlow.givenBackText(new JsonObject().put("state", "FAILED").put("refunds", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("state", "FAILED"))).put("moneyBack", "将由工作人员退还"), "FAILED", "x"))
        .contains("款项将由工作人员退还");
    // a gateway that does not say: gone back once the order is refunded, else going back; never words it sends in English
    assertThat(KioskFlow.givenBackText(new JsonObject().put("state", "REFUNDED").put("refunds", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("state", "FAILED"))), "REFUNDED", "x")).contains("款项已原路退回");
    assertThat(KioskFlow.givenBackText(new JsonObject().put("state", "FAILED").put("refunds", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("state", "PROCESSING"))).put("moneyBack", "refunding"), "FAILED", "x")).contains("款项将原路退回");
  }

  /**
   * The gateway made the order's payment request but could not record it (503 order-not-confirmed): the choice stays, and a
   * press while that order still holds the items (it is being cancelled by its key) is told so, not that it is paid elsewhere.
   */
  @Test
  void anOrderNotConfirmedIsCancelledByItsKeyAndAPressMeanwhileIsToldSo() throws Exception {
    flow.recovery(new Recovery(vertx, gw, journal, receipts, 50, clock, clock.ticker()));
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders")).willReturn(aResponse().withStatus(503).withHeader("Retry-After", "2")
        .withHeader("Content-Type", "application/problem+json")
        .withBody("{\"type\":\"https://liangxian.cn/problems/order-not-confirmed\",\"title\":\"订单暂未确认\","
            + "\"status\":503,\"detail\":\"订单暂时没能确认，请稍等片刻再试\"}")));
    toChannel();
    flow.choose("wechat");
    until(() -> flow.screen() == Screen.CHANNEL && flow.view().getString("message") != null);
    assertThat(flow.view().getString("message")).isEqualTo("订单暂时没能确认，请稍等片刻再试");
    ordersAnswer(409, "{\"type\":\"https://liangxian.cn/problems/being-paid-elsewhere\",\"title\":\"Being paid elsewhere\","
            + "\"status\":409,\"detail\":\"a member of this order is being paid in another order (perhaps on a phone)\"}");
    flow.choose("wechat");
    until(() -> flow.screen() == Screen.CHANNEL && flow.view().getString("message") != null
        && flow.view().getString("message").startsWith("刚才的订单还在撤销"));
    assertThat(flow.view().getLong("selectedFen")).isEqualTo(25000);
  }

  /**
   * An item paid on a phone since the household was looked up: the order is refused as already paid, and the kiosk
   * looks the household up again and shows it with what the gateway said, the rest still to be picked and paid here,
   * rather than ending the session (the card back on the reader would be ignored while the session lasts).
   */
  @Test
  void anItemPaidElsewhereSinceTheLookupShowsTheHouseholdAnewWithTheRestToPay() throws Exception {
    toChannel();
    JsonObject now = new JsonObject(resource("household.json"));
    now.getJsonArray("members").getJsonObject(0).getJsonArray("insurances").getJsonObject(0).put("status", "paid")
        .put("statusText", "已缴费");
    wm.stubFor(post(urlPathEqualTo("/api/v1/lookup")).willReturn(okJson(now.encode())));
    ordersAnswer(409, "{\"type\":\"https://liangxian.cn/problems/already-paid\",\"title\":\"已经缴过费\",\"status\":409,"
            + "\"detail\":\"潘*威的2020年度医疗保险已缴费，无需再缴\"}");
    flow.choose("wechat");
    until(() -> flow.screen() == Screen.HOUSEHOLD && flow.view().getString("message") != null);
    assertThat(flow.view().getString("message")).isEqualTo("潘*威的2020年度医疗保险已缴费，无需再缴" + KioskFlow.REFRESHED);
    assertThat(flow.view().getJsonArray("selection")).as("nothing picked of what was paid").isEmpty();
    wm.verify(2, postRequestedFor(urlPathEqualTo("/api/v1/lookup")));
    // the pension is still there to pay, in the same session
    flow.toggle(MEMBER, "pension", null);
    flow.confirmSelection();
    assertThat(flow.screen()).isEqualTo(Screen.CHANNEL);
    // and once it is paid elsewhere too: nothing more to pick, and said so
    for (Object m : now.getJsonArray("members")) {
      for (Object i : ((JsonObject) m).getJsonArray("insurances")) {
        ((JsonObject) i).put("status", "paid").put("statusText", "已缴费");
      }
    }
    wm.stubFor(post(urlPathEqualTo("/api/v1/lookup")).willReturn(okJson(now.encode())));
    flow.choose("wechat");
    until(() -> flow.screen() == Screen.HOUSEHOLD && flow.view().getString("message") != null);
    assertThat(flow.view().getString("message")).endsWith(KioskFlow.NOTHING_MORE);
  }

  /**
   * A gateway that cannot be reached (found by the heartbeat every 30 s, or by any request) is said on the first screen,
   * before a resident places a card only to be told the network is down.
   */
  @Test
  void theFirstScreenSaysTheGatewayCannotBeReachedBeforeACardIsPlaced() throws Exception {
    try (cn.liangxian.kiosk.RefusedPort refused = new cn.liangxian.kiosk.RefusedPort()) {
      GatewayClient none = new GatewayClient(vertx, "http://127.0.0.1:" + refused.port(), signer, Await.ANSWER_TIMEOUT_MILLIS);
      KioskFlow alone = new KioskFlow(vertx, none, journal, receipts, clock, clock.ticker(), Duration.ofSeconds(2));
      assertThat(alone.view().containsKey("notices")).isFalse();
      assertThat(none.channels().toCompletionStage().toCompletableFuture().handle((v, e) -> e != null).get()).isTrue();
      assertThat(alone.view().getJsonArray("notices")).containsExactly(KioskFlow.OFFLINE);
    }
    assertThat(flow.view().containsKey("notices")).as("a gateway that answers: nothing said").isFalse();
  }

  /** The success screen says what the order charged, as the gateway computed it, not the kiosk's own sum of the choice. */
  @Test
  void theSuccessScreenSaysWhatTheOrderCharged() throws Exception {
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders")).willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
        .withBody(new JsonObject(resource("order-paying.json")).put("totalFen", 26000).encode())));
    toPaying();
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(okJson(resource("order-paid.json"))));
    clock.advance(Duration.ofSeconds(3));
    flow.tick();
    until(() -> flow.screen() == Screen.DONE);
    assertThat(flow.view().getJsonObject("paid").getLong("fen")).isEqualTo(26000);
    assertThat(flow.view().getJsonObject("paid").getInteger("items")).isEqualTo(1);
  }

  /**
   * An order answer with its amount written as text (a gateway bug, a proxy rewriting it) still shows its QR code and
   * what the order charges, rather than failing every time the page reads it; an amount not to be read at all, the
   * choice's own sum.
   */
  @Test
  void anOrderWhoseAmountIsNotANumberStillShowsItsCode() throws Exception {
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders")).willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
        .withBody(new JsonObject(resource("order-paying.json")).put("totalFen", "26000").put("items", "all").encode())));
    toPaying();
    JsonObject order = flow.view().getJsonObject("order");
    assertThat(order.getLong("totalFen")).isEqualTo(26000);
    assertThat(order.getString("codeUrl")).isNotBlank();
    assertThat(KioskFlow.charged(java.util.List.of(), 25000)).isEqualTo(25000);
    assertThat(KioskFlow.charged("2.6e4", 25000)).isEqualTo(25000);
  }

  @Test
  void touchesGiveMoreTimeAndTheChannelScreenGoesBack() throws Exception {
    toChannel();
    clock.advance(Duration.ofSeconds(50));
    flow.stillHere();
    clock.advance(Duration.ofSeconds(50));
    flow.tick();
    assertThat(flow.screen()).as("60 s from the last touch, not from the screen's start").isEqualTo(Screen.CHANNEL);
    flow.back();
    assertThat(flow.screen()).isEqualTo(Screen.HOUSEHOLD);
    assertThat(flow.view().getLong("selectedFen")).as("what was picked stays picked").isEqualTo(25000);
  }

  /**
   * A status request still out when its resident leaves is answered late, while the next resident's request is out: the
   * late answer does not free the QR screen to send another beside that one.
   */
  @Test
  void aLateStatusAnswerOfAnEndedSessionLetsNoSecondRequestOut() throws Exception {
    try (LogLines log = new LogLines(KioskFlow.class)) {
      toPaying();
      held.hold("GET", "/api/v1/orders/" + ORDER_ID + "?waitSeconds=20&state=PAYING");
      clock.advance(Duration.ofSeconds(3));
      flow.tick();
      held.awaitArrived();
      flow.cancel();
      until(() -> flow.screen() == Screen.ERROR);

      // the next resident's order, its status request held too: their card read on the cancelled order's message
      String next = "4d1b0a6f-8e32-4c9f-9a1b-6b2d3f4e5a61";
      String paying = resource("order-paying.json").replace(ORDER_ID, next);
      wm.stubFor(post(urlPathEqualTo("/api/v1/orders")).willReturn(aResponse().withStatus(201)
          .withHeader("Content-Type", "application/json").withBody(paying)));
      wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + next)).willReturn(okJson(paying)));
      heldToo.hold("GET", "/api/v1/orders/" + next + "?waitSeconds=20&state=PAYING");
      toPaying();
      clock.advance(Duration.ofSeconds(3));
      flow.tick();
      heldToo.awaitArrived();
      assertThat(flow.asking()).isTrue();

      held.release(); // the first resident's answer, late
      until(() -> log.contains("a status answer after its session ended"));
      assertThat(flow.asking()).as("the next resident's request still out").isTrue();
      clock.advance(Duration.ofSeconds(3));
      flow.tick();
      assertThat(wm.findAll(getRequestedFor(urlPathEqualTo("/api/v1/orders/" + next)))).as("asked once").hasSize(1);
      heldToo.release();
      until(() -> !flow.asking());
    }
  }

  @Test
  void cancellingWhilePayingCancelsTheOrder() throws Exception {
    toPaying();
    // the cancel's answer held: what the screen says while it waits does not depend on how fast the answer comes
    held.hold("POST", "/api/v1/orders/" + ORDER_ID + "/cancel");
    flow.cancel();
    held.awaitArrived();
    // the order cancelled before the first screen comes back
    assertThat(flow.screen()).isEqualTo(Screen.LOOKING_UP);
    assertThat(flow.view().getString("message")).isEqualTo("正在取消订单，请稍候…");
    held.release();
    // said, with the card to take back, as every other ending
    until(() -> flow.screen() == Screen.ERROR);
    assertThat(flow.view().getString("message")).isEqualTo(KioskFlow.CANCELLED);
    assertThat(flow.view().getString("takeCard")).isEqualTo("请取回您的身份证");
    until(() -> journal.open().isEmpty());
    wm.verify(postRequestedFor(urlPathEqualTo("/api/v1/orders/" + ORDER_ID + "/cancel")));
  }

  /**
   * The resident cancels an order that was paid and given back on the channel's platform already: the gateway refuses
   * the cancel (refunded-at-channel). The resident is told the money went back, not to wait for a receipt.
   */
  @Test
  void aCancelRefusedBecauseTheMoneyWentBackAtTheChannelSaysSo() throws Exception {
    toPaying();
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders/" + ORDER_ID + "/cancel")).willReturn(aResponse().withStatus(409)
        .withHeader("Content-Type", "application/problem+json")
        .withBody("{\"type\":\"https://liangxian.cn/problems/refunded-at-channel\",\"status\":409,"
            + "\"detail\":\"这笔款已原路退回，不用再取消；如需缴费，请重新下单。\",\"state\":\"PAYING\"}")));
    flow.cancel();
    until(() -> flow.screen() == Screen.ERROR);
    // told the money is back, and not to pay again now: the gateway holds the items until the next day's bill is checked
    assertThat(flow.view().getString("message")).isEqualTo(KioskFlow.REFUNDED_AT_CHANNEL).contains("原路退回", "明天");
    until(() -> journal.open().isEmpty());
    assertThat(printer.printed()).isEmpty();
  }

  /**
   * The resident cancels a UnionPay code nobody paid: the gateway cannot void it before its time (code-still-payable).
   * The resident is told until when it stays payable and that nothing is taken otherwise, never that a payment is being
   * processed; the order stays watched, for a receipt if it is paid after all.
   */
  @Test
  void aCodeThatStaysPayableUntilItsTimeIsSaidSoAndWatched() throws Exception {
    flow.recovery(new Recovery(vertx, gw, journal, receipts, 50, clock, clock.ticker()));
    toPaying();
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders/" + ORDER_ID + "/cancel")).willReturn(aResponse().withStatus(409)
        .withHeader("Content-Type", "application/problem+json")
        .withBody("{\"type\":\"https://liangxian.cn/problems/code-still-payable\",\"status\":409,"
            + "\"detail\":\"这个付款码在10:15以前仍然可以付款，不能提前作废。如果不付款，订单到时会自动取消，不会扣款。\","
            + "\"state\":\"PAYING\",\"payableUntil\":\"2020-01-15T10:15:00+08:00\"}")));
    flow.cancel();
    until(() -> flow.screen() == Screen.ERROR);
    assertThat(flow.view().getString("message")).startsWith("这个付款码在10:15以前仍然可以付款").endsWith("如已付款，凭证会自动打印；如没有打印出来，请工作人员帮助补打")
        .doesNotContain("无法确认");
    assertThat(journal.open()).as("watched until it is known").isNotEmpty();
    assertThat(printer.printed()).isEmpty();
    // the same card again, at once (on the message): the items that code holds are not sent "there" to be paid, the
    // code having been made here
    JsonObject held = new JsonObject(resource("household.json"));
    held.getJsonArray("members").getJsonObject(0).getJsonArray("insurances").getJsonObject(0).put("status", "in-progress")
        .put("statusText", "付款未完成").put("heldUntil", "2020-01-15T10:15:30+08:00");
    wm.stubFor(post(urlPathEqualTo("/api/v1/lookup")).willReturn(okJson(held.encode())));
    flow.idCardRead("371312196205108490", "潘威");
    assertThat(flow.screen()).as("no session over the message that promises the receipt").isEqualTo(Screen.ERROR);
    flow.cancel(); // 返回首页
    assertThat(flow.screen()).isEqualTo(Screen.IDLE);
    flow.idCardRead("371312196205108490", "潘威");
    until(() -> flow.screen() == Screen.HOUSEHOLD);
    assertThat(flow.view().getString("inProgress")).isEqualTo("刚才在本机生成的付款码还没有失效。如已付款，请点“返回首页”稍候，"
        + "凭证会自动打印；如果不付，10点16分以后可以在这里重新缴费");
  }

  /**
   * 确定返回首页 on the QR code: while its cancel is under way (longer than a lookup's screen, as long as the cancel and the
   * lookup after it may take) the screen says so and takes no 返回首页; the held status request answering CANCELLED, the
   * cancel's own doing, is not shown as 订单已失效: the resident goes straight back to the first screen.
   */
  @Test
  void whileTheOrderIsCancelledThereIsNoLeavingAndItsCancelIsNotShownAsAnOrderThatDied() throws Exception {
    try (LogLines log = new LogLines(KioskFlow.class)) {
      toPaying();
      wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).withQueryParam("waitSeconds", equalTo("20"))
          .willReturn(okJson(new JsonObject(resource("order-paying.json")).put("state", "CANCELLED").encode())));
      held.hold("GET", "/api/v1/orders/" + ORDER_ID + "?waitSeconds=20&state=PAYING");
      heldToo.hold("POST", "/api/v1/orders/" + ORDER_ID + "/cancel");
      clock.advance(Duration.ofSeconds(3));
      flow.tick(); // a status request, held by the gateway until the order changes
      held.awaitArrived();
      flow.cancel(); // 确定返回首页
      heldToo.awaitArrived();
      assertThat(flow.view().getString("message")).isEqualTo("正在取消订单，请稍候…");
      assertThat(flow.view().getBoolean("cancelling")).isTrue();
      assertThat(flow.view().getLong("secondsLeft")).isGreaterThanOrEqualTo(2L * Await.ANSWER_TIMEOUT_MILLIS / 1000);

      flow.cancel(); // pressed again
      flow.elder(true);
      clock.advance(Duration.ofSeconds(Screen.LOOKING_UP.timeoutSeconds()));
      flow.tick();
      assertThat(flow.screen()).isEqualTo(Screen.LOOKING_UP);

      held.release(); // CANCELLED: the cancel took effect
      until(() -> log.contains("while its cancel is under way"));
      assertThat(flow.screen()).isEqualTo(Screen.LOOKING_UP);
      assertThat(flow.view().getString("message")).isEqualTo("正在取消订单，请稍候…");
      heldToo.release();
      until(() -> flow.screen() == Screen.ERROR && KioskFlow.CANCELLED.equals(flow.view().getString("message")));
      until(() -> journal.open().isEmpty());
      assertThat(file.records().get(file.size() - 1).getString("why")).isEqualTo("cancelled by the resident");
    }
  }

  /**
   * The cancel of a QR code left gets no answer in all the time it and the lookup after it may take: the resident is
   * told a receipt prints by itself if it was paid, not sent to the first screen untold; the cancel's late answer
   * settles the order.
   */
  @Test
  void aCancelUnansweredInItsTimeTellsItsResidentAReceiptPrintsIfPaid() throws Exception {
    toPaying();
    held.hold("POST", "/api/v1/orders/" + ORDER_ID + "/cancel");
    flow.cancel();
    held.awaitArrived();
    clock.advance(Duration.ofSeconds(flow.view().getLong("secondsLeft")));
    flow.tick();
    assertThat(flow.screen()).isEqualTo(Screen.ERROR);
    assertThat(flow.view().getString("message")).isEqualTo("暂时无法确认支付结果。如已付款，凭证会自动打印，请稍候或联系工作人员");
    held.release(); // cancelled after all
    until(() -> journal.open().isEmpty());
  }

  @Test
  void keypadInputIsCheckedAndTheGatewaysNoIsPlainChinese() throws Exception {
    flow.startKeypad();
    flow.typed("12345", "潘威");
    assertThat(flow.view().getString("message")).isEqualTo("身份证号应为18位，请核对");
    wm.stubFor(post(urlPathEqualTo("/api/v1/lookup")).willReturn(aResponse().withStatus(404)
        .withHeader("Content-Type", "application/problem+json")
        .withBody("{\"type\":\"https://liangxian.cn/problems/not-found\",\"title\":\"Not found\",\"status\":404}")));
    flow.typed("371312196205108491", "潘威");
    assertThat(flow.view().getString("message")).contains("校验位");
    assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/lookup")))).isEmpty();
    flow.typed("371312196205108490", "潘威");
    // back on the keypad (what was typed stays on the page) with what to correct
    until(() -> flow.screen() == Screen.KEYPAD && flow.view().getString("message") != null);
    assertThat(flow.view().getString("message")).isEqualTo("未查到参保信息，请核对身份证号和姓名");
    assertThat(flow.view().getString("mend")).as("either may be wrong: the resident's choice").isNull();
    assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/lookup"))
        .withHeader("Content-Type", equalTo("application/json")))).hasSize(1);
  }

  /** The screen brings up the keyboard of the field a message asks to mend: said by the agent, not read from the words. */
  @Test
  void keypadMessagesSayWhichFieldToMend() throws Exception {
    flow.startKeypad();
    flow.typed("12345", "潘威");
    assertThat(flow.view().getString("mend")).isEqualTo("idNumber");
    flow.typed("371312196205108491", "潘威");
    assertThat(flow.view().getString("mend")).isEqualTo("idNumber");
    flow.typed("371312196205108490", " ");
    assertThat(flow.view().getString("message")).isEqualTo("请输入姓名");
    assertThat(flow.view().getString("mend")).isEqualTo("name");
    // the gateway's own check of the number (a date that is not one, a region there is not), in its words
    wm.stubFor(post(urlPathEqualTo("/api/v1/lookup")).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/problem+json")
        .withBody("{\"type\":\"https://liangxian.cn/problems/invalid-id-number\",\"title\":\"身份证号有误\",\"status\":400,"
            + "\"detail\":\"身份证号里的出生日期不对，请逐位核对\"}")));
    flow.typed("371312196205108490", "潘威");
    until(() -> flow.screen() == Screen.KEYPAD && flow.view().getString("message") != null);
    assertThat(flow.view().getString("message")).isEqualTo("身份证号里的出生日期不对，请逐位核对");
    assertThat(flow.view().getString("mend")).isEqualTo("idNumber");
    // a busy gateway: nothing to mend
    wm.stubFor(post(urlPathEqualTo("/api/v1/lookup")).willReturn(aResponse().withStatus(503).withHeader("Retry-After", "5")));
    flow.typed("371312196205108490", "潘威");
    until(() -> flow.screen() == Screen.KEYPAD && flow.view().getString("message") != null);
    assertThat(flow.view().getString("mend")).isNull();
  }

  /**
   * Items held by a payment begun elsewhere and not finished: never "nothing to pay" (the resident would leave
   * thinking it paid), but to finish it there, or pay here once it has expired.
   */
  @Test
  void aPaymentBegunElsewhereIsNeverSaidToLeaveNothingToPay() throws Exception {
    JsonObject household = new JsonObject(resource("household.json"));
    JsonObject pan = household.getJsonArray("members").getJsonObject(0);
    pan.getJsonArray("insurances").getJsonObject(0).put("status", "in-progress").put("statusText", "付款未完成");
    pan.getJsonArray("insurances").getJsonObject(1).put("status", "in-progress").put("statusText", "付款未完成").remove("tiers");
    cardOf(household);
    JsonObject v = flow.view();
    assertThat(v.getString("inProgress")).isEqualTo(
        "有一笔缴费还没有付款完成（可能在手机上或另一台机器上），请在那里付完；如果不付，约15分钟后可以在这里重新缴费");
    assertThat(v.getString("message")).isNull();
    assertThat(v.getBoolean("payable")).isFalse();
    assertThat(v.encode()).doesNotContain("没有需要缴费");

    // one item held, the other still to pay: the warning stands beside what can be paid
    flow.cancel();
    pan.getJsonArray("insurances").getJsonObject(1).put("status", "unpaid").put("statusText", "未缴费");
    cardOf(household);
    assertThat(flow.view().getString("inProgress")).contains("约15分钟后");
    assertThat(flow.view().getBoolean("payable")).isTrue();

    // the gateway says when the holding order ends: that time, in Beijing time, rounded up to the minute (written with
    // +08:00 as the gateway writes it; an older gateway's UTC time below)
    flow.cancel();
    pan.getJsonArray("insurances").getJsonObject(0).put("heldUntil", "2020-01-15T10:14:30+08:00");
    cardOf(household);
    assertThat(flow.view().getString("inProgress")).endsWith("如果不付，10点15分以后可以在这里重新缴费");

    // an end already past (the gateway frees the items at its next sweep): no time the resident has missed
    flow.cancel();
    pan.getJsonArray("insurances").getJsonObject(0).put("heldUntil", "2020-01-15T01:59:00Z");
    cardOf(household);
    assertThat(flow.view().getString("inProgress")).endsWith("如果不付，稍等一两分钟可以在这里重新缴费").doesNotContain("点");

    // a kiosk whose clock is years ahead, set right by the gateway (it refused a request for it and said its time):
    // the hold's end is compared with the gateway's time, not said to be over
    flow.cancel();
    Instant gatewayTime = clock.instant();
    clock.set(Instant.parse("2031-06-01T00:00:00Z"));
    signer.followGatewayClock(gatewayTime.getEpochSecond());
    pan.getJsonArray("insurances").getJsonObject(0).put("heldUntil", "2020-01-15T02:14:30Z");
    cardOf(household);
    assertThat(flow.view().getString("inProgress")).endsWith("如果不付，10点15分以后可以在这里重新缴费");
    signer.followGatewayClock(clock.instant().getEpochSecond());
    clock.set(gatewayTime);

    // nothing held and nothing to pay: said so
    flow.cancel();
    pan.getJsonArray("insurances").getJsonObject(0).put("status", "paid").put("statusText", "已缴费");
    pan.getJsonArray("insurances").getJsonObject(1).put("status", "paid").put("statusText", "已缴费");
    cardOf(household);
    assertThat(flow.view().getString("message")).isEqualTo("您家本年度没有需要缴费的项目");
    assertThat(flow.view().containsKey("inProgress")).isFalse();
  }

  /** 潘威's card read, the gateway answering its lookup with {@code household}: the household screen. */
  private void cardOf(JsonObject household) throws Exception {
    wm.stubFor(post(urlPathEqualTo("/api/v1/lookup")).willReturn(okJson(household.encode())));
    flow.idCardRead("371312196205108490", "潘威");
    until(() -> flow.screen() == Screen.HOUSEHOLD);
  }

  @Test
  void aCardWhoseHolderIsNotOnTheRosterIsToldWhomToAskNotToCheckTheCard() throws Exception {
    wm.stubFor(post(urlPathEqualTo("/api/v1/lookup")).willReturn(aResponse().withStatus(404)
        .withHeader("Content-Type", "application/problem+json")
        .withBody("{\"type\":\"https://liangxian.cn/problems/household-not-found\",\"title\":\"未查到参保信息\","
            + "\"status\":404,\"detail\":\"未查到参保信息，请核对身份证号和姓名\"}")));
    flow.idCardRead("371312196205108490", "潘威");
    until(() -> flow.screen() == Screen.ERROR);
    assertThat(flow.view().getString("message")).isEqualTo("没有查到您的参保登记，请联系村（社区）协办员。")
        .doesNotContain("核对");
    assertThat(flow.view().getString("takeCard")).isEqualTo("请取回您的身份证");
  }

  /** Every screen that ends a card session reminds its resident to take back the card it began with. */
  @Test
  void anErrorThatEndsACardSessionSaysToTakeBackTheCardItBeganWith() throws Exception {
    wm.stubFor(post(urlPathEqualTo("/api/v1/lookup")).willReturn(aResponse().withStatus(503)));
    flow.socialSecurityCardRead("371312196205108490", "潘威");
    until(() -> flow.screen() == Screen.ERROR);
    assertThat(flow.view().getString("takeCard")).isEqualTo("请取回您的社保卡");

    // a QR code's time up, the order cancelled: the session is over, its card still on the pad
    flow.cancel();
    wm.stubFor(post(urlPathEqualTo("/api/v1/lookup")).willReturn(okJson(resource("household.json"))));
    toPaying();
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders/" + ORDER_ID + "/cancel")).willReturn(okJson(resource("order-paying.json")
        .replace("PAYING", "CANCELLED"))));
    clock.advance(Duration.ofMinutes(16));
    flow.tick();
    until(() -> flow.screen() == Screen.ERROR);
    assertThat(flow.view().getString("takeCard")).isEqualTo("请取回您的身份证");
    flow.cancel();
    assertThat(flow.view().containsKey("takeCard")).as("idle: nothing to take back").isFalse();
  }

  @Test
  void aTypedNumberIsNotToldToTakeACardBack() throws Exception {
    flow.startKeypad();
    flow.typed("371312196205108490", "潘威");
    until(() -> flow.screen() == Screen.HOUSEHOLD);
    flow.toggle(MEMBER, "medical", null);
    flow.confirmSelection();
    flow.choose("alipay");
    until(() -> flow.screen() == Screen.PAYING);
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(okJson(resource("order-paid.json"))));
    clock.advance(Duration.ofSeconds(3));
    flow.tick();
    until(() -> flow.screen() == Screen.DONE);
    assertThat(flow.view().containsKey("takeCard")).isFalse();
  }

  @Test
  void aGatewayThatCannotBeReachedOrIsBusyKeepsWhatWasTypedOnTheKeypad() throws Exception {
    flow.startKeypad();
    java.util.Map<String, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder> answers = new java.util.LinkedHashMap<>();
    answers.put("网络暂时不通，请稍后再试", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
    answers.put("系统繁忙，请稍后再试", aResponse().withStatus(500));
    answers.put("现在缴费人数较多，请5秒后再试", aResponse().withStatus(503).withHeader("Retry-After", "5"));
    answers.put("操作过于频繁，请稍后再试", aResponse().withStatus(429));
    for (var a : answers.entrySet()) {
      wm.stubFor(post(urlPathEqualTo("/api/v1/lookup")).willReturn(a.getValue()));
      flow.typed("371312196205108490", "潘威");
      // back on the keypad (the digits and the name stay on the page), never the error screen that clears them
      until(() -> flow.screen() != Screen.LOOKING_UP);
      assertThat(flow.screen()).as(a.getKey()).isEqualTo(Screen.KEYPAD);
      assertThat(flow.view().getString("message")).isEqualTo(a.getKey());
    }
    wm.stubFor(post(urlPathEqualTo("/api/v1/lookup")).willReturn(okJson(resource("household.json"))));
    flow.typed("371312196205108490", "潘威");
    until(() -> flow.screen() == Screen.HOUSEHOLD);
  }

  @Test
  void aFailedPrintIsReportedAndTheReceiptReprinted() throws Exception {
    paidWithoutPaper();
    assertThat(flow.view().getString("message")).contains("打印机缺纸").contains("重新打印");
    assertThat(flow.view().getBoolean("canReprint")).isTrue();
    // no paper: the receipt's number and the address its QR code carries, to be photographed
    assertThat(flow.view().getJsonObject("receipt")).isEqualTo(new JsonObject().put("no", "LX3c0a9f5e7d214b8e")
        .put("verifyUrl", "https://verify.example/r/LX3c0a9f5e7d214b8e"));
    assertThat(printer.printed()).isEmpty();
    printer.status(PrinterStatus.READY);
    flow.reprint();
    until(() -> printer.printed().size() == 1);
    until(() -> "缴费成功，请取走凭证".equals(flow.view().getString("message")));
    assertThat(printer.printed().get(0).qrCodes()).containsExactly("https://verify.example/r/LX3c0a9f5e7d214b8e");
    assertThat(flow.view().containsKey("receipt")).as("printed: nothing to photograph").isFalse();
  }

  /**
   * The receipt went to the printer and only the printer's word after it is missing (the line dropped): the resident is
   * told it may be in the tray, to look there first, and to reprint only if it is not; never that printing failed.
   */
  @Test
  void aReceiptSentToAPrinterNotHeardAfterItIsSaidToBeLikelyInTheTray() throws Exception {
    toPaying();
    printer.hangUpAfterNextCut();
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(okJson(resource("order-paid.json"))));
    clock.advance(Duration.ofSeconds(3));
    flow.tick();
    until(() -> flow.screen() == Screen.DONE);
    assertThat(printer.printed()).hasSize(1);
    assertThat(flow.view().getString("message")).isEqualTo(
        "缴费成功。凭证可能已经打印出来，请先查看出纸口；如未出凭证，可点击“重新打印”，或请工作人员帮助补打")
        .doesNotContain("失败");
    assertThat(flow.view().getBoolean("canReprint")).as("a receipt that did not come out can still be had").isTrue();
    flow.reprint();
    until(() -> printer.printed().size() == 2);
    until(() -> "缴费成功，请取走凭证".equals(flow.view().getString("message")));
  }

  /** Paid, the receipt not printed, and the resident walks away without a reprint: the operator hears of it the same day. */
  @Test
  void aPaidResidentWhoLeavesWithoutAReceiptIsCountedAndTheOrderClosed() throws Exception {
    Recovery recovery = new Recovery(vertx, gw, journal, receipts, 50, clock, clock.ticker());
    flow.recovery(recovery);
    paidWithoutPaper();
    assertThat(journal.open()).hasSize(1);
    assertThat(recovery.receiptsLeftUnprinted()).isZero();
    clock.advance(Duration.ofMinutes(3)); // nobody pressed 重新打印
    flow.tick();
    assertThat(flow.screen()).isEqualTo(Screen.IDLE);
    until(() -> journal.open().isEmpty());
    assertThat(recovery.receiptsLeftUnprinted()).isEqualTo(1);
    assertThat(printer.printed()).isEmpty();
  }

  @Test
  void whileTheGatewayCannotBeReachedTheQrScreenSaysNotToPayAgain() throws Exception {
    toPaying();
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    clock.advance(Duration.ofSeconds(3));
    flow.tick();
    until(() -> flow.view().getString("message") != null);
    assertThat(flow.screen()).isEqualTo(Screen.PAYING);
    assertThat(flow.view().getString("message")).contains("不要重复付款");
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(okJson(resource("order-paid.json"))));
    clock.advance(Duration.ofSeconds(3));
    flow.tick();
    until(() -> flow.screen() == Screen.DONE);
  }

  /**
   * A busy gateway answers the QR screen's status request with Retry-After: the screen does not ask again sooner, at
   * most 30 s later whatever it asked, and never past the QR code's end.
   */
  @Test
  void aBusyGatewaysRetryAfterIsHonouredByTheQrScreensStatusRequests() throws Exception {
    toPaying();
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(aResponse().withStatus(503)
        .withHeader("Retry-After", "10")));
    clock.advance(Duration.ofSeconds(2));
    askedOnTick();
    until(() -> !flow.asking() && flow.view().getString("message") != null);
    assertThat(flow.view().getString("message")).contains("不要重复付款");
    clock.advance(Duration.ofSeconds(9)); // past the poll interval (2 s), before the 10 s asked
    notAskedOnTick("asked again before the gateway's Retry-After");

    // an hour asked: 30 s at most
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(aResponse().withStatus(503)
        .withHeader("Retry-After", "3600")));
    clock.advance(Duration.ofSeconds(1));
    askedOnTick();
    clock.advance(Duration.ofSeconds(29));
    notAskedOnTick("asked again before 30 s");
    clock.advance(Duration.ofSeconds(1));
    askedOnTick();

    // 20 s before the QR code's end (15 minutes from its start): asked once more at its end, not 30 s later
    clock.advance(Duration.ofMinutes(15).minusSeconds(42 + 20));
    askedOnTick();
    clock.advance(Duration.ofSeconds(19));
    notAskedOnTick("asked again before the QR code's end");
    clock.advance(Duration.ofSeconds(1));
    askedOnTick(); // at the QR code's end, as its cancel goes out
    until(() -> flow.screen() == Screen.ERROR);
  }

  /** The order's status requests the gateway has had, whatever became of them: counted there, not by the screen's flag. */
  private int statusAsks() {
    return wm.findAll(getRequestedFor(urlPathEqualTo("/api/v1/orders/" + ORDER_ID))).size();
  }

  /** A tick that asks for the order's status: the request reaches the gateway, and its answer is taken in. */
  private void askedOnTick() throws Exception {
    int before = statusAsks();
    flow.tick();
    until(() -> statusAsks() == before + 1);
    until(() -> !flow.asking());
  }

  /** A tick that does not ask: the screen starts no request (a flag set as the request is sent, on the tick itself). */
  private void notAskedOnTick(String what) throws Exception {
    int before = statusAsks();
    flow.tick();
    assertThat(flow.asking()).as(what).isFalse();
    assertThat(statusAsks()).as(what).isEqualTo(before);
  }

  @Test
  void nobodyPaysAtAKioskThatCannotPrintTheirReceipt() throws Exception {
    printer.status(new PrinterStatus(false, false, true, false));
    toChannel();
    flow.choose("wechat");
    until(() -> flow.screen() == Screen.CHANNEL && flow.view().getString("message") != null);
    assertThat(flow.view().getString("message")).startsWith("打印机缺纸，本机暂停收费");
    assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/orders")))).isEmpty();
    assertThat(journal.open()).isEmpty();
    printer.status(PrinterStatus.READY);
    flow.choose("wechat");
    until(() -> flow.screen() == Screen.PAYING);
  }

  /**
   * A kiosk whose printer nothing asks between payments (deviceCheckSeconds 0): a problem found at a press is said then,
   * and the pay buttons stay on, so that the next press, once the paper is in, asks again and pays.
   */
  @Test
  void withoutAPrinterCheckBetweenPaymentsAProblemFoundAtAPressDoesNotTurnTheButtonsOffForGood() throws Exception {
    flow.printerWatched(false);
    try {
      printer.status(new PrinterStatus(false, false, true, false));
      toChannel();
      flow.choose("wechat");
      until(() -> flow.screen() == Screen.CHANNEL && flow.view().getString("message") != null);
      assertThat(flow.view().getString("message")).startsWith("打印机缺纸，本机暂停收费");
      assertThat(flow.view().containsKey("payBlocked")).as("the buttons stay on: a press asks the printer again").isFalse();
      assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/orders")))).isEmpty();
      printer.status(PrinterStatus.READY);
      flow.choose("wechat");
      until(() -> flow.screen() == Screen.PAYING);
    } finally {
      flow.printerWatched(true);
    }
  }

  /**
   * A printer that cannot print and a reader that cannot read are said on the first screen, before anyone has placed a
   * card or made a choice; the pay buttons are off (payBlocked) while the printer cannot print.
   */
  @Test
  void theFirstScreenSaysWhatTheDevicesCannotDoAndPayingWaitsForThePrinter() throws Exception {
    assertThat(flow.checkPrinter().toCompletionStage().toCompletableFuture().get()).isNull();
    assertThat(flow.view().containsKey("notices")).isFalse();
    printer.status(new PrinterStatus(false, false, true, false));
    assertThat(flow.checkPrinter().toCompletionStage().toCompletableFuture().get()).isEqualTo("打印机缺纸");
    assertThat(flow.view().getJsonArray("notices")).containsExactly("本机打印机缺纸，暂停收费，请到其他机器缴费");
    boolean[] readerOk = {false};
    flow.readerHealth(() -> readerOk[0]);
    assertThat(flow.view().getJsonArray("notices")).containsExactly("本机打印机缺纸，暂停收费，请到其他机器缴费",
        "读卡器故障，请点“手动输入身份证号”");
    assertThat(flow.view().getBoolean("readerFault")).isTrue();
    readerOk[0] = true;

    toChannel();
    assertThat(flow.view().getString("payBlocked")).startsWith("打印机缺纸，本机暂停收费");
    flow.back();
    assertThat(flow.view().getString("payBlocked")).as("on the household screen too").startsWith("打印机缺纸，本机暂停收费");
    printer.status(PrinterStatus.READY);
    flow.checkPrinter().toCompletionStage().toCompletableFuture().get();
    assertThat(flow.view().containsKey("payBlocked")).isFalse();
    flow.cancel();
    assertThat(flow.view().containsKey("notices")).isFalse();
    assertThat(flow.view().containsKey("readerFault")).isFalse();
  }

  @Test
  void aBusyGatewayKeepsTheChoiceOnScreenWithWhenToTryAgain() throws Exception {
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders")).willReturn(aResponse().withStatus(503).withHeader("Retry-After", "3")
        .withHeader("Content-Type", "application/problem+json")
        .withBody("{\"type\":\"https://liangxian.cn/problems/busy\",\"title\":\"现在缴费人数较多，请 3 秒后再试\","
            + "\"status\":503,\"detail\":\"系统正忙，这次请求没有办理，也没有扣款；请 3 秒后重试。\"}")));
    toChannel();
    flow.choose("wechat");
    until(() -> flow.screen() == Screen.CHANNEL && flow.view().getString("message") != null);
    assertThat(flow.view().getString("message")).isEqualTo("系统正忙，这次请求没有办理，也没有扣款；请 3 秒后重试。");
    assertThat(flow.view().getLong("selectedFen")).as("the choice is kept").isEqualTo(25000);
    until(() -> journal.open().isEmpty());

    wm.stubFor(post(urlPathEqualTo("/api/v1/orders")).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody(resource("order-paying.json"))));
    flow.choose("wechat");
    until(() -> flow.screen() == Screen.PAYING);
  }

  @Test
  void anOrderRequestCutOffOnTheWayIsFoundAgainWithItsKeyAndCancelled() throws Exception {
    flow.recovery(new Recovery(vertx, gw, journal, receipts, 50, clock, clock.ticker()));
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders")).inScenario("cut").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("made"));
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders")).inScenario("cut").whenScenarioStateIs("made")
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(resource("order-paying.json"))));
    toChannel();
    flow.choose("alipay");
    // cut off once it went out, as an answer that did not come in time: no QR code was shown, nothing taken, and the
    // choice stays for another press
    until(() -> KioskFlow.CHANNEL_SLOW.equals(flow.view().getString("message")) || flow.screen() == Screen.ERROR);
    assertThat(flow.screen()).isEqualTo(Screen.CHANNEL);
    assertThat(flow.view().getString("message")).isEqualTo(KioskFlow.CHANNEL_SLOW);
    // the order the cut-off request may have made is asked for again with the same key, and cancelled
    until(() -> journal.open().isEmpty());
    wm.verify(postRequestedFor(urlPathEqualTo("/api/v1/orders/" + ORDER_ID + "/cancel")));
    var creates = wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/orders")));
    assertThat(creates).hasSize(2);
    assertThat(creates.get(1).getHeader("Idempotency-Key")).isEqualTo(creates.get(0).getHeader("Idempotency-Key"));
  }

  /**
   * A slow channel: the order's creation has its own time (above the 15 s the gateway gives the channel) and, when even
   * that runs out, the choice stays on the screen with the truth: no QR code was shown, so nothing was taken, and the
   * order the gateway may have made is found again by its key and cancelled.
   */
  @Test
  void anOrderWhoseAnswerDoesNotComeInTimeKeepsTheChoiceAndIsCancelledByItsKey() throws Exception {
    GatewayClient slow = new GatewayClient(vertx, "http://127.0.0.1:" + wm.port(),
        new RequestSigner(KioskIdentity.loadOrCreate("K-1", dir.resolve("keys")), clock), Await.ANSWER_TIMEOUT_MILLIS, 5000);
    flow = new KioskFlow(vertx, slow, journal, receipts, clock, clock.ticker(), Duration.ofSeconds(2));
    flow.recovery(new Recovery(vertx, slow, journal, receipts, 50, clock, clock.ticker()));
    // the gateway made the order, but its answer is held past the order's time
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders")).withQueryParam("idempotencyKey", matching("kiosk-.+"))
        .willReturn(okJson(resource("order-paying.json"))));
    held.hold("POST", "/api/v1/orders");
    toChannel();
    flow.choose("wechat");
    held.awaitArrived();
    assertThat(flow.screen()).isEqualTo(Screen.LOOKING_UP);
    assertThat(flow.view().getString("message")).isEqualTo("正在生成付款码，请稍候…");
    until(() -> flow.screen() == Screen.CHANNEL && flow.view().getString("message") != null);
    assertThat(flow.view().getString("message")).isEqualTo("支付渠道响应慢，没有扣款，请再点一次");
    assertThat(flow.view().getLong("selectedFen")).as("the choice is kept").isEqualTo(25000);
    assertThat(flow.view().containsKey("order")).isFalse();
    // the order the lost answer made is found by the same key and cancelled
    until(() -> journal.open().isEmpty());
    wm.verify(postRequestedFor(urlPathEqualTo("/api/v1/orders/" + ORDER_ID + "/cancel")));
    String key = wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/orders"))).get(0).getHeader("Idempotency-Key");
    wm.verify(getRequestedFor(urlPathEqualTo("/api/v1/orders")).withQueryParam("idempotencyKey", equalTo(key)));
    held.release();

    // pressed again while that order still holds the items (its cancel waits on the same channel): no error screen
    ordersAnswer(409, "{\"type\":\"https://liangxian.cn/problems/being-paid-elsewhere\",\"title\":\"Being paid elsewhere\","
            + "\"status\":409,\"detail\":\"a member of this order is being paid in another order (perhaps on a phone)\"}");
    flow.choose("wechat");
    until(() -> flow.screen() == Screen.CHANNEL && flow.view().getString("message") != null);
    assertThat(flow.view().getString("message")).startsWith("刚才的订单还在撤销，没有扣款");
    assertThat(flow.view().getLong("selectedFen")).isEqualTo(25000);

    wm.stubFor(post(urlPathEqualTo("/api/v1/orders")).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody(resource("order-paying.json"))));
    flow.choose("wechat");
    until(() -> flow.screen() == Screen.PAYING);
    var creates = wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/orders")));
    assertThat(creates.get(creates.size() - 1).getHeader("Idempotency-Key")).as("a new order").isNotEqualTo(key);
  }

  @Test
  void anAnswerThatNamesNoStateIsNotTakenForAnOrderThatDied() throws Exception {
    toPaying();
    // a proxy's empty 200, or a state this kiosk does not know: nothing is known of the payment yet
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(aResponse().withStatus(200)));
    clock.advance(Duration.ofSeconds(3));
    flow.tick();
    until(() -> flow.view().getString("message") != null);
    assertThat(flow.screen()).isEqualTo(Screen.PAYING);
    assertThat(flow.view().getString("message")).contains("不要重复付款").doesNotContain("未扣款");
    assertThat(journal.open()).hasSize(1);

    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(okJson(resource("order-paid.json"))));
    clock.advance(Duration.ofSeconds(3));
    flow.tick();
    until(() -> flow.screen() == Screen.DONE);
    assertThat(printer.printed()).hasSize(1);
  }

  @Test
  void leavingWhileTheOrderIsBeingMadeCancelsIt() throws Exception {
    toChannel();
    held.hold("POST", "/api/v1/orders");
    flow.choose("wechat");
    held.awaitArrived();
    // 返回首页 on "正在生成付款码": the order comes back after the resident has gone, its QR code never shown
    flow.cancel();
    assertThat(flow.screen()).isEqualTo(Screen.IDLE);
    held.release();
    until(() -> !wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/orders/" + ORDER_ID + "/cancel"))).isEmpty());
    until(() -> journal.open().isEmpty());
    assertThat(flow.screen()).isEqualTo(Screen.IDLE);
  }

  /**
   * The QR code's time is up and the kiosk cancels the order: 返回首页 pressed meanwhile is not taken, and the refused
   * cancel's payment, made at the last moment, has its receipt printed there, for the resident still in front of it.
   */
  @Test
  void aPressWhileTheTimedOutOrderIsCancelledIsNotTakenAndALastMomentPaymentIsPrintedThere() throws Exception {
    flow.recovery(new Recovery(vertx, gw, journal, receipts, 50, clock, clock.ticker()));
    toPaying();
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders/" + ORDER_ID + "/cancel")).willReturn(aResponse().withStatus(409)
        .withHeader("Content-Type", "application/problem+json")
        .withBody("{\"type\":\"https://liangxian.cn/problems/not-cancellable\",\"status\":409,\"detail\":\"这笔订单已经支付成功，不能取消。\"}")));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(okJson(resource("order-paid.json"))));
    // the held status request the timer sends with the cancel has not seen it paid yet
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).withQueryParam("waitSeconds", equalTo("20"))
        .willReturn(okJson(resource("order-paying.json"))));
    held.hold("POST", "/api/v1/orders/" + ORDER_ID + "/cancel");
    clock.advance(Duration.ofMinutes(15));
    flow.tick();
    held.awaitArrived();
    // the QR code's time is up and the kiosk is cancelling the order ("正在查询"): the resident presses 返回首页
    flow.cancel();
    assertThat(flow.screen()).isEqualTo(Screen.LOOKING_UP);
    assertThat(flow.view().getBoolean("cancelling")).as("no 返回首页 on the page").isTrue();
    held.release();
    until(() -> flow.screen() == Screen.DONE);
    assertThat(flow.view().getString("message")).isEqualTo("缴费成功，请取走凭证");
    assertThat(printer.printed()).hasSize(1);
    until(() -> journal.open().isEmpty());
  }

  /**
   * The screen let go of an order while the gateway could not be reached, telling its resident the receipt would print by
   * itself; the gateway answers again long after, the order paid: its receipt is not printed for the next person at the
   * kiosk to pick up, but left unprinted and counted for the heartbeat.
   */
  @Test
  void aReceiptFoundPaidLongAfterTheScreenLetGoIsLeftUnprintedNotPrintedForTheNextPerson() throws Exception {
    Recovery recovery = new Recovery(vertx, gw, journal, receipts, 50, clock, clock.ticker());
    flow.recovery(recovery);
    toPaying();
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders/" + ORDER_ID + "/cancel")).willReturn(aResponse().withStatus(503)));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(aResponse().withStatus(503)));
    flow.cancel(); // 返回首页: the cancel is not answered, the order watched
    until(() -> flow.screen() == Screen.ERROR);
    assertThat(flow.view().getString("message")).contains("如已付款，凭证会自动打印");
    until(() -> wm.findAll(getRequestedFor(urlPathEqualTo("/api/v1/orders/" + ORDER_ID))).size() >= 2);
    clock.advance(Recovery.UNATTENDED_AFTER.plusHours(1)); // past the payment too (order-paid.json: 02:01:30)
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(okJson(resource("order-paid.json"))));
    until(() -> journal.open().isEmpty());
    assertThat(printer.printed()).isEmpty();
    assertThat(recovery.receiptsLeftUnprinted()).isEqualTo(1);
  }

  /**
   * A resident leaves the QR code (返回首页) and its cancel is not answered: told the receipt prints by itself if paid.
   * The order turns out paid while the next resident is at the kiosk: its receipt waits until that session is over,
   * never printed into their hands.
   */
  @Test
  void aReceiptFoundPaidInTheBackgroundWaitsUntilTheNextResidentsSessionIsOver() throws Exception {
    flow.recovery(new Recovery(vertx, gw, journal, receipts, 50, clock, clock.ticker()));
    try (LogLines log = new LogLines(Recovery.class)) {
      leftWithoutAnAnswer();
      clock.advance(Duration.ofSeconds(Screen.ERROR.timeoutSeconds()));
      flow.tick();
      assertThat(flow.screen()).isEqualTo(Screen.IDLE);

      flow.idCardRead("371312196205108490", "潘威"); // the next resident
      until(() -> flow.screen() == Screen.HOUSEHOLD);
      wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(okJson(resource("order-paid.json"))));
      until(() -> log.contains("once the kiosk has been left alone a while") || !printer.printed().isEmpty());
      assertThat(printer.printed()).as("not printed while another resident is at the kiosk").isEmpty();
      assertThat(journal.open()).singleElement().satisfies(e -> assertThat(e.step()).isEqualTo(OrderJournal.Step.PAID));

      flow.cancel(); // that resident's session is over: they may be at the tray a while yet
      clock.advance(KioskFlow.QUIET_BEFORE_BACKGROUND_PRINT);
      until(() -> printer.printed().size() == 1);
      until(() -> journal.open().isEmpty());
      // the first screen said to wait while it printed, and takes the next card once it is out
      until(() -> !flow.view().containsKey("notices"));
      flow.idCardRead("371312196205108490", "潘威");
      until(() -> flow.screen() == Screen.HOUSEHOLD);
    }
  }

  /** While the receipt of a resident who left prints, the first screen says so and no session begins. */
  @Test
  void whileTheReceiptOfAResidentWhoLeftPrintsNoSessionBegins() throws Exception {
    flow.recovery(new Recovery(vertx, gw, journal, receipts, 50, clock, clock.ticker()));
    leftWithoutAnAnswer();
    clock.advance(Duration.ofSeconds(Screen.ERROR.timeoutSeconds()));
    flow.tick();
    clock.advance(KioskFlow.QUIET_BEFORE_BACKGROUND_PRINT);
    held.hold("GET", "/api/v1/orders/" + ORDER_ID + "/receipt");
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(okJson(resource("order-paid.json"))));
    held.awaitArrived(); // being printed
    // a card placed now is not read again where it lies (the reader has read it): the resident is told to place it again
    assertThat(flow.view().getJsonArray("notices")).containsExactly("正在打印上一位缴费人的凭证，请稍候。打印完成后请重新放卡");
    assertThat(flow.view().getBoolean("keypadOff")).as("手动输入 off: it would do nothing").isTrue();
    flow.idCardRead("371312196205108490", "潘威");
    flow.startKeypad();
    assertThat(flow.screen()).isEqualTo(Screen.IDLE);
    held.release();
    until(() -> printer.printed().size() == 1);
    until(() -> !flow.view().containsKey("notices"));
    assertThat(flow.view().containsKey("keypadOff")).isFalse();
    flow.idCardRead("371312196205108490", "潘威");
    until(() -> flow.screen() == Screen.HOUSEHOLD);
  }

  /** The resident who left is still at the error screen that told them the receipt would print: it prints there. */
  @Test
  void aReceiptFoundPaidWhileItsResidentIsToldItWillPrintIsPrintedAtOnce() throws Exception {
    flow.recovery(new Recovery(vertx, gw, journal, receipts, 50, clock, clock.ticker()));
    leftWithoutAnAnswer();
    // a card placed on that message (the next resident's, or this one's own) starts no session over it: the receipt
    // prints on the screen that promised it, not after a quiet minute nobody may wait for
    flow.idCardRead("320682197303079099", "肖宇");
    assertThat(flow.screen()).isEqualTo(Screen.ERROR);
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(okJson(resource("order-paid.json"))));
    until(() -> printer.printed().size() == 1);
    assertThat(flow.screen()).isEqualTo(Screen.ERROR);
    until(() -> journal.open().isEmpty());
  }

  /**
   * A receipt printed in the background that the printer refuses (no paper) is tried again, as the screen offers a
   * reprint; still unprinted once its resident has long gone, it is closed and counted for the heartbeat, as the screen
   * does when a resident leaves a failed print.
   */
  @Test
  void aReceiptThePrinterRefusedInTheBackgroundIsTriedAgainThenCountedAsLeftUnprinted() throws Exception {
    Recovery recovery = new Recovery(vertx, gw, journal, receipts, 50, clock, clock.ticker());
    flow.recovery(recovery);
    leftWithoutAnAnswer();
    printer.status(new PrinterStatus(false, false, true, false));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(okJson(resource("order-paid.json"))));
    until(() -> journal.open().stream().anyMatch(e -> e.step() == OrderJournal.Step.PRINT_FAILED));
    printer.status(PrinterStatus.READY); // paper put in
    until(() -> printer.printed().size() == 1);
    until(() -> journal.open().isEmpty());
    assertThat(recovery.receiptsLeftUnprinted()).isZero();

    flow.cancel();
    until(() -> !flow.view().containsKey("notices")); // the receipt out: a new session may begin
    leftWithoutAnAnswer();
    printer.status(new PrinterStatus(false, false, true, false));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(okJson(resource("order-paid.json"))));
    until(() -> journal.open().stream().anyMatch(e -> e.step() == OrderJournal.Step.PRINT_FAILED));
    clock.advance(Recovery.UNATTENDED_AFTER.plusMinutes(2)); // past the payment too (order-paid.json: 02:01:30)
    until(() -> journal.open().isEmpty());
    assertThat(recovery.receiptsLeftUnprinted()).isEqualTo(1);
    assertThat(printer.printed()).hasSize(1);
  }

  /**
   * The resident's wait for a receipt the screen let go of is measured by the ticker, never the kiosk's clock: set an
   * hour forward (NTP) just after, the receipt found paid a moment later is printed, not taken for one paid an hour ago;
   * set an hour back, one found paid after its resident's ten minutes is left unprinted, not kept for another hour.
   */
  @Test
  void theWaitForAReceiptTheScreenLetGoIsMeasuredByTheTickerNotTheClock() throws Exception {
    Recovery recovery = new Recovery(vertx, gw, journal, receipts, 50, clock, clock.ticker());
    flow.recovery(recovery);
    leftWithoutAnAnswer();
    clock.set(clock.instant().plus(Duration.ofHours(1)));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(okJson(resource("order-paid.json"))));
    until(() -> printer.printed().size() == 1);
    until(() -> journal.open().isEmpty());
    assertThat(recovery.receiptsLeftUnprinted()).isZero();

    flow.cancel();
    until(() -> !flow.view().containsKey("notices"));
    leftWithoutAnAnswer();
    clock.set(clock.instant().minus(Duration.ofHours(2)));
    clock.advance(Recovery.UNATTENDED_AFTER.plusMinutes(1));
    flow.tick();
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(okJson(resource("order-paid.json"))));
    until(() -> journal.open().isEmpty());
    assertThat(printer.printed()).hasSize(1);
    assertThat(recovery.receiptsLeftUnprinted()).isEqualTo(1);
  }

  /**
   * A busy gateway asks for an hour (Retry-After) while the resident who was told the receipt prints by itself may still
   * be waiting: the order is asked after again before that resident's time is up, not after it, and its receipt printed.
   */
  @Test
  void aLongRetryAfterDoesNotOutlastTheWaitOfAResidentToldTheReceiptPrints() throws Exception {
    Recovery recovery = new Recovery(vertx, gw, journal, receipts, 50, clock, clock.ticker());
    flow.recovery(recovery);
    leftWithoutAnAnswer();
    clock.advance(Duration.ofSeconds(Screen.ERROR.timeoutSeconds()));
    flow.tick();
    // two seconds of the resident's ten minutes left, the kiosk left alone since
    clock.advance(Recovery.UNATTENDED_AFTER.minusSeconds(2 + Screen.ERROR.timeoutSeconds()));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "3600")).willSetStateTo("paid"));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).inScenario("busy").whenScenarioStateIs("paid")
        .willReturn(okJson(resource("order-paid.json"))));
    until(() -> printer.printed().size() == 1);
    until(() -> journal.open().isEmpty());
    assertThat(recovery.receiptsLeftUnprinted()).isZero();
  }

  /**
   * The receipt of a resident who left the QR code comes out on the error screen that told that resident it would print
   * by itself, or once the kiosk has been left alone a minute: never in the moments after a session ended, when the
   * resident who just finished (or the next one) is at the tray, nor after a card or a touch at the first screen.
   */
  @Test
  void aReceiptOfAResidentWhoLeftIsPrintedOnTheirScreenOrAfterAQuietMinuteNeverJustAfterASession() throws Exception {
    leftWithoutAnAnswer(); // nothing watched in the background here: the screen's word is asked directly
    String key = journal.open().get(0).key();
    assertThat(flow.takeTray("kiosk-another-order", true)).as("not that order's resident's screen").isFalse();
    assertThat(flow.takeTray(key, true)).as("on the screen that told its resident").isTrue();
    flow.freeTray(key);

    flow.cancel(); // 返回首页: the resident who was told may be at the tray, or the next one coming up
    assertThat(flow.screen()).isEqualTo(Screen.IDLE);
    assertThat(flow.takeTray(key, true)).isFalse();
    clock.advance(KioskFlow.QUIET_BEFORE_BACKGROUND_PRINT.minusSeconds(1));
    assertThat(flow.takeTray(key, true)).isFalse();
    flow.stillHere(); // someone touches the first screen
    clock.advance(Duration.ofSeconds(1));
    assertThat(flow.takeTray(key, true)).isFalse();
    clock.advance(KioskFlow.QUIET_BEFORE_BACKGROUND_PRINT);
    assertThat(flow.takeTray(key, true)).as("left alone a minute").isTrue();
    flow.freeTray(key);

    // the next resident finishes: not in their hands either
    flow.idCardRead("371312196205108490", "潘威");
    until(() -> flow.screen() == Screen.HOUSEHOLD);
    assertThat(flow.takeTray(key, true)).isFalse();
    clock.advance(KioskFlow.QUIET_BEFORE_BACKGROUND_PRINT);
    flow.cancel();
    assertThat(flow.takeTray(key, true)).isFalse();
    clock.advance(KioskFlow.QUIET_BEFORE_BACKGROUND_PRINT);
    assertThat(flow.takeTray(key, true)).isTrue();
  }

  /**
   * Just after the agent started, nobody yet seen: the receipt of a resident the restart cut short (on the QR code or
   * at the printer) prints at once, for them; one whose resident had left before the restart waits for the kiosk to be
   * left alone a minute from the start, as the resident whose session the restart cut short may be at the tray.
   */
  @Test
  void justAfterAStartAReceiptWhoseResidentHadLeftWaitsAQuietMinuteAndOneCutShortPrintsAtOnce() {
    assertThat(flow.takeTray("kiosk-cut-short", false)).as("its resident's own, at once").isTrue();
    flow.freeTray("kiosk-cut-short");
    assertThat(flow.takeTray("kiosk-left-before", true)).isFalse();
    clock.advance(KioskFlow.QUIET_BEFORE_BACKGROUND_PRINT);
    assertThat(flow.takeTray("kiosk-left-before", true)).as("a quiet minute after the start").isTrue();
  }

  /** The resident left the QR code and its cancel was not answered: the journal says so, for a restart to know. */
  @Test
  void anOrderLetGoIsJournalledAsSuchAndKnownSoAfterItIsFoundPaid() throws Exception {
    flow.recovery(new Recovery(vertx, gw, journal, receipts, 50, clock, clock.ticker()));
    leftWithoutAnAnswer();
    until(() -> journal.open().size() == 1 && journal.open().get(0).left());
    // paid meanwhile, the printer out of paper: found paid and tried, still known as one whose resident left
    try (cn.liangxian.kiosk.LogLines log = new cn.liangxian.kiosk.LogLines(Recovery.class)) {
      printer.status(new PrinterStatus(false, false, true, false));
      wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(okJson(resource("order-paid.json"))));
      until(() -> log.contains("receipt of order"));
    }
    assertThat(journal.open()).singleElement().matches(OrderJournal.Entry::left, "left");
  }

  private void leftWithoutAnAnswer() throws Exception {
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(okJson(resource("order-paying.json"))));
    toPaying();
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders/" + ORDER_ID + "/cancel")).willReturn(aResponse().withStatus(503)));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(aResponse().withStatus(503)));
    flow.cancel();
    until(() -> flow.screen() == Screen.ERROR);
    assertThat(flow.view().getString("message")).isEqualTo("暂时无法确认支付结果。如已付款，凭证会自动打印，请稍候或联系工作人员");
  }

  @Test
  void elderModeSwitchedOnAtTheFirstScreenBySomeoneWhoLeftIsOffForTheNextResident() throws Exception {
    flow.elder(true);
    assertThat(flow.view().getBoolean("elder")).isTrue();
    clock.advance(Duration.ofSeconds(Screen.HOUSEHOLD.timeoutSeconds()));
    flow.tick();
    assertThat(flow.view().getBoolean("elder")).isTrue();
    // nobody placed a card or touched the screen: the next resident finds the kiosk as it was
    clock.advance(Duration.ofSeconds(Screen.HOUSEHOLD.timeoutSeconds()));
    flow.tick();
    assertThat(flow.screen()).isEqualTo(Screen.IDLE);
    assertThat(flow.view().getBoolean("elder")).isFalse();

    // switched on, then a card: the resident who chose it keeps it
    flow.elder(true);
    flow.idCardRead("371312196205108490", "潘威");
    until(() -> flow.screen() == Screen.HOUSEHOLD);
    assertThat(flow.view().getBoolean("elder")).isTrue();
  }

  @Test
  void aLookupAnswerThatIsNoHouseholdIsNeverShownAsNothingToPay() throws Exception {
    // an empty 200 (a proxy's), and a household whose member lacks the list of insurances
    for (String body : new String[] {"", "{\"household\":{\"ref\":\"h\"},\"members\":[{\"ref\":\"m\",\"name\":\"潘*威\"}]}"}) {
      wm.stubFor(post(urlPathEqualTo("/api/v1/lookup")).willReturn(aResponse().withStatus(200)
          .withHeader("Content-Type", "application/json").withBody(body)));
      flow.idCardRead("371312196205108490", "潘威");
      until(() -> flow.screen() != Screen.LOOKING_UP);
      assertThat(flow.screen()).isEqualTo(Screen.ERROR);
      assertThat(flow.view().getString("message")).isEqualTo("系统繁忙，请稍后再试");
      flow.cancel();
    }
  }

  /** The QR code's time runs out and its cancel is refused (paid meanwhile): the flow on its error screen. */
  private void refusedCancelAtTheQrCodesEnd() throws Exception {
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders/" + ORDER_ID + "/cancel")).willReturn(aResponse().withStatus(409)
        .withHeader("Content-Type", "application/problem+json")
        .withBody("{\"type\":\"https://liangxian.cn/problems/not-cancellable\",\"status\":409}")));
    clock.advance(Duration.ofMinutes(15));
    flow.tick();
    until(() -> flow.screen() == Screen.ERROR);
  }

  /** Card read, the medical item picked, on the channel screen. */
  /** The gateway answers every order request with {@code status} and this problem document. */
  private void ordersAnswer(int status, String problem) {
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders")).willReturn(aResponse().withStatus(status)
        .withHeader("Content-Type", "application/problem+json").withBody(problem)));
  }

  private void toChannel() throws Exception {
    flow.idCardRead("371312196205108490", "潘威");
    until(() -> flow.screen() == Screen.HOUSEHOLD);
    flow.toggle(MEMBER, "medical", null);
    flow.confirmSelection();
  }

  /** Paid on the QR code while the printer has no paper: the DONE screen, its receipt not printed. */
  private void paidWithoutPaper() throws Exception {
    toPaying();
    printer.status(new PrinterStatus(false, false, true, false));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER_ID)).willReturn(okJson(resource("order-paid.json"))));
    clock.advance(Duration.ofSeconds(3));
    flow.tick();
    until(() -> flow.screen() == Screen.DONE);
  }

  private void toPaying() throws Exception {
    toChannel();
    flow.choose("alipay");
    until(() -> flow.screen() == Screen.PAYING);
  }
}
