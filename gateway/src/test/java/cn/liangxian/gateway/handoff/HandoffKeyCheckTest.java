package cn.liangxian.gateway.handoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.liangxian.channel.Pem;
import cn.liangxian.gateway.support.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agencies trust one hand-off key: an instance started on the deployment's database with another (a folder where
 * only the ID keys were copied, so it made its own) refuses to start, naming the key; the deployment's key is changed
 * only on purpose, by an instance told which key its own replaces.
 */
class HandoffKeyCheckTest {
  @TempDir
  Path dir;

  @Test
  void anInstanceWithAnotherHandoffKeyRefusesToStartUnlessToldWhichKeyItReplaces() throws Exception {
    try (TestGateway first = new TestGateway()) {
      Path other = dir.resolve("other-keys");
      Files.createDirectories(other);
      for (String idKey : new String[] {"id-sm4.key", "id-index.key"}) {
        Files.copy(first.keyDir().resolve(idKey), other.resolve(idKey));
      }
      String deployment = HandoffKeyCheck.fingerprint(Pem.privateKey(Files.readString(first.keyDir().resolve("handoff-key.pem"))));
      assertThatThrownBy(() -> TestGateway.beside(first, Map.of("GATEWAY_KEY_DIR", other.toString())).close())
          .hasStackTraceContaining("hand-off key").hasStackTraceContaining(deployment.substring(0, 16))
          .hasStackTraceContaining("GATEWAY_HANDOFF_KEY_REPLACES");
      // changed on purpose: the new key is the deployment's from then on, and the old one is refused
      try (TestGateway changed = TestGateway.beside(first, Map.of("GATEWAY_KEY_DIR", other.toString(),
          "GATEWAY_HANDOFF_KEY_REPLACES", deployment.substring(0, 16)))) {
        String now = HandoffKeyCheck.fingerprint(Pem.privateKey(Files.readString(other.resolve("handoff-key.pem"))));
        assertThat(first.count("select count(*) from handoff_key_check where public_key_sha256 = '" + now + "'")).isEqualTo(1);
      }
      assertThatThrownBy(() -> TestGateway.beside(first).close()).hasStackTraceContaining("hand-off key");
    }
  }
}
