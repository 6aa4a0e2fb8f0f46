package cn.liangxian.kiosk.flow;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.kiosk.device.printer.PrintException;
import cn.liangxian.kiosk.device.printer.PrinterStatus;
import cn.liangxian.kiosk.device.printer.Receipt;
import cn.liangxian.kiosk.device.printer.ReceiptPrinter;
import cn.liangxian.kiosk.journal.Journal;
import cn.liangxian.kiosk.journal.OrderJournal;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A receipt on the paper is a receipt printed, whatever the journal's disk does after it. */
class ReceiptServiceTest {
  @TempDir
  Path dir;

  @Test
  void aReceiptPrintedWhoseJournalWriteThenFailsIsNoFailedPrint() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Journal file = Journal.open(dir.resolve("journal"));
      OrderJournal journal = new OrderJournal(file, Clock.systemUTC());
      journal.intent("k1", new io.vertx.core.json.JsonObject());
      journal.order("k1", "3c0a9f5e-7d21-4b8e-8f0a-5a1c2e3d4f50");
      journal.step("k1", OrderJournal.Step.PAID);
      List<Receipt> printed = new ArrayList<>();
      ReceiptPrinter printer = new ReceiptPrinter() {
        @Override
        public PrinterStatus status() {
          return PrinterStatus.READY;
        }

        @Override
        public void print(Receipt receipt, BeforeFirstByte beforeFirstByte) throws PrintException {
          try {
            beforeFirstByte.run();
            printed.add(receipt);
            file.close(); // the journal's disk goes away once the paper is out
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        }
      };
      ReceiptService receipts = new ReceiptService(vertx, null, printer, journal, "https://verify.example", "K-1");
      receipts.print("k1", new Receipt("LX3c0a9f5e7d214b8e", "缴费凭证", List.of("合计: 250.00元"),
          "https://verify.example/r/LX3c0a9f5e7d214b8e")).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(printed).hasSize(1);
      // the entry stands at PRINTING: closed at the next start without printing again
      try (Journal reopened = Journal.open(dir.resolve("journal"))) {
        assertThat(new OrderJournal(reopened, Clock.systemUTC()).open()).singleElement()
            .satisfies(e -> assertThat(e.step()).isEqualTo(OrderJournal.Step.PRINTING));
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
