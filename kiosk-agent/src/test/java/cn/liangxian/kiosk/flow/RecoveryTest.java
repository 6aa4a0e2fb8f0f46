package cn.liangxian.kiosk.flow;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.liangxian.kiosk.Await;
import cn.liangxian.kiosk.LogLines;
import cn.liangxian.kiosk.MutableClock;
import cn.liangxian.kiosk.device.printer.EscPosReceiptPrinter;
import cn.liangxian.kiosk.device.printer.PrintException;
import cn.liangxian.kiosk.device.printer.PrinterLine;
import cn.liangxian.kiosk.device.printer.PrinterSimulator;
import cn.liangxian.kiosk.device.printer.PrinterStatus;
import cn.liangxian.kiosk.device.printer.TcpPrinterLine;
import cn.liangxian.kiosk.gateway.GatewayClient;
import cn.liangxian.kiosk.gateway.KioskIdentity;
import cn.liangxian.kiosk.gateway.RequestSigner;
import cn.liangxian.kiosk.journal.Journal;
import cn.liangxian.kiosk.journal.OrderJournal;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import cn.liangxian.kiosk.gateway.GatewayException;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each journal step a restart can find, settled as the journal's contract says. */
class RecoveryTest {

  static final String ORDER = "3c0a9f5e-7d21-4b8e-8f0a-5a1c2e3d4f50";

  @TempDir
  Path dir;
  WireMockServer wm;
  Vertx vertx;
  PrinterSimulator printer;
  Journal file;
  OrderJournal journal;
  Recovery recovery;
  GatewayClient gw;
  MutableClock clock;

