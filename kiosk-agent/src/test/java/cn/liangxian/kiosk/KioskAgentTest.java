package cn.liangxian.kiosk;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.kiosk.flow.Screen;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optional devices (a social-security card reader, a serial code scanner) missing at start: the kiosk starts and
 * serves residents all the same, and its heartbeat reports the reader fault.
 */
class KioskAgentTest {
  @TempDir
  Path dir;
  KioskAgent agent;

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      agent.close();
    }
  }

  @Test
  void aMissingSocialSecurityCardReaderOrScannerIsAFaultNotAKioskThatCannotStart() throws Exception {
    try (RefusedPort gateway = new RefusedPort()) {
      Path config = dir.resolve("kiosk.yaml");
      Files.writeString(config, String.join("\n", "kioskId: K-DEV-1",
          "gateway: {url: 'http://127.0.0.1:" + gateway.port() + "', timeoutMillis: " + Await.ANSWER_TIMEOUT_MILLIS + "}",
          "keyDir: '" + dir.resolve("keys") + "'", "journal: '" + dir.resolve("journal.log") + "'",
          "ui: {host: 127.0.0.1, port: 0}",
          "devices:",
          "  idcard: {type: simulated}",
          "  printer: {type: simulated}",
          // no PC/SC reader of that name (nor, on a machine without pcscd, any PC/SC at all)
          "  sscard: {type: pcsc, terminal: 'no reader of this name'}",
          "  scanner: {type: serial, serialPort: '" + dir.resolve("no-scanner") + "'}",
          ""));
      agent = KioskAgent.start(KioskOptions.load(config, Map.of()));
      assertThat(agent.uiPort()).isPositive();
      assertThat(agent.flow().screen()).isEqualTo(Screen.IDLE);
      Await.until(() -> !agent.readersHealthy());
      // the ID-card reader reads: the first screen does not send residents to the keypad
      assertThat(agent.flow().view().containsKey("readerFault")).isFalse();
      agent.flow().startKeypad();
      assertThat(agent.flow().screen()).isEqualTo(Screen.KEYPAD);
    }
  }
}
