package cn.liangxian.gateway.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.liangxian.gateway.support.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A key that is not Base64, or not the right size, stops the start naming where it came from, never the key. */
class KeyInputTest {
  @TempDir
  Path keys;

  @Test
  void aKeyThatIsNotBase64OrNotItsSizeIsRefusedNamingItsVariableOrFile() throws Exception {
    assertThatThrownBy(() -> PersonalDataCipher.load(keys, Map.of("GATEWAY_ID_SM4_KEY", "notbase64!!")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("GATEWAY_ID_SM4_KEY is not Base64")
        .hasMessageNotContaining("notbase64");
    String short8 = Base64.getEncoder().encodeToString(new byte[8]);
    assertThatThrownBy(() -> PersonalDataCipher.load(keys, Map.of("GATEWAY_ID_SM4_KEY", short8)))
        .hasMessageStartingWith("GATEWAY_ID_SM4_KEY holds 8 bytes; the key is 16 random bytes in Base64");
    Files.writeString(keys.resolve("id-index.key"), Base64.getEncoder().encodeToString(new byte[16]) + "\n");
    assertThatThrownBy(() -> PersonalDataCipher.load(keys, Map.of()))
        .hasMessageStartingWith(keys.resolve("id-index.key") + " holds 16 bytes; the key is at least 32 random bytes");
    // the right sizes, a longer index key among them, are taken
    Files.writeString(keys.resolve("id-index.key"), Base64.getEncoder().encodeToString(new byte[48]) + "\n");
    PersonalDataCipher cipher = PersonalDataCipher.load(keys, Map.of("GATEWAY_ID_SM4_KEY", Base64.getEncoder().encodeToString(new byte[16])));
    assertThat(cipher.decrypt(cipher.encrypt("371312196205108490"))).isEqualTo("371312196205108490");
  }

  /** Keys the gateway generated are demo keys, and every start that reads them says so, not only the first. */
  @Test
  void generatedKeysAreCalledDemoKeysAtEveryStart() throws Exception {
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs = LogCapture.appender();
    ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(PersonalDataCipher.class);
    log.addAppender(logs);
    try {
      PersonalDataCipher first = PersonalDataCipher.load(keys, Map.of());
      assertThat(logs.list).extracting(e -> e.getFormattedMessage()).anyMatch(m -> m.startsWith("generated a DEMO key"));
      logs.list.clear();
      PersonalDataCipher again = PersonalDataCipher.load(keys, Map.of());
      assertThat(again.decrypt(first.encrypt("371312196205108490"))).isEqualTo("371312196205108490");
      assertThat(logs.list).extracting(e -> e.getFormattedMessage()).filteredOn(m -> m.contains("is a DEMO key")).hasSize(2);

      // a key of the operator's own put in the demo key's place: no longer called a demo key, whatever is left beside it
      Files.writeString(keys.resolve("id-sm4.key"), Base64.getEncoder().encodeToString(new byte[16]) + "\n");
      logs.list.clear();
      PersonalDataCipher.load(keys, Map.of());
      assertThat(logs.list).extracting(e -> e.getFormattedMessage()).filteredOn(m -> m.contains("is a DEMO key")).singleElement()
          .asString().contains("id-index.key");

      // keys of the operator's own, in the same folder: nothing said
      Path own = keys.resolve("own");
      Files.createDirectories(own);
      Files.writeString(own.resolve("id-sm4.key"), Base64.getEncoder().encodeToString(new byte[16]) + "\n");
      Files.writeString(own.resolve("id-index.key"), Base64.getEncoder().encodeToString(new byte[32]) + "\n");
      logs.list.clear();
      PersonalDataCipher.load(own, Map.of());
      assertThat(logs.list).isEmpty();
    } finally {
      log.detachAppender(logs);
    }
  }
}
