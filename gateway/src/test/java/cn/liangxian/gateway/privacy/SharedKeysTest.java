package cn.liangxian.gateway.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Instances of one deployment must share their ID-number keys; one with keys of its own refuses to start. */
class SharedKeysTest {
  @TempDir
  Path scratch;


  @Test
  void aSecondInstanceWithItsOwnGeneratedKeysRefusesToStart() throws Exception {
    try (TestGateway first = new TestGateway()) {
      first.importCsv("roster.csv", Fixture.ROSTER);
      Path own = Files.createDirectory(scratch.resolve("other-keys"));
      assertThatThrownBy(() -> TestGateway.beside(first, Map.of("GATEWAY_KEY_DIR", own.toString())))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("ID-number keys of this instance differ")
          .hasMessageContaining("GATEWAY_ID_SM4_KEY");
      // the same keys given another way (the environment) are the same keys: it starts (with the deployment's hand-off
      // key, which it must share too: HandoffKeyCheckTest)
      Path keys = first.gateway.options().keyDir();
      Files.copy(keys.resolve("handoff-key.pem"), own.resolve("handoff-key.pem"));
      Map<String, String> sameKeys = Map.of("GATEWAY_KEY_DIR", own.toString(),
          "GATEWAY_ID_SM4_KEY", Files.readString(keys.resolve("id-sm4.key")).trim(),
          "GATEWAY_ID_INDEX_KEY", Files.readString(keys.resolve("id-index.key")).trim());
      try (TestGateway second = TestGateway.beside(first, sameKeys)) {
        assertThat(second.gateway.httpPort()).isPositive();
      }
    }
  }

  @Test
  void aDatabaseWrittenBeforeTheCheckExistedIsCheckedAgainstWhatItHolds() throws Exception {
    try (TestGateway first = new TestGateway()) {
      first.importCsv("roster.csv", Fixture.ROSTER);
      try (var c = first.db.connect(); var st = c.createStatement()) {
        st.execute("delete from id_key_check");
      }
      Path own = Files.createDirectory(scratch.resolve("other-keys"));
      assertThatThrownBy(() -> TestGateway.beside(first, Map.of("GATEWAY_KEY_DIR", own.toString())))
          .hasMessageContaining("ID-number keys of this instance differ");
    }
  }
}