  @BeforeEach
  void start() throws Exception {
    wm = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER)).willReturn(okJson(KioskFlowTest.resource("order-paid.json"))));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER + "/receipt")).willReturn(okJson(KioskFlowTest.resource("receipt.json"))));
    vertx = Vertx.vertx();
    printer = new PrinterSimulator(0);
    // a moment after the fixtures' payment (paidAt 02:01:30)
    clock = new MutableClock(Instant.parse("2020-01-15T02:01:40Z"));
    gw = new GatewayClient(vertx, "http://127.0.0.1:" + wm.port(),
        new RequestSigner(KioskIdentity.loadOrCreate("K-1", dir.resolve("keys")), clock), Await.ANSWER_TIMEOUT_MILLIS);
    file = Journal.open(dir.resolve("journal"));
    journal = new OrderJournal(file, clock);
    ReceiptService receipts = new ReceiptService(vertx, gw,
        new EscPosReceiptPrinter(TcpPrinterLine.opener("127.0.0.1", printer.port(), Await.ANSWER_TIMEOUT_MILLIS)), journal, "https://v.example/r", "K-TEST-1");
    recovery = new Recovery(vertx, gw, journal, receipts, 100, clock, clock.ticker());
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close();
    wm.stop();
    printer.close();
    file.close();
  }

  private void settle() throws Exception {
    recovery.resumeAll().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private void upTo(OrderJournal.Step... steps) throws Exception {
    journal.intent("k", new JsonObject().put("householdRef", "h"));
    journal.order("k", ORDER);
    for (OrderJournal.Step s : steps) {
      journal.step("k", s);
    }
  }

  @Test
  void paidButNotPrintedIsPrinted() throws Exception {
    upTo(OrderJournal.Step.PAID);
    settle();
    assertThat(printer.printed()).hasSize(1);
    assertThat(journal.open()).isEmpty();
  }

  /**
   * A gateway down for hours (a village's line cut overnight) is asked thousands of times: the watch that ends then is
   * not a chain of a future a try, which overflowed the event loop's stack as it completed (some 5,000 tries: the
   * receipt printed, but the watch never completing and a StackOverflowError in the log), and held a little memory a
   * try. Measured without thousands of tries: the stack a watch completes on is as deep after 200 tries as after 20.
   */
  @Test
  void aWatchOfManyTriesEndsOnAStackNoDeeperThanAWatchOfAFew() throws Exception {
    int few = stackWhenAWatchEnds("k-few", 20);
    int many = stackWhenAWatchEnds("k-many", 200);
    assertThat(many).as("frames on the stack after 200 tries, against %d after 20", few).isLessThan(few + 20);
    assertThat(printer.printed()).hasSize(2);
    assertThat(journal.open()).isEmpty();
  }

  /** How deep the stack is where the watch of an order, asked {@code down} times in vain and then paid, completes. */
  private int stackWhenAWatchEnds(String key, int down) throws Exception {
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    String paid = KioskFlowTest.resource("order-paid.json");
    String receipt = KioskFlowTest.resource("receipt.json");
    io.vertx.core.http.HttpServer server = vertx.createHttpServer().requestHandler(r -> {
      if (r.path().endsWith("/receipt")) {
        r.response().putHeader("Content-Type", "application/json").end(receipt);
      } else if (asked.incrementAndGet() <= down) {
        r.response().setStatusCode(503).end();
      } else {
        r.response().putHeader("Content-Type", "application/json").end(paid);
      }
    }).listen(0, "127.0.0.1").await();
    try {
      GatewayClient downAWhile = new GatewayClient(vertx, "http://127.0.0.1:" + server.actualPort(),
          new RequestSigner(KioskIdentity.loadOrCreate("K-1", dir.resolve("keys")), clock), Await.ANSWER_TIMEOUT_MILLIS);
      journal.intent(key, new JsonObject().put("householdRef", "h"));
      journal.order(key, ORDER);
      Recovery quick = new Recovery(vertx, downAWhile, journal, new ReceiptService(vertx, downAWhile,
          new EscPosReceiptPrinter(TcpPrinterLine.opener("127.0.0.1", printer.port(), Await.ANSWER_TIMEOUT_MILLIS)), journal,
          "https://v.example/r", "K-TEST-1"), 1, clock, clock.ticker());
      java.util.concurrent.CompletableFuture<Integer> depth = new java.util.concurrent.CompletableFuture<>();
      quick.watch(key, ORDER).onComplete(ar -> depth.complete(Thread.currentThread().getStackTrace().length));
      int frames = depth.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(asked.get()).isGreaterThan(down);
      return frames;
    } finally {
      server.close().await();
    }
  }

  /**
   * The printer had no paper (or the receipt could not be fetched) and the resident left; the kiosk restarts a day
   * later: the receipt, names and amounts on it, is not printed into the tray for whoever comes next.
   */
  @Test
  void aReceiptLeftUnprintedLongAgoIsNotPrintedToNobodyAtARestart() throws Exception {
    upTo(OrderJournal.Step.PAID, OrderJournal.Step.PRINTING, OrderJournal.Step.PRINT_FAILED);
    journal.intent("k2", new JsonObject().put("householdRef", "h2"));
    journal.order("k2", ORDER);
    journal.step("k2", OrderJournal.Step.PAID);
    clock.advance(Duration.ofDays(1));
    settle();
    assertThat(printer.printed()).isEmpty();
    assertThat(journal.open()).isEmpty();
    assertThat(recovery.receiptsLeftUnprinted()).isEqualTo(2);
    assertThat(file.records().subList(file.size() - 2, file.size())).allSatisfy(r -> {
      assertThat(r.getString("step")).isEqualTo("CLOSED");
      assertThat(r.getString("why")).contains("left unprinted");
    });
    assertThat(wm.findAll(getRequestedFor(urlPathEqualTo("/api/v1/orders/" + ORDER + "/receipt")))).isEmpty();
  }

  /** Within the bound the resident may still be standing there: the receipt is printed. */
  @Test
  void aReceiptLeftUnprintedAMomentAgoIsPrintedAtARestart() throws Exception {
    upTo(OrderJournal.Step.PAID, OrderJournal.Step.PRINTING, OrderJournal.Step.PRINT_FAILED);
    clock.advance(Recovery.UNATTENDED_AFTER.minusSeconds(30));
    settle();
    assertThat(printer.printed()).hasSize(1);
    assertThat(journal.open()).isEmpty();
    assertThat(recovery.receiptsLeftUnprinted()).isZero();
  }

  /**
   * The kiosk stopped while a QR code was shown and came back an hour later: an order paid back then is not printed,
   * one paid a moment ago (the gateway's paidAt) is.
   */
  @Test
  void aShownQrCodePaidLongBeforeTheRestartIsNotPrintedOnePaidJustNowIs() throws Exception {
    upTo();
    clock.advance(Duration.ofHours(1));
    settle();
    assertThat(printer.printed()).isEmpty();
    assertThat(recovery.receiptsLeftUnprinted()).isEqualTo(1);

    journal.intent("k2", new JsonObject().put("householdRef", "h"));
    journal.order("k2", ORDER);
    clock.advance(Duration.ofHours(1));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER)).willReturn(okJson(new JsonObject(
        KioskFlowTest.resource("order-paid.json")).put("paidAt", clock.instant().minusSeconds(20).toString()).encode())));
    settle();
    assertThat(printer.printed()).hasSize(1);
    assertThat(recovery.receiptsLeftUnprinted()).isEqualTo(1);
    assertThat(journal.open()).isEmpty();
  }

  /**
   * At a restart the payment's age is read on the gateway's clock (paidAt against its answer's Date), not this kiosk's,
   * an hour slow. The kiosk stopped with a QR code shown, 8 minutes ago, and it was paid 3 minutes ago: a receipt the
   * printer cannot print is given up ten minutes after the payment, not kept waiting for the next person an hour more.
   */
  @Test
  void atARestartAPaymentsAgeIsReadOnTheGatewaysClockNotAKioskClockAnHourSlow() throws Exception {
    upTo();
    clock.advance(Duration.ofMinutes(8));
    Instant gatewayNow = clock.instant().plus(Duration.ofHours(1));
    paidAtByTheGateway(gatewayNow.minus(Duration.ofMinutes(3)), gatewayNow);
    printer.status(new PrinterStatus(false, false, true, false)); // no paper
    try (LogLines log = new LogLines(Recovery.class)) {
      java.util.concurrent.CompletableFuture<Void> settled = recovery.resumeAll().toCompletionStage().toCompletableFuture();
      Await.until(() -> log.contains("tried again until it is"));
      assertThat(settled).isNotDone();
      clock.advance(Recovery.UNATTENDED_AFTER.minus(Duration.ofMinutes(3)).plusSeconds(1));
      settled.get(20, TimeUnit.SECONDS);
    }
    assertThat(printer.printed()).isEmpty();
    assertThat(recovery.receiptsLeftUnprinted()).isEqualTo(1);
    assertThat(journal.open()).isEmpty();
  }

  /**
   * The kiosk stopped while a QR code was shown, an hour ago by its own clock, which is an hour fast: paid 20 s ago by
   * the gateway's clock, its resident may be there, and the receipt is printed, not taken for one paid an hour ago.
   */
  @Test
  void atARestartAPaymentMadeJustNowIsPrintedWhateverTheKiosksClockSays() throws Exception {
    upTo();
    clock.advance(Duration.ofHours(1));
    Instant gatewayNow = clock.instant().minus(Duration.ofHours(1));
    paidAtByTheGateway(gatewayNow.minusSeconds(20), gatewayNow);
    settle();
    assertThat(printer.printed()).hasSize(1);
    assertThat(recovery.receiptsLeftUnprinted()).isZero();
    assertThat(journal.open()).isEmpty();
  }

  /**
   * A gateway that says an order was paid at a time no one waits that long for (the year 1, a "none" some systems send):
   * the order is settled as any other, not left open for ever on an overflow of the wait's arithmetic.
   */
  @Test
  void atARestartAPaidAtCenturiesAgoIsSettledNotLeftOpen() throws Exception {
    upTo();
    Instant gatewayNow = clock.instant();
    paidAtByTheGateway(Instant.parse("0001-01-01T00:00:00Z"), gatewayNow);
    settle();
    assertThat(journal.open()).isEmpty();
  }

  /**
   * At a restart, an order the screen had let go of (its resident left) is asked of the screen as one whose resident
   * left, even where the printer refused it since (PRINT_FAILED after LET_GO): the screen holds it for a quiet minute;
   * one the restart cut short is asked as its own resident's.
   */
  @Test
  void atARestartAnOrderWhoseResidentHadLeftIsSaidToBeSo() throws Exception {
    java.util.List<Boolean> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    recovery.tray(new Recovery.Tray() {
      @Override
      public boolean take(String key, boolean left) {
        asked.add(left);
        return true;
      }

      @Override
      public void free(String key) {
      }
    });
    upTo(OrderJournal.Step.LET_GO, OrderJournal.Step.PAID, OrderJournal.Step.PRINT_FAILED);
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER)).willReturn(okJson(new JsonObject(
        KioskFlowTest.resource("order-paid.json")).put("paidAt", clock.instant().toString()).encode())));
    settle();
    assertThat(asked).containsExactly(true);
    assertThat(printer.printed()).hasSize(1);

    asked.clear();
    journal.intent("k2", new JsonObject().put("householdRef", "h"));
    journal.order("k2", ORDER);
    journal.step("k2", OrderJournal.Step.PAID);
    settle();
    assertThat(asked).containsExactly(false);
  }

  /** The order answered paid at {@code paidAt}, its answer dated {@code now}: both by the gateway's clock. */
  private void paidAtByTheGateway(Instant paidAt, Instant now) throws Exception {
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER)).willReturn(okJson(new JsonObject(
        KioskFlowTest.resource("order-paid.json")).put("paidAt", paidAt.toString()).encode())
        .withHeader("Date", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(now.atZone(java.time.ZoneOffset.UTC)))));
  }

  @Test
  void aPrintThatMayHaveHappenedIsNotRepeated() throws Exception {
    upTo(OrderJournal.Step.PAID, OrderJournal.Step.PRINTING);
    settle();
    assertThat(printer.printed()).isEmpty();
    assertThat(journal.open()).isEmpty();
    // it may be on the paper, or lost with the stop: the operator hears of it as of any receipt left unprinted
    assertThat(recovery.receiptsLeftUnprinted()).isOne();
  }

  @Test
  void aPrintThePrinterRefusedIsPrinted() throws Exception {
    upTo(OrderJournal.Step.PAID, OrderJournal.Step.PRINTING, OrderJournal.Step.PRINT_FAILED);
    settle();
    assertThat(printer.printed()).hasSize(1);
  }

  @Test
  void aShownQrCodeThatWasPaidIsPrintedWithoutANewOrder() throws Exception {
    upTo();
    settle();
    assertThat(printer.printed()).hasSize(1);
    assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/orders")))).isEmpty();
  }

  @Test
  void anAnswerThatNamesNoStateIsAskedAgainAndThePaidOrderPrinted() throws Exception {
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER)).inScenario("blank").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(200)).willSetStateTo("typeless"));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER)).inScenario("blank").whenScenarioStateIs("typeless")
        .willReturn(okJson("{\"id\":\"" + ORDER + "\",\"state\":7}")).willSetStateTo("answers"));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER)).inScenario("blank").whenScenarioStateIs("answers")
        .willReturn(okJson(KioskFlowTest.resource("order-paid.json"))));
    upTo();
    settle();
    assertThat(printer.printed()).hasSize(1);
    assertThat(journal.open()).isEmpty();
  }

  @Test
  void aReceiptSentWholeToThePrinterIsNotPrintedAgainWhenTheLineFailsAfterIt() throws Exception {
    // the printer said it could print and took the whole job; then the line broke before it answered the check
    // after it: the receipt may well be on the paper
    PrinterLine lostAfterTheJob = new PrinterLine() {
      final java.io.InputStream in = new java.io.ByteArrayInputStream(new byte[] {0x12, 0x12, 0x12});

      @Override
      public java.io.InputStream in() {
        return in;
      }

      @Override
      public java.io.OutputStream out() {
        return java.io.OutputStream.nullOutputStream();
      }

      @Override
      public void close() {
      }
    };
    ReceiptService once = new ReceiptService(vertx, gw, new EscPosReceiptPrinter(() -> lostAfterTheJob), journal,
        "https://v.example/r", "K-TEST-1");
    upTo(OrderJournal.Step.PAID);
    assertThatThrownBy(() -> once.print("k", ORDER).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS))
        .hasCauseInstanceOf(PrintException.class);
    assertThat(journal.open()).singleElement().satisfies(e -> assertThat(e.step()).isEqualTo(OrderJournal.Step.PRINTING));
    settle();
    assertThat(printer.printed()).as("not printed again by the restart").isEmpty();
    assertThat(journal.open()).isEmpty();
  }

  @Test
  void aReceiptLeftUnprintedIsNotPrintedOnceTheOrderWasRefunded() throws Exception {
    // the printer refused, the resident left, and the payment was given back before the kiosk was restarted
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders/" + ORDER)).willReturn(okJson(
        KioskFlowTest.resource("order-paid.json").replace("\"state\": \"PAID\"", "\"state\": \"REFUNDED\""))));
    upTo(OrderJournal.Step.PAID, OrderJournal.Step.PRINT_FAILED);
    settle();
    assertThat(printer.printed()).isEmpty();
    assertThat(journal.open()).isEmpty();
  }

  @Test
  void anIntentTheGatewayRefusedIsClosed() throws Exception {
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders")).willReturn(aResponse().withStatus(409)
        .withHeader("Content-Type", "application/problem+json").withBody("{\"type\":\"x\",\"title\":\"t\",\"status\":409}")));
    journal.intent("k2", new JsonObject().put("householdRef", "h"));
    settle();
    assertThat(journal.open()).isEmpty();
    assertThat(printer.printed()).isEmpty();
  }

  /**
   * The gateway knows the order the interrupted request made (here one it gave up waiting for its channel on, or
   * one with its QR code never shown): it is cancelled, and the request is not sent again, which would have made
   * a new order, and a new payment at the channel, only to cancel it.
   */
  @Test
  void anIntentWhoseOrderTheGatewayFindsByItsKeyIsCancelledWithoutAskingForItAgain() throws Exception {
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders")).withQueryParam("idempotencyKey", equalTo("k4"))
        .willReturn(okJson(KioskFlowTest.resource("order-paying.json"))));
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders/" + ORDER + "/cancel"))
        .willReturn(okJson(new JsonObject(KioskFlowTest.resource("order-paying.json")).put("state", "CANCELLED").encode())));
    journal.intent("k4", new JsonObject().put("householdRef", "h"));
    settle();
    assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/orders/" + ORDER + "/cancel")))).hasSize(1);
    assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/orders")))).isEmpty();
    assertThat(journal.open()).isEmpty();
    assertThat(printer.printed()).isEmpty();
  }

  /** A gateway too busy to look the order up is asked again later; the intent is not closed, nor sent again meanwhile. */
  @Test
  void anIntentIsLookedUpAgainWhileTheGatewayIsBusy() throws Exception {
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders")).inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(503).withHeader("Content-Type", "application/problem+json")
            .withBody("{\"type\":\"x\",\"title\":\"t\",\"status\":503}")).willSetStateTo("served"));
    wm.stubFor(get(urlPathEqualTo("/api/v1/orders")).inScenario("busy").whenScenarioStateIs("served")
        .willReturn(okJson(new JsonObject(KioskFlowTest.resource("order-paying.json")).put("state", "EXPIRED").encode())));
    journal.intent("k5", new JsonObject().put("householdRef", "h"));
    settle();
    assertThat(wm.findAll(getRequestedFor(urlPathEqualTo("/api/v1/orders")))).hasSize(2);
    assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/orders")))).isEmpty();
    assertThat(journal.open()).isEmpty();
  }

  @Test
  void anIntentWhoseOrderIsStillBeingPreparedIsAskedAgainNotClosed() throws Exception {
    // the first request made the order and is still at the channel: the repeat is told to come back in a second
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders")).inScenario("prepay").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(409).withHeader("Retry-After", "1").withHeader("Content-Type", "application/problem+json")
            .withBody("{\"type\":\"" + GatewayException.BEING_PREPARED + "\",\"title\":\"Order being prepared\",\"status\":409}"))
        .willSetStateTo("prepared"));
    wm.stubFor(post(urlPathEqualTo("/api/v1/orders")).inScenario("prepay").whenScenarioStateIs("prepared")
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
            .withBody(KioskFlowTest.resource("order-paid.json"))));
    journal.intent("k3", new JsonObject().put("householdRef", "h"));
    settle();
    assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/orders")))).hasSize(2);
    assertThat(printer.printed()).as("the order found again, paid, and its receipt printed").hasSize(1);
    assertThat(journal.open()).isEmpty();
  }
}
