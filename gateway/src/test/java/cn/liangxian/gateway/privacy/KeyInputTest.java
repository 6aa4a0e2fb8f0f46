package cn.liangxian.gateway.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
