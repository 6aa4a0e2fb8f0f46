package cn.liangxian.kiosk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's command line answers a mistake with one line and a non-zero exit, never a stack trace. */
class MainTest {
  @TempDir
  Path dir;

  /** A receipt's verification address on this machine is one no phone can open: the start says so. */
  @Test
  void aVerificationAddressOnThisMachineIsToldApart() {
    assertThat(KioskAgent.loopback("http://127.0.0.1:8080/r")).isTrue();
    assertThat(KioskAgent.loopback("http://localhost/r")).isTrue();
    assertThat(KioskAgent.loopback("http://[::1]:8080/r")).isTrue();
    assertThat(KioskAgent.loopback("https://jiaofei.example.gov.cn/r")).isFalse();
    assertThat(KioskAgent.loopback("http://10.1.2.3:8080/r")).isFalse();
  }

  /** {@code register} with a key folder that cannot be made (a file is in its place) says so and stops. */
  @Test
  void registerWithAKeyFolderThatCannotBeMadeSaysSoInOneLine() throws Exception {
    Path notAFolder = Files.writeString(dir.resolve("keys"), "a file where the key folder should be");
    Path config = Files.writeString(dir.resolve("kiosk.yaml"), KioskOptionsTest.VALID.replace("keyDir: ./keys",
        "keyDir: " + notAFolder.resolve("inner")));
    PrintStream err = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
    int status;
    try {
      status = Main.register(new String[] {config.toString()}, Map.of("GATEWAY_OPERATOR_PASSWORD", "pw-0123456789"));
    } finally {
      System.setErr(err);
    }
    String said = out.toString(StandardCharsets.UTF_8);
    assertThat(status).as(said).isNotZero();
    assertThat(said.lines()).singleElement().asString().startsWith("kiosk-agent: cannot register: ");
    assertThat(said).doesNotContain("\tat ", "Exception");
  }
}
