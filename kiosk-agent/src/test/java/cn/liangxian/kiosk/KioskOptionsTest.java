package cn.liangxian.kiosk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.liangxian.kiosk.DeviceOptions.IdCardDevice;
import cn.liangxian.kiosk.DeviceOptions.PrinterDevice;
import cn.liangxian.kiosk.DeviceOptions.ScannerDevice;
import cn.liangxian.kiosk.DeviceOptions.SocialSecurityCardDevice;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration is read once and checked at start-up: anything wrong is one line naming file, key and what is accepted. */
class KioskOptionsTest {

  static final String VALID = String.join("\n",
      "kioskId: K-371312-0009",
      "gateway:",
      "  url: http://gw.example:8080",
      "keyDir: ./keys",
      "journal: ./journal.log",
      "devices:",
      "  idcard:",
      "    type: sam-tcp",
      "    host: 127.0.0.1",
      "    port: 7001",
      "  printer:",
      "    type: tcp",
      "    host: 192.168.1.50",
      "");

  @TempDir
  Path dir;

  @Test
  void theShippedConfigurationLoads() {
    KioskOptions o = KioskOptions.load(Path.of("..", "config", "kiosk.yaml"), Map.of());
    assertThat(o.kioskId()).isEqualTo("K-371312-0001");
    assertThat(o.gateway()).isEqualTo(new KioskOptions.Gateway("http://127.0.0.1:8080", 5000, 20000, "http://127.0.0.1:8080/r"));
    assertThat(o.keyDir()).isEqualTo(Path.of("./data/kiosk/keys"));
    assertThat(o.journal()).isEqualTo(Path.of("./data/kiosk/journal.log"));
    assertThat(o.ui()).isEqualTo(new KioskOptions.Ui("127.0.0.1", 8700));
    assertThat(o.heartbeatSeconds()).isEqualTo(30);
    assertThat(o.payPollMillis()).isEqualTo(2000);
    assertThat(o.deviceCheckSeconds()).isEqualTo(5);
    assertThat(o.devices().idCard().type()).isEqualTo(IdCardDevice.Type.SIMULATED);
    assertThat(o.devices().idCard().pollMillis()).isEqualTo(300);
    assertThat(o.devices().socialSecurityCard()).isEqualTo(new SocialSecurityCardDevice(SocialSecurityCardDevice.Type.NONE, ""));
    assertThat(o.devices().scanner().type()).isEqualTo(ScannerDevice.Type.NONE);
    assertThat(o.devices().printer()).isEqualTo(new PrinterDevice(PrinterDevice.Type.SIMULATED, "192.168.1.50", 9100, "/dev/ttyS1", 115200));
  }

  /**
   * A misspelt variable stops the agent naming it: KIOSK_GATEWAY_ULR would otherwise leave the kiosk on the file's
   * gateway, and KIOSK_CONIFG read config/kiosk.yaml in place of the file meant.
   */
  @Test
  void aMisspeltVariableIsRefusedByName() throws Exception {
    assertThatThrownBy(() -> KioskOptions.fromYaml("kiosk.yaml", VALID, Map.of("KIOSK_GATEWAY_ULR", "https://gw.example")))
        .isInstanceOf(InvalidOptionsException.class)
        .hasMessage("environment: KIOSK_GATEWAY_ULR is not a setting; accepted: KIOSK_BROWSER_PROFILE, KIOSK_CONFIG,"
            + " KIOSK_GATEWAY_URL, KIOSK_ID, KIOSK_UI_PORT");
    Path file = Files.writeString(dir.resolve("kiosk.yaml"), VALID);
    assertThatThrownBy(() -> KioskOptions.load(file, Map.of("KIOSK_CONIFG", "/etc/liangxian/kiosk.yaml")))
        .isInstanceOf(InvalidOptionsException.class).hasMessageStartingWith("environment: KIOSK_CONIFG is not a setting");
    // the browser script's own variable, and others' names, are not the agent's to refuse
    assertThat(KioskOptions.load(file, Map.of("KIOSK_BROWSER_PROFILE", "/tmp/p", "GATEWAY_PORT", "1", "PATH", "/bin")).kioskId())
        .isEqualTo("K-371312-0009");
  }

