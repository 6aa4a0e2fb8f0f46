package cn.liangxian.kiosk.health;

import cn.liangxian.kiosk.device.printer.PrintException;
import cn.liangxian.kiosk.device.printer.PrinterStatus;
import cn.liangxian.kiosk.device.printer.ReceiptPrinter;
import cn.liangxian.kiosk.gateway.GatewayClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every 30 s: device health and the last transaction, to the gateway ({@code POST /api/v1/kiosks/heartbeat}). */
public final class Heartbeat {

  private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

  private final Vertx vertx;
  private final GatewayClient gateway;
  private final String kioskId;
  private final BooleanSupplier readerHealthy;
  private final ReceiptPrinter printer;
  private final Supplier<String> lastTransaction;
  private final Clock clock;
  private long timer = -1;

  public Heartbeat(Vertx vertx, GatewayClient gateway, String kioskId, BooleanSupplier readerHealthy, ReceiptPrinter printer,
                   Supplier<String> lastTransaction, Clock clock) {
    this.vertx = vertx;
    this.gateway = gateway;
    this.kioskId = kioskId;
    this.readerHealthy = readerHealthy;
    this.printer = printer;
    this.lastTransaction = lastTransaction;
    this.clock = clock;
  }

  public void start(long periodMillis) {
    timer = vertx.setPeriodic(0, periodMillis, t -> beat());
  }

  /** One heartbeat: the printer is asked on a worker thread, then the report is sent. */
  public Future<JsonObject> beat() {
    return vertx.executeBlocking(() -> {
      try {
        return printer.status();
      } catch (PrintException e) {
        return null;
      }
    }, false).compose(st -> {
      JsonObject report = report(st);
      return gateway.heartbeat(report).map(x -> report).recover(err -> {
        LOG.info("heartbeat not delivered: {}", err.getMessage());
        return Future.succeededFuture(report);
      });
    });
  }

  JsonObject report(PrinterStatus st) {
    JsonObject printerJson = st == null ? new JsonObject().put("state", "offline").put("paper", "unknown")
        : new JsonObject().put("state", st.problem() == null ? "ok" : st.coverOpen() ? "cover-open" : st.paperOut() ? "paper-out" : "offline")
            .put("paper", st.paper());
    return new JsonObject().put("kioskId", kioskId).put("at", clock.instant().toString())
        .put("reader", readerHealthy.getAsBoolean() ? "ok" : "fault")
        .put("printer", printerJson)
        .put("lastTransaction", lastTransaction.get());
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }
}
