package cn.liangxian.kiosk.device.printer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.liangxian.kiosk.Await;
import cn.liangxian.kiosk.RefusedPort;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EscPosReceiptPrinterTest {

  static final Receipt RECEIPT = new Receipt("LX20200115000001", "城乡居民基本医疗保险缴费凭证",
      List.of("潘*威 3713**********8490", "医疗 2020年 个人缴费 250.00元", "合计 250.00元", "微信支付 4200000001"),
      "https://gateway.example/r/LX20200115000001");

  PrinterSimulator sim;
  EscPosReceiptPrinter printer;

  @BeforeEach
  void start() throws IOException {
    sim = new PrinterSimulator(0);
    printer = new EscPosReceiptPrinter(TcpPrinterLine.opener("127.0.0.1", sim.port(), Await.ANSWER_TIMEOUT_MILLIS));
  }

  @AfterEach
  void stop() throws IOException {
    sim.close();
  }

  @Test
  void chineseTextAndQrCodeComeBackFromTheByteStream() throws Exception {
    printer.print(RECEIPT);
    assertThat(sim.printed()).hasSize(1);
    PrinterSimulator.Printed p = sim.printed().get(0);
    assertThat(p.lines()).containsExactly("城乡居民基本医疗保险缴费凭证", "凭证号: LX20200115000001", "潘*威 3713**********8490",
        "医疗 2020年 个人缴费 250.00元", "合计 250.00元", "微信支付 4200000001", "扫码核验");
    assertThat(p.qrCodes()).containsExactly("https://gateway.example/r/LX20200115000001");
    assertThat(sim.errors()).isEmpty();
  }

  @Test
  void aByteThatIsNoStatusIsAPrinterFaultInWordsNotACrash() {
    // a device on the line that answers DLE EOT with 00 (not an ESC/POS status: bits 1 and 4 clear)
    PrinterLine noise = new PrinterLine() {
      final java.io.InputStream in = new java.io.ByteArrayInputStream(new byte[] {0, 0, 0});

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
    EscPosReceiptPrinter p = new EscPosReceiptPrinter(() -> noise);
    assertThatThrownBy(p::status).isInstanceOf(PrintException.class).hasMessage("打印机状态异常");
  }

  @ParameterizedTest
  @CsvSource({
      "false, false, false, false, ok",
      "false, false, false, true, low",
      "false, false, true, false, out",
      "false, true, false, false, ok",
      "true, false, false, false, ok"})
  void dleEotStatusRoundTrips(boolean offline, boolean cover, boolean out, boolean low, String paper) throws Exception {
    PrinterStatus s = new PrinterStatus(offline, cover, out, low);
    sim.status(s);
    PrinterStatus read = printer.status();
    assertThat(read.offline()).isEqualTo(offline || cover || out);
    assertThat(read.coverOpen()).isEqualTo(cover);
    assertThat(read.paperOut()).isEqualTo(out);
    assertThat(read.paper()).isEqualTo(paper);
  }

  @Test
  void statusBytesFromTheManual() {
    // paper end on the roll sensor: 0x12 | 0x0C | 0x60 = 7E; cover open: 0x12 | 0x04 = 16
    PrinterStatus s = PrinterStatus.decode(0x1A, 0x16, 0x12);
    assertThat(s.coverOpen()).isTrue();
    assertThat(s.problem()).isEqualTo("打印机盖未关好");
    assertThat(PrinterStatus.decode(0x1A, 0x32, 0x7E).problem()).isEqualTo("打印机缺纸");
    assertThat(PrinterStatus.decode(0x12, 0x12, 0x1E).paper()).isEqualTo("low");
    assertThatThrownBy(() -> PrinterStatus.decode(0xFF, 0x12, 0x12)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nothingIsSentToAPrinterWithoutPaperAndTheReceiptIsReprintedOnceItHasPaper() throws Exception {
    sim.status(new PrinterStatus(false, false, true, false));
    assertThatThrownBy(() -> printer.print(RECEIPT)).isInstanceOf(PrintException.class).hasMessage("打印机缺纸");
    assertThat(sim.printed()).isEmpty();
    sim.status(PrinterStatus.READY);
    printer.print(RECEIPT);
    assertThat(sim.printed()).hasSize(1);
  }

  @Test
  void coverOpenFailsThePrint() {
    sim.status(new PrinterStatus(false, true, false, false));
    assertThatThrownBy(() -> printer.print(RECEIPT)).isInstanceOf(PrintException.class).hasMessage("打印机盖未关好");
  }

  @Test
  void paperRunningOutDuringTheJobFailsIt() {
    sim.statusAfterNextCut(new PrinterStatus(false, false, true, false));
    assertThatThrownBy(() -> printer.print(RECEIPT)).isInstanceOf(PrintException.class).hasMessageContaining("缺纸");
  }

  @Test
  void aStatusQuestionWaitsForTheReceiptBeingPrinted() throws Exception {
    // a printer serves one connection at a time (a serial port opens once, a network printer's raw port takes one
    // client): the heartbeat's question in the middle of a receipt must not open a second one
    java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
    PrinterLine.Opener oneAtATime = () -> {
      most.accumulateAndGet(open.incrementAndGet(), Math::max);
      return new PrinterLine() {
        final java.io.InputStream ready = new java.io.InputStream() {
          @Override
          public int read() {
            return PrinterStatus.READY.printerByte();
          }
        };

        @Override
        public java.io.InputStream in() {
          return ready;
        }

        @Override
        public java.io.OutputStream out() {
          return java.io.OutputStream.nullOutputStream();
        }

        @Override
        public void close() {
          open.decrementAndGet();
        }
      };
    };
    EscPosReceiptPrinter p = new EscPosReceiptPrinter(oneAtATime);
    java.util.concurrent.CountDownLatch printing = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch goOn = new java.util.concurrent.CountDownLatch(1);
    Thread job = new Thread(() -> {
      try {
        p.print(RECEIPT, () -> {
          printing.countDown();
          try {
            goOn.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
      } catch (PrintException e) {
        throw new IllegalStateException(e);
      }
    });
    job.start();
    assertThat(printing.await(Await.LIMIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    Thread heartbeat = new Thread(() -> {
      try {
        p.status();
      } catch (PrintException e) {
        throw new IllegalStateException(e);
      }
    });
    heartbeat.start();
    Await.until(() -> heartbeat.getState() == Thread.State.BLOCKED || heartbeat.getState() == Thread.State.TERMINATED);
    goOn.countDown();
    job.join(Await.LIMIT.toMillis());
    heartbeat.join(Await.LIMIT.toMillis());
    assertThat(most.get()).as("connections open at once").isEqualTo(1);
  }

  @Test
  void anUnreachablePrinterIsReportedInChinese() throws IOException {
    try (RefusedPort nobody = new RefusedPort()) {
      EscPosReceiptPrinter unreachable = new EscPosReceiptPrinter(TcpPrinterLine.opener("127.0.0.1", nobody.port(), 2000));
      assertThatThrownBy(() -> unreachable.print(RECEIPT)).isInstanceOf(PrintException.class).hasMessage("打印机无法连接");
      assertThatThrownBy(unreachable::status).isInstanceOf(PrintException.class).hasMessage("打印机无法连接");
    }
  }

  /**
   * A serial printer whose adapter was pulled out: its device file is gone, and the serial library says so with an
   * unchecked exception of its own. That is the printer not connected, as a network printer that does not answer is.
   */
  @Test
  void aSerialPrinterWhoseDeviceIsGoneIsReportedInChinese() throws IOException {
    java.nio.file.Path gone = java.nio.file.Files.createTempDirectory("no-printer").resolve("ttyUSB9");
    EscPosReceiptPrinter unplugged = new EscPosReceiptPrinter(SerialPrinterLine.opener(gone.toString(), 9600, 2000));
    assertThatThrownBy(unplugged::status).isInstanceOf(PrintException.class).hasMessage("打印机无法连接");
    assertThatThrownBy(() -> unplugged.print(RECEIPT)).isInstanceOf(PrintException.class).hasMessage("打印机无法连接")
        .satisfies(e -> assertThat(((PrintException) e).mayHavePrinted()).isFalse());
    java.nio.file.Files.delete(gone.getParent());
  }

  /** Whatever else a printer's line throws while it opens is a printer that cannot be reached, never a crash of the flow. */
  @Test
  void anOpenerThatThrowsUncheckedIsAPrinterNotConnected() {
    EscPosReceiptPrinter broken = new EscPosReceiptPrinter(() -> {
      throw new IllegalStateException("driver gone");
    });
    assertThatThrownBy(broken::status).isInstanceOf(PrintException.class).hasMessage("打印机无法连接");
    assertThatThrownBy(() -> broken.print(RECEIPT)).isInstanceOf(PrintException.class).hasMessage("打印机无法连接");
  }
}