  @Test
  void defaultsAndTheEnvironmentsOverrides() {
    KioskOptions o = read(VALID);
    assertThat(o.gateway()).isEqualTo(new KioskOptions.Gateway("http://gw.example:8080", 5000, 20000, "http://gw.example:8080/r"));
    assertThat(o.ui()).isEqualTo(new KioskOptions.Ui("127.0.0.1", 8700));
    assertThat(o.devices().socialSecurityCard().type()).isEqualTo(SocialSecurityCardDevice.Type.NONE);
    assertThat(o.devices().scanner().type()).isEqualTo(ScannerDevice.Type.NONE);
    assertThat(o.devices().printer().port()).isEqualTo(9100);

    KioskOptions e = KioskOptions.fromYaml("kiosk.yaml", VALID,
        Map.of("KIOSK_ID", "K-FROM-ENV", "KIOSK_GATEWAY_URL", "https://gw.example"));
    assertThat(e.kioskId()).isEqualTo("K-FROM-ENV");
    assertThat(e.gateway().url()).isEqualTo("https://gw.example");
    assertThat(e.gateway().verifyUrl()).isEqualTo("https://gw.example/r");
    assertThat(KioskOptions.fromYaml("kiosk.yaml", VALID, Map.of("KIOSK_UI_PORT", "18700")).ui())
        .isEqualTo(new KioskOptions.Ui("127.0.0.1", 18700));
    // a variable set to nothing does not blank the key out
    assertThat(KioskOptions.fromYaml("kiosk.yaml", VALID, Map.of("KIOSK_ID", "")).kioskId()).isEqualTo("K-371312-0009");
    // the environment supplies what the file leaves out
    assertThat(KioskOptions.fromYaml("kiosk.yaml", VALID.replace("kioskId: K-371312-0009\n", ""), Map.of("KIOSK_ID", "K-E"))
        .kioskId()).isEqualTo("K-E");
  }

  @Test
  void anUnknownKeyIsRefused() {
    refused(VALID + "    colour: red\n",
        "kiosk.yaml: devices.printer.colour: unknown key; devices.printer takes type, host, port, serialPort, baud");
    refused(VALID.replace("keyDir:", "keyDirectory:"),
        "kiosk.yaml: keyDirectory: unknown key; the file takes kioskId, gateway, keyDir, journal, ui, heartbeatSeconds,"
            + " payPollMillis, deviceCheckSeconds, devices");
    refused(VALID + "  camera: {type: usb}\n",
        "kiosk.yaml: devices.camera: unknown key; devices takes idcard, sscard, scanner, printer");
  }

  @Test
  void aValueOfTheWrongTypeIsRefused() {
    refused(VALID + "ui: {port: eighty}\n", "kiosk.yaml: ui.port: 'eighty' is not a whole number between 0 and 65535");
    refused(VALID + "ui: {port: 87000}\n", "kiosk.yaml: ui.port: 87000 is not between 0 and 65535");
    refused(VALID + "heartbeatSeconds: 0.5\n", "kiosk.yaml: heartbeatSeconds: 0.5 is not a whole number between 1 and 86400");
    refused(VALID.replace("gateway:\n  url: http://gw.example:8080", "gateway: http://gw.example:8080"),
        "kiosk.yaml: gateway: expected a section of key: value lines, got 'http://gw.example:8080'");
    refused(VALID.replace("host: 192.168.1.50", "host: 9100"),
        "kiosk.yaml: devices.printer.host: expected text, got 9100 (put it in quotes)");
    refused(VALID.replace("http://gw.example:8080", "gw.example:8080"),
        "kiosk.yaml: gateway.url: 'gw.example:8080' is not an http:// or https:// address");
  }

  @Test
  void aPollOrTimeoutTooShortToWorkIsRefused() {
    refused(VALID + "payPollMillis: 1\n", "kiosk.yaml: payPollMillis: 1 is not between 500 and 600000");
    // the SAM needs its pause between two reads: a faster poll is refused, not quietly slowed
    refused(VALID.replace("    port: 7001\n", "    port: 7001\n    pollMillis: 100\n"),
        "kiosk.yaml: devices.idcard.pollMillis: 100 is not between 300 and 60000");
    refused(VALID.replace("    port: 7001\n", "    port: 7001\n    pollMillis: 100\n").replace("type: sam-tcp", "type: simulated"),
        "kiosk.yaml: devices.idcard.pollMillis: 100 is not between 300 and 60000");
    // a kiosk without a reader polls nothing: a value left from another reader does not stop it
    assertThat(read(VALID.replace("    port: 7001\n", "    port: 7001\n    pollMillis: 100\n").replace("type: sam-tcp", "type: none"))
        .devices().idCard().pollMillis()).isEqualTo(100);
    refused(VALID.replace("    port: 7001\n", "    port: 7001\n    pollMillis: fast\n").replace("type: sam-tcp", "type: none"),
        "kiosk.yaml: devices.idcard.pollMillis: 'fast' is not a whole number between 1 and 60000");
    refused(VALID.replace("  url: http://gw.example:8080", "  url: http://gw.example:8080\n  timeoutMillis: 1"),
        "kiosk.yaml: gateway.timeoutMillis: 1 is not between 1000 and 600000");
    assertThat(read(VALID + "payPollMillis: 500\n").payPollMillis()).isEqualTo(500);
    assertThat(read(VALID).deviceCheckSeconds()).isEqualTo(5);
    assertThat(read(VALID + "deviceCheckSeconds: 0\n").deviceCheckSeconds()).as("only before a payment").isZero();
    refused(VALID + "deviceCheckSeconds: -1\n", "kiosk.yaml: deviceCheckSeconds: -1 is not between 0 and 3600");
    // an order's creation waits on the payment channel: its own time, within the 30 s of the screen that shows it
    refused(VALID.replace("  url: http://gw.example:8080", "  url: http://gw.example:8080\n  orderTimeoutMillis: 30000"),
        "kiosk.yaml: gateway.orderTimeoutMillis: 30000 is not between 1000 and 25000");
    assertThat(read(VALID.replace("  url: http://gw.example:8080", "  url: http://gw.example:8080\n  orderTimeoutMillis: 18000"))
        .gateway().orderTimeoutMillis()).isEqualTo(18000);
    assertThat(read(VALID.replace("  url: http://gw.example:8080", "  url: http://gw.example:8080\n  timeoutMillis: 1000"))
        .gateway().timeoutMillis()).isEqualTo(1000);
  }

