package cn.liangxian.kiosk.health;

import cn.liangxian.kiosk.device.printer.PrintException;
import cn.liangxian.kiosk.device.printer.PrinterStatus;
import cn.liangxian.kiosk.device.printer.ReceiptPrinter;
import cn.liangxian.kiosk.gateway.GatewayClient;
import cn.liangxian.kiosk.gateway.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every 30 s: device health, the last transaction and the receipts left unprinted, to the gateway
 * ({@code POST /api/v1/kiosks/heartbeat}).
 */
public final class Heartbeat {

  private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

  private final Vertx vertx;
  private final GatewayClient gateway;
  private final String kioskId;
  private final BooleanSupplier readerHealthy;
  private final ReceiptPrinter printer;
  private final Supplier<String> lastTransaction;
  private final IntSupplier leftUnprinted;
  /** How many of {@link #leftUnprinted} the gateway has been told of (or has refused to hear of). */
  private final AtomicInteger toldUnprinted = new AtomicInteger();
  private final Clock clock;
  private long timer = -1;

  /**
   * {@code leftUnprinted}: how many paid orders' receipts were closed unprinted since the agent started (nobody
   * there to take them); each is reported once, in the first heartbeat the gateway takes.
   */
  public Heartbeat(Vertx vertx, GatewayClient gateway, String kioskId, BooleanSupplier readerHealthy, ReceiptPrinter printer,
                   Supplier<String> lastTransaction, IntSupplier leftUnprinted, Clock clock) {
    this.vertx = vertx;
    this.gateway = gateway;
    this.kioskId = kioskId;
    this.readerHealthy = readerHealthy;
    this.printer = printer;
    this.lastTransaction = lastTransaction;
    this.leftUnprinted = leftUnprinted;
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
      int unprinted = report.getInteger(UNPRINTED, 0);
      return gateway.heartbeat(report).map(x -> {
        toldUnprinted.addAndGet(unprinted);
        return report;
      }).recover(err -> {
        LOG.info("heartbeat not delivered: {}", err.getMessage());
        if (err instanceof GatewayException g && g.status() == 400) {
          // refused for what it says (a gateway that does not know the count): the same again would be refused again
          toldUnprinted.addAndGet(unprinted);
        }
        return Future.succeededFuture(report);
      });
    });
  }

  JsonObject report(PrinterStatus st) {
    JsonObject printerJson = st == null ? new JsonObject().put("state", "offline").put("paper", "unknown")
        : new JsonObject().put("state", st.problem() == null ? "ok" : st.coverOpen() ? "cover-open" : st.paperOut() ? "paper-out" : "offline")
            .put("paper", st.paper());
    JsonObject r = new JsonObject().put("kioskId", kioskId).put("at", clock.instant().toString())
        .put("reader", readerHealthy.getAsBoolean() ? "ok" : "fault")
        .put("printer", printerJson)
        .put("lastTransaction", lastTransaction.get());
    int unprinted = leftUnprinted.getAsInt() - toldUnprinted.get();
    if (unprinted > 0) {
      // only when there are some: a heartbeat without them is one any gateway takes
      r.put(UNPRINTED, unprinted);
    }
    return r;
  }

  /** Receipts of paid orders closed unprinted (nobody there to take them) that the gateway has not been told of. */
  static final String UNPRINTED = "receiptsLeftUnprinted";

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }
}
