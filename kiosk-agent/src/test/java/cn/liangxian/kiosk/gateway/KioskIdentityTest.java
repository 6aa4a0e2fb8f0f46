package cn.liangxian.kiosk.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kiosk's key is made once, readable by the agent only, and read back the same at every later start. */
class KioskIdentityTest {
  @TempDir
  Path dir;

  @Test
  void aFirstStartMakesTheKeyOwnerOnlyAndALaterStartReadsTheSameKey() throws Exception {
    Path keys = dir.resolve("keys");
    KioskIdentity made = KioskIdentity.loadOrCreate("K-1", keys);
    assertThat(Files.getPosixFilePermissions(keys.resolve("kiosk-key.pem")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    try (Stream<Path> files = Files.list(keys)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("kiosk-key.pem", "kiosk-pub.pem");
    }
    KioskIdentity again = KioskIdentity.loadOrCreate("K-1", keys);
    assertThat(again.keys().getPrivate().getEncoded()).isEqualTo(made.keys().getPrivate().getEncoded());
    assertThat(again.publicKeyPem()).isEqualTo(made.publicKeyPem());
  }
}