  @Test
  void aMisspelledDeviceTypeIsRefusedNotSimulated() {
    refused(VALID.replace("type: tcp", "type: simulatd"),
        "kiosk.yaml: devices.printer.type: 'simulatd' is not one of tcp, serial, simulated");
    refused(VALID.replace("type: sam-tcp", "type: SAM-TCP"),
        "kiosk.yaml: devices.idcard.type: 'SAM-TCP' is not one of sam-serial, sam-tcp, simulated, none");
    // YAML 1.1 would read this as false; here it stays the word that was written
    refused(VALID + "  sscard: {type: no}\n", "kiosk.yaml: devices.sscard.type: 'no' is not one of pcsc, none");
    refused(VALID + "  scanner: {type: keyboard}\n", "kiosk.yaml: devices.scanner.type: 'keyboard' is not one of serial, stdin, none");
  }

  @Test
  void aMisspelledBooleanIsRefused() {
    // no kiosk key is a boolean yet; the reader every key goes through takes true and false only
    OptionsSection ui = OptionsSection.parse("kiosk.yaml", "ui: {elder: ture, big: yes, dark: true, plain: False}\n")
        .takes("ui").section("ui").takes("elder", "big", "dark", "plain", "absent");
    assertThatThrownBy(() -> ui.bool("elder", false)).isInstanceOf(InvalidOptionsException.class)
        .hasMessage("kiosk.yaml: ui.elder: 'ture' is not one of true, false");
    assertThatThrownBy(() -> ui.bool("big", false)).isInstanceOf(InvalidOptionsException.class)
        .hasMessage("kiosk.yaml: ui.big: 'yes' is not one of true, false");
    assertThat(ui.bool("dark", false)).isTrue();
    assertThat(ui.bool("plain", true)).isFalse();
    assertThat(ui.bool("absent", true)).isTrue();
  }

  @Test
  void aMissingRequiredValueIsRefused() {
    refused(VALID.replace("    type: tcp\n", ""), "kiosk.yaml: devices.printer.type: missing; one of tcp, serial, simulated");
    refused(VALID.replace("  idcard:\n    type: sam-tcp\n    host: 127.0.0.1\n    port: 7001\n", ""),
        "kiosk.yaml: devices.idcard.type: missing; one of sam-serial, sam-tcp, simulated, none");
    refused(VALID.replace("    host: 192.168.1.50\n", ""), "kiosk.yaml: devices.printer.host: missing; type tcp needs it");
    refused(VALID.replace("kioskId: K-371312-0009\n", ""),
        "kiosk.yaml: kioskId: missing; this kiosk's id at the gateway (or set KIOSK_ID)");
    refused(VALID.replace("gateway:\n  url: http://gw.example:8080\n", ""),
        "kiosk.yaml: gateway.url: missing; the gateway's http:// or https:// address (or set KIOSK_GATEWAY_URL)");
    refused(VALID.replace("journal: ./journal.log\n", ""), "kiosk.yaml: journal: missing; it has no default");
    refused(VALID + "  scanner: {type: serial}\n", "kiosk.yaml: devices.scanner.serialPort: missing; type serial needs it");
  }

