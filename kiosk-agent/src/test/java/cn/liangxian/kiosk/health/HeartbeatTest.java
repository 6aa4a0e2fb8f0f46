package cn.liangxian.kiosk.health;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.kiosk.Await;
import cn.liangxian.kiosk.MutableClock;
import cn.liangxian.kiosk.RefusedPort;
import cn.liangxian.kiosk.device.printer.EscPosReceiptPrinter;
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
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeartbeatTest {

  @TempDir
  Path dir;

  /**
   * Receipts closed unprinted at a restart (nobody there to take them) are counted in the heartbeat: each once, in the
   * first heartbeat the gateway takes; none, no field (a gateway that does not know it takes the heartbeat still).
   */
  @Test
  void receiptsLeftUnprintedAreReportedOnceTheGatewayTakesThem() throws Exception {
    WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    wm.stubFor(post(urlPathEqualTo("/api/v1/kiosks/heartbeat")).willReturn(aResponse().withStatus(204)));
    Vertx vertx = Vertx.vertx();
    try (PrinterSimulator printer = new PrinterSimulator(0)) {
      Clock clock = Clock.fixed(Instant.parse("2020-01-15T02:00:00Z"), ZoneOffset.UTC);
      GatewayClient gw = new GatewayClient(vertx, "http://127.0.0.1:" + wm.port(),
          new RequestSigner(KioskIdentity.loadOrCreate("K-1", dir), clock), Await.ANSWER_TIMEOUT_MILLIS);
      AtomicInteger unprinted = new AtomicInteger();
      Heartbeat hb = new Heartbeat(vertx, gw, "K-1", () -> true,
          new EscPosReceiptPrinter(TcpPrinterLine.opener("127.0.0.1", printer.port(), Await.ANSWER_TIMEOUT_MILLIS)),
          () -> null, unprinted::get, clock);
      assertThat(beat(hb).containsKey("receiptsLeftUnprinted")).isFalse();

      unprinted.set(2);
      assertThat(beat(hb).getInteger("receiptsLeftUnprinted")).isEqualTo(2);
      assertThat(beat(hb).containsKey("receiptsLeftUnprinted")).as("told once").isFalse();

      // a gateway that cannot be reached or is busy has not heard of them: told in the next heartbeat it takes
      unprinted.set(3);
      wm.stubFor(post(urlPathEqualTo("/api/v1/kiosks/heartbeat")).willReturn(aResponse().withStatus(503)));
      assertThat(beat(hb).getInteger("receiptsLeftUnprinted")).isEqualTo(1);
      wm.stubFor(post(urlPathEqualTo("/api/v1/kiosks/heartbeat")).willReturn(aResponse().withStatus(204)));
      assertThat(beat(hb).getInteger("receiptsLeftUnprinted")).isEqualTo(1);
      assertThat(beat(hb).containsKey("receiptsLeftUnprinted")).isFalse();

      // one that refuses the field (400) would refuse it again: the next heartbeats go without it
      unprinted.set(4);
      wm.stubFor(post(urlPathEqualTo("/api/v1/kiosks/heartbeat")).willReturn(aResponse().withStatus(400)
          .withHeader("Content-Type", "application/problem+json")
          .withBody("{\"type\":\"https://liangxian.cn/problems/invalid-field\",\"status\":400,\"field\":\"receiptsLeftUnprinted\"}")));
      assertThat(beat(hb).getInteger("receiptsLeftUnprinted")).isEqualTo(1);
      assertThat(beat(hb).containsKey("receiptsLeftUnprinted")).isFalse();
      var sent = wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/kiosks/heartbeat")));
      assertThat(new JsonObject(sent.get(1).getBodyAsString()).getInteger("receiptsLeftUnprinted")).isEqualTo(2);
    } finally {
      vertx.close();
      wm.stop();
    }
  }

  private static JsonObject beat(Heartbeat hb) throws Exception {
    return hb.beat().toCompletionStage().toCompletableFuture().get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
  }

  /**
   * The report is made on an event loop: the last transaction is read without the journal's lock, which an append
   * holds while the disk forces the record (an fsync may take seconds), so that the event loop never waits for it.
   */
  @Test
  void theLastTransactionIsReadWithoutWaitingForAJournalWrite() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (Journal file = Journal.open(dir.resolve("journal"))) {
      MutableClock clock = new MutableClock(Instant.parse("2020-01-15T02:00:00Z"));
      OrderJournal journal = new OrderJournal(file, clock);
      journal.intent("k", new JsonObject().put("householdRef", "h"));
      Heartbeat hb = new Heartbeat(vertx, null, "K-1", () -> true, null, journal::lastActivity, () -> 0, clock);
      CountDownLatch held = new CountDownLatch(1);
      CountDownLatch done = new CountDownLatch(1);
      Thread writer = new Thread(() -> {
        synchronized (file) { // as append holds it through force(true)
          held.countDown();
          try {
            done.await(); // until the report is made, or the test gave up on it
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      });
      writer.start();
      assertThat(held.await(Await.LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      try {
        JsonObject r = CompletableFuture.supplyAsync(() -> hb.report(PrinterStatus.READY))
            .get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(r.getString("lastTransaction")).isEqualTo("2020-01-15T02:00:00Z");
      } finally {
        done.countDown();
        writer.join();
      }
      clock.advance(java.time.Duration.ofMinutes(1));
      journal.order("k", "o");
      assertThat(hb.report(PrinterStatus.READY).getString("lastTransaction")).isEqualTo("2020-01-15T02:01:00Z");
      assertThat(new OrderJournal(file, clock).lastActivity()).as("read back at start").isEqualTo("2020-01-15T02:01:00Z");
    } finally {
      vertx.close();
    }
  }

  @Test
  void reportsReaderPaperAndLastTransactionSigned() throws Exception {
    WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    wm.stubFor(post(urlPathEqualTo("/api/v1/kiosks/heartbeat")).willReturn(aResponse().withStatus(204)));
    Vertx vertx = Vertx.vertx();
    try (PrinterSimulator printer = new PrinterSimulator(0); RefusedPort unplugged = new RefusedPort()) {
      Clock clock = Clock.fixed(Instant.parse("2020-01-15T02:00:00Z"), ZoneOffset.UTC);
      KioskIdentity id = KioskIdentity.loadOrCreate("K-1", dir);
      GatewayClient gw = new GatewayClient(vertx, "http://127.0.0.1:" + wm.port(), new RequestSigner(id, clock), Await.ANSWER_TIMEOUT_MILLIS);
      AtomicBoolean reader = new AtomicBoolean(true);
      AtomicInteger printerPort = new AtomicInteger(printer.port());
      PrinterLine.Opener line = () -> TcpPrinterLine.opener("127.0.0.1", printerPort.get(), Await.ANSWER_TIMEOUT_MILLIS).open();
      Heartbeat hb = new Heartbeat(vertx, gw, "K-1", reader::get, new EscPosReceiptPrinter(line),
          () -> "2020-01-15T01:58:00Z", () -> 0, clock);

      printer.status(new PrinterStatus(false, false, false, true));
      JsonObject r = hb.beat().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(r.getString("reader")).isEqualTo("ok");
      assertThat(r.getJsonObject("printer").getString("paper")).isEqualTo("low");
      assertThat(r.getJsonObject("printer").getString("state")).isEqualTo("ok");
      assertThat(r.getString("lastTransaction")).isEqualTo("2020-01-15T01:58:00Z");

      reader.set(false);
      printer.status(new PrinterStatus(false, false, true, false));
      r = hb.beat().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(r.getString("reader")).isEqualTo("fault");
      assertThat(r.getJsonObject("printer").getString("paper")).isEqualTo("out");
      assertThat(r.getJsonObject("printer").getString("state")).isEqualTo("paper-out");

      printerPort.set(unplugged.port()); // the printer's cable pulled: a port that refuses, held by the test
      r = hb.beat().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(r.getJsonObject("printer").getString("state")).isEqualTo("offline");

      assertThat(wm.findAll(postRequestedFor(urlPathEqualTo("/api/v1/kiosks/heartbeat")))).hasSize(3)
          .allSatisfy(q -> assertThat(RequestSigner.verify(id.keys().getPublic(), q.getHeader("X-Kiosk-Id"), "POST",
              q.getUrl(), q.getHeader("X-Kiosk-Timestamp"), q.getHeader("X-Kiosk-Nonce"), q.getBody(),
              q.getHeader("X-Kiosk-Signature"))).isTrue());
    } finally {
      vertx.close();
      wm.stop();
    }
  }
}
