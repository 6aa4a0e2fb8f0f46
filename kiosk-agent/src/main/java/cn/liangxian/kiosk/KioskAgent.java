package cn.liangxian.kiosk;

import cn.liangxian.kiosk.DeviceOptions.IdCardDevice;
import cn.liangxian.kiosk.DeviceOptions.PrinterDevice;
import cn.liangxian.kiosk.DeviceOptions.ScannerDevice;
import cn.liangxian.kiosk.DeviceOptions.SocialSecurityCardDevice;
import cn.liangxian.kiosk.device.idcard.IdCard;
import cn.liangxian.kiosk.device.idcard.IdCardPoller;
import cn.liangxian.kiosk.device.idcard.IdCardReader;
import cn.liangxian.kiosk.device.idcard.SamIdCardReader;
import cn.liangxian.kiosk.device.idcard.SamSimulator;
import cn.liangxian.kiosk.device.printer.EscPosReceiptPrinter;
import cn.liangxian.kiosk.device.printer.PrinterLine;
import cn.liangxian.kiosk.device.printer.PrinterSimulator;
import cn.liangxian.kiosk.device.printer.ReceiptPrinter;
import cn.liangxian.kiosk.device.printer.SerialPrinterLine;
import cn.liangxian.kiosk.device.printer.TcpPrinterLine;
import cn.liangxian.kiosk.device.scanner.LineScanner;
import cn.liangxian.kiosk.device.serial.SerialLine;
import cn.liangxian.kiosk.device.serial.StreamChannel;
import cn.liangxian.kiosk.device.sscard.SocialSecurityCardWatcher;
import cn.liangxian.kiosk.flow.KioskFlow;
import cn.liangxian.kiosk.flow.Recovery;
import cn.liangxian.kiosk.flow.ReceiptService;
import cn.liangxian.kiosk.flow.Ticker;
import cn.liangxian.kiosk.gateway.GatewayClient;
import cn.liangxian.kiosk.gateway.KioskIdentity;
import cn.liangxian.kiosk.gateway.RequestSigner;
import cn.liangxian.kiosk.health.Heartbeat;
import cn.liangxian.kiosk.journal.Journal;
import cn.liangxian.kiosk.journal.OrderJournal;
import cn.liangxian.kiosk.ui.Simulators;
import cn.liangxian.kiosk.ui.UiServer;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.ByteChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the devices named in the configuration, the journal, the gateway client, the flow and the UI. */
public final class KioskAgent implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KioskAgent.class);

  /** A made-up resident (the gateway's demo roster), the card the simulated reader holds. */
  static final IdCard DEMO_CARD = IdCard.madeUp("潘威", "371312196205108490", "山东省临沂市河东区九曲街道", "临沂市公安局河东分局",
      "20150101");

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private Vertx vertx;
  private Journal journalFile;
  private KioskFlow flow;
  private KioskIdentity identity;
  private int uiPort;
  private SamSimulator samSimulator;
  private PrinterSimulator printerSimulator;
  private BooleanSupplier readersHealthy = () -> true;

  /** Whether the address names this machine (a loopback address or localhost). */
  static boolean loopback(String url) {
    try {
      String host = java.net.URI.create(url).getHost();
      return host == null || host.equalsIgnoreCase("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public static KioskAgent start(KioskOptions options) throws Exception {
    KioskAgent a = new KioskAgent();
    try {
      a.boot(options);
    } catch (Exception e) {
      a.close();
      throw e;
    }
    return a;
  }

  private void boot(KioskOptions o) throws Exception {
    if (loopback(o.gateway().verifyUrl())) {
      // the receipt's QR code is for the resident's phone: an address of this machine's is one no phone can open
      LOG.warn("receipts' verification QR codes point at {}, which no phone can open: set gateway.verifyUrl to the"
          + " gateway's public address", o.gateway().verifyUrl());
    }
    Clock clock = Clock.systemUTC();
    vertx = Vertx.vertx();
    identity = KioskIdentity.loadOrCreate(o.kioskId(), o.keyDir());
    journalFile = Journal.open(o.journal());
    OrderJournal journal = new OrderJournal(journalFile, clock);
    try {
      int dropped = journal.compact(OrderJournal.KEPT);
      if (dropped > 0) {
        LOG.info("journal: {} records of settled orders dropped, {} kept", dropped, journalFile.size());
      }
    } catch (IOException e) {
      // a full disk: the journal stays as it was, whole, and its open orders are settled as ever
      LOG.warn("journal not cut to its open orders this time: {}", e.toString());
    }
    GatewayClient gateway = new GatewayClient(vertx, o.gateway().url(), new RequestSigner(identity, clock),
        o.gateway().timeoutMillis(), o.gateway().orderTimeoutMillis());

    ReceiptPrinter printer = new EscPosReceiptPrinter(printerLine(o.devices().printer()));
    ReceiptService receipts = new ReceiptService(vertx, gateway, printer, journal, o.gateway().verifyUrl(), o.kioskId());
    // screens time out by a clock that only goes forward: an NTP step mid-session moves no screen's time
    flow = new KioskFlow(vertx, gateway, journal, receipts, clock, Ticker.SYSTEM, Duration.ofMillis(o.payPollMillis()));
    Recovery recovery = new Recovery(vertx, gateway, journal, receipts, o.payPollMillis(), clock, Ticker.SYSTEM);
    flow.recovery(recovery);
    recovery.resumeAll().onComplete(ar -> LOG.info("journal settled: {}", ar.succeeded() ? "all orders" : ar.cause().toString()));

    KioskFlow f = flow;
    IdCardPoller poller = idCardPoller(o.devices().idCard(), card -> f.idCardRead(card.idNumber(), card.name()));
    if (poller != null) {
      closeables.add(poller);
      poller.start();
    }
    // the optional readers are opened by their own threads, and again until they answer: one missing or unplugged (pcscd
    // not running) is a fault the heartbeat reports, as the ID-card reader's, never a kiosk that cannot start
    SocialSecurityCardWatcher ss = o.devices().socialSecurityCard().type() == SocialSecurityCardDevice.Type.PCSC
        ? SocialSecurityCardWatcher.pcsc(o.devices().socialSecurityCard().terminal(), f::socialSecurityCardRead) : null;
    if (ss != null) {
      closeables.add(ss);
      ss.start();
    }
    LineScanner scanner = scanner(o.devices().scanner(), f::scanned);
    if (scanner != null) {
      closeables.add(scanner);
      scanner.start();
    }
    BooleanSupplier idReader = poller == null ? () -> true : poller::healthy;
    readersHealthy = () -> idReader.getAsBoolean() && (ss == null || ss.healthy()) && (scanner == null || scanner.healthy());
    vertx.setPeriodic(250, t -> flow.tick());
    // what the first screen says of the devices, and whether the pay buttons may be pressed
    // the first screen's 读卡器故障 is the ID-card reader's, for which typing the number stands in
    flow.readerHealth(idReader);
    flow.printerWatched(o.deviceCheckSeconds() > 0);
    if (o.deviceCheckSeconds() > 0) {
      vertx.setPeriodic(0, o.deviceCheckSeconds() * 1000L, t -> flow.checkPrinter());
    }

    Simulators sim = samSimulator == null && printerSimulator == null ? null
        : new Simulators(samSimulator, printerSimulator, DEMO_CARD);
    UiServer ui = new UiServer(vertx, flow, sim);
    uiPort = ui.listen(o.ui().host(), o.ui().port()).await();

    // the heartbeat's one reader state says a fault of any reader the configuration names (its log says which)
    Heartbeat hb = new Heartbeat(vertx, gateway, o.kioskId(), readersHealthy, printer,
        journal::lastActivity, recovery::receiptsLeftUnprinted, clock);
    hb.start(o.heartbeatSeconds() * 1000L);
  }

  private PrinterLine.Opener printerLine(PrinterDevice p) throws IOException {
    int timeout = 3000;
    return switch (p.type()) {
      case TCP -> TcpPrinterLine.opener(p.host(), p.port(), timeout);
      case SERIAL -> SerialPrinterLine.opener(p.serialPort(), p.baud(), timeout);
      case SIMULATED -> {
        printerSimulator = new PrinterSimulator(0);
        closeables.add(printerSimulator);
        yield TcpPrinterLine.opener("127.0.0.1", printerSimulator.port(), timeout);
      }
    };
  }

  private IdCardPoller idCardPoller(IdCardDevice d, Consumer<IdCard> onCard) throws IOException {
    IdCardReader reader = switch (d.type()) {
      case NONE -> null;
      // opened by the first poll and again after a fault: a reader missing at start or unplugged later is a
      // fault the heartbeat reports, never a kiosk that cannot start
      case SAM_SERIAL -> new SamIdCardReader(() -> SerialLine.open(d.serialPort(), d.baud(), 3000));
      case SAM_TCP -> new SamIdCardReader(() -> tcp(d.host(), d.port()));
      case SIMULATED -> {
        samSimulator = new SamSimulator(0);
        closeables.add(samSimulator);
        int port = samSimulator.port();
        yield new SamIdCardReader(() -> tcp(InetAddress.getLoopbackAddress().getHostAddress(), port));
      }
    };
    return reader == null ? null : new IdCardPoller(reader, Duration.ofMillis(d.pollMillis()), onCard);
  }

  private static LineScanner scanner(ScannerDevice d, Consumer<String> onCode) {
    return switch (d.type()) {
      case SERIAL -> new LineScanner(() -> {
        StreamChannel ch = SerialLine.open(d.serialPort(), d.baud(), 0);
        // closed with its port, so that a line opened again is a new one
        return new java.io.FilterInputStream(ch.inputStream()) {
          @Override
          public void close() throws IOException {
            ch.close();
          }
        };
      }, LineScanner.RETRY, onCode);
      case STDIN -> new LineScanner(System.in, onCode);
      case NONE -> null;
    };
  }

  private static ByteChannel tcp(String host, int port) throws IOException {
    return StreamChannel.tcp(host, port, 2000);
  }

  public int uiPort() {
    return uiPort;
  }

  public KioskIdentity identity() {
    return identity;
  }

  public KioskFlow flow() {
    return flow;
  }

  /** Whether every reader the configuration names (ID card, social-security card, code scanner) answers. */
  boolean readersHealthy() {
    return readersHealthy.getAsBoolean();
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.debug("close: {}", e.toString());
      }
    }
    if (vertx != null) {
      vertx.close().await();
    }
    if (journalFile != null) {
      journalFile.close();
    }
  }
}