  @Test
  void brokenYamlAMissingFileAndABadVariableAreOneLineToo() throws Exception {
    refused(VALID + "kioskId: K-2\n", "kiosk.yaml: not valid YAML at line 14: found duplicate key kioskId");
    assertThatThrownBy(() -> KioskOptions.load(dir.resolve("nope.yaml"), Map.of())).isInstanceOf(InvalidOptionsException.class)
        .hasMessage(dir.resolve("nope.yaml") + ": no such file (KIOSK_CONFIG or the first argument names another)");
    assertThatThrownBy(() -> KioskOptions.fromYaml("kiosk.yaml", VALID, Map.of("KIOSK_GATEWAY_URL", "gw:8080")))
        .isInstanceOf(InvalidOptionsException.class)
        .hasMessage("KIOSK_GATEWAY_URL: 'gw:8080' is not an http:// or https:// address");
    assertThatThrownBy(() -> KioskOptions.fromYaml("kiosk.yaml", VALID, Map.of("KIOSK_UI_PORT", "87OO")))
        .isInstanceOf(InvalidOptionsException.class).hasMessage("KIOSK_UI_PORT: '87OO' is not a port (0 to 65535)");
    assertThatThrownBy(() -> KioskOptions.fromYaml("kiosk.yaml", VALID, Map.of("KIOSK_UI_PORT", "70000")))
        .isInstanceOf(InvalidOptionsException.class).hasMessage("KIOSK_UI_PORT: '70000' is not a port (0 to 65535)");
  }

  @Test
  void mainPrintsTheLineAndStartsNothing() throws Exception {
    Path file = dir.resolve("kiosk.yaml");
    Files.writeString(file, VALID.replace("type: tcp", "type: simulatd"));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertThat(Main.options(new String[0], Map.of("KIOSK_CONFIG", file.toString()),
        new PrintStream(err, true, StandardCharsets.UTF_8))).isNull();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(file + ": devices.printer.type: 'simulatd' is not one of tcp, serial, simulated" + System.lineSeparator());
  }

  @Test
  void theTouchUiListensOnLoopbackOnly() throws Exception {
    assertThatThrownBy(() -> KioskOptions.fromYaml("kiosk.yaml", VALID + "ui:\n  host: 0.0.0.0\n", Map.of()))
        .hasMessage("kiosk.yaml: ui.host: '0.0.0.0' is not a loopback address; the touch UI listens on 127.0.0.1, localhost or ::1 only");
    assertThat(KioskOptions.fromYaml("kiosk.yaml", VALID + "ui:\n  host: localhost\n", Map.of()).ui().host()).isEqualTo("localhost");
  }

  @Test
  void anAgentThatCannotStartWhereItIsSaysWhyInOneLine() throws Exception {
    String shipped = Files.readString(repo().resolve("config/kiosk.yaml"));
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      KioskOptions o = KioskOptions.fromYaml("kiosk.yaml", shipped.replace("port: 8700", "port: " + taken.getLocalPort())
          .replace("./data/kiosk/keys", dir.resolve("keys").toString()).replace("./data/kiosk/journal.log", dir.resolve("j.log").toString()),
          Map.of());
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      assertThat(Main.start(o, new PrintStream(err, true, StandardCharsets.UTF_8))).isNull();
      assertThat(err.toString(StandardCharsets.UTF_8).lines()).singleElement().asString()
          .startsWith("kiosk-agent: cannot start: the touch UI cannot listen on 127.0.0.1:" + taken.getLocalPort() + " (ui.host, ui.port): ")
          .containsIgnoringCase("in use");
    }
    Files.createDirectories(dir.resolve("journal-dir"));
    KioskOptions o = KioskOptions.fromYaml("kiosk.yaml", shipped.replace("port: 8700", "port: 0")
        .replace("./data/kiosk/keys", dir.resolve("keys").toString()).replace("./data/kiosk/journal.log", dir.resolve("journal-dir").toString()),
        Map.of());
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertThat(Main.start(o, new PrintStream(err, true, StandardCharsets.UTF_8))).isNull();
    assertThat(err.toString(StandardCharsets.UTF_8).lines()).singleElement().asString()
        .startsWith("kiosk-agent: cannot start: ").contains("journal-dir").doesNotContain("Exception", "\tat ");
  }

  private static Path repo() {
    return Files.exists(Path.of("config", "kiosk.yaml")) ? Path.of(".") : Path.of("..");
  }

  @Test
  void theAgentProcessExitsWithTheLineOnStderrAndNoStackTrace() throws Exception {
    Path file = dir.resolve("kiosk.yaml");
    Files.writeString(file, VALID.replace("type: tcp", "type: simulatd"));
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), file.toString())
        .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(Main.BAD_OPTIONS);
    assertThat(Files.readAllLines(dir.resolve("err.txt")))
        .containsExactly(file + ": devices.printer.type: 'simulatd' is not one of tcp, serial, simulated");
    assertThat(Files.readString(dir.resolve("out.txt"))).isEmpty();
  }

  private static KioskOptions read(String yaml) {
    return KioskOptions.fromYaml("kiosk.yaml", yaml, Map.of());
  }

  private static void refused(String yaml, String line) {
    assertThatThrownBy(() -> read(yaml)).isInstanceOf(InvalidOptionsException.class).hasMessage(line);
  }
}
