package cn.liangxian.kiosk;

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
import cn.liangxian.kiosk.device.serial.SerialLine;
import cn.liangxian.kiosk.device.serial.StreamChannel;
import cn.liangxian.kiosk.device.sscard.SocialSecurityCardWatcher;
import cn.liangxian.kiosk.flow.KioskFlow;
import cn.liangxian.kiosk.flow.Recovery;
import cn.liangxian.kiosk.flow.ReceiptService;
import cn.liangxian.kiosk.gateway.GatewayClient;
import cn.liangxian.kiosk.gateway.KioskIdentity;
import cn.liangxian.kiosk.gateway.RequestSigner;
import cn.liangxian.kiosk.health.Heartbeat;
import cn.liangxian.kiosk.journal.Journal;
import cn.liangxian.kiosk.journal.OrderJournal;
import cn.liangxian.kiosk.ui.UiServer;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.ByteChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the devices named in the configuration, the journal, the gateway client, the flow and the UI. */
public final class KioskAgent implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KioskAgent.class);

  /** A made-up resident (the gateway's demo roster), the card the simulated reader holds. */
  static final IdCard DEMO_CARD = new IdCard("潘梅", "女", "01", "19620510", "山东省临沂市河东区九曲街道", "371312196205108490",
      "临沂市公安局河东分局", "20150101", "长期");

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private Vertx vertx;
  private Journal journalFile;
  private KioskFlow flow;
  private KioskIdentity identity;
  private int uiPort;
  private SamSimulator samSimulator;
  private PrinterSimulator printerSimulator;

  public static KioskAgent start(KioskConfig c) throws Exception {
    KioskAgent a = new KioskAgent();
    try {
      a.boot(c);
    } catch (Exception e) {
      a.close();
      throw e;
    }
    return a;
  }

  private void boot(KioskConfig c) throws Exception {
    Clock clock = Clock.systemUTC();
    vertx = Vertx.vertx();
    String kioskId = c.string("kioskId", "K-UNSET");
    identity = KioskIdentity.loadOrCreate(kioskId, Path.of(c.string("keyDir", "./data/kiosk/keys")));
    journalFile = Journal.open(Path.of(c.string("journal", "./data/kiosk/journal.log")));
    OrderJournal journal = new OrderJournal(journalFile, clock);
    GatewayClient gateway = new GatewayClient(vertx, c.string("gateway.url", "http://127.0.0.1:8080"),
        new RequestSigner(identity, clock), c.integer("gateway.timeoutMillis", 5000));

    ReceiptPrinter printer = new EscPosReceiptPrinter(printerLine(c));
    ReceiptService receipts = new ReceiptService(vertx, gateway, printer, journal,
        c.string("gateway.verifyUrl", c.string("gateway.url", "") + "/r"));
    int payPoll = c.integer("payPollMillis", 2000);
    flow = new KioskFlow(gateway, journal, receipts, clock, Duration.ofMillis(payPoll));
    Recovery recovery = new Recovery(vertx, gateway, journal, receipts, payPoll);
    flow.recovery(recovery);
    recovery.resumeAll().onComplete(ar -> LOG.info("journal settled: {}", ar.succeeded() ? "all orders" : ar.cause().toString()));

    KioskFlow f = flow;
    IdCardPoller poller = idCardPoller(c, card -> f.idCardRead(card.idNumber(), card.name()));
    if (poller != null) {
      closeables.add(poller);
      poller.start();
    }
    SocialSecurityCardWatcher ss = SocialSecurityCardWatcher.fromConfig(c, (ssn, name) -> f.idCardRead(ssn, name));
    if (ss != null) {
      closeables.add(ss);
      ss.start();
    }
    vertx.setPeriodic(250, t -> flow.tick());

    Consumer<String> simCard = samSimulator == null ? null : what -> {
      if ("remove".equals(what)) {
        samSimulator.remove();
      } else {
        samSimulator.place(DEMO_CARD);
      }
    };
    UiServer ui = new UiServer(vertx, flow, simCard);
    uiPort = ui.listen(c.string("ui.host", "127.0.0.1"), c.integer("ui.port", 8700)).await();

    Heartbeat hb = new Heartbeat(vertx, gateway, kioskId, poller == null ? () -> true : poller::healthy, printer,
        journal::lastActivity, clock);
    hb.start(c.integer("heartbeatSeconds", 30) * 1000L);
  }

  private PrinterLine.Opener printerLine(KioskConfig c) throws IOException {
    int timeout = 3000;
    return switch (c.string("devices.printer.type", "simulated")) {
      case "tcp" -> TcpPrinterLine.opener(c.string("devices.printer.host", "127.0.0.1"), c.integer("devices.printer.port", 9100), timeout);
      case "serial" -> SerialPrinterLine.opener(c.string("devices.printer.serialPort", "/dev/ttyS1"),
          c.integer("devices.printer.baud", 115200), timeout);
      case "simulated" -> {
        printerSimulator = new PrinterSimulator(0);
        closeables.add(printerSimulator);
        yield TcpPrinterLine.opener("127.0.0.1", printerSimulator.port(), timeout);
      }
      default -> throw new IllegalArgumentException("kiosk.yaml: devices.printer.type: tcp, serial or simulated");
    };
  }

  private IdCardPoller idCardPoller(KioskConfig c, Consumer<IdCard> onCard) throws IOException {
    Duration every = Duration.ofMillis(c.integer("devices.idcard.pollMillis", 300));
    IdCardReader reader;
    switch (c.string("devices.idcard.type", "simulated")) {
      case "none" -> {
        return null;
      }
      case "sam-serial" -> reader = new SamIdCardReader(SerialLine.open(c.string("devices.idcard.serialPort", "/dev/ttyUSB0"),
          c.integer("devices.idcard.baud", 115200), 1000));
      case "sam-tcp" -> reader = new SamIdCardReader(tcp(c.string("devices.idcard.host", "127.0.0.1"), c.integer("devices.idcard.port", 7001)));
      case "simulated" -> {
        samSimulator = new SamSimulator(0);
        closeables.add(samSimulator);
        reader = new SamIdCardReader(tcp(InetAddress.getLoopbackAddress().getHostAddress(), samSimulator.port()));
      }
      default -> throw new IllegalArgumentException("kiosk.yaml: devices.idcard.type: sam-serial, sam-tcp, simulated or none");
    }
    return new IdCardPoller(reader, every, onCard);
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
