package cn.liangxian.kiosk.health;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.kiosk.Await;
import cn.liangxian.kiosk.RefusedPort;
import cn.liangxian.kiosk.device.printer.EscPosReceiptPrinter;
import cn.liangxian.kiosk.device.printer.PrinterLine;
import cn.liangxian.kiosk.device.printer.PrinterSimulator;
import cn.liangxian.kiosk.device.printer.PrinterStatus;
import cn.liangxian.kiosk.device.printer.TcpPrinterLine;
import cn.liangxian.kiosk.gateway.GatewayClient;
import cn.liangxian.kiosk.gateway.KioskIdentity;
import cn.liangxian.kiosk.gateway.RequestSigner;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeartbeatTest {

  @TempDir
  Path dir;

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
          () -> "2020-01-15T01:58:00Z", clock);

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
