package cn.liangxian.kiosk.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kiosk's key is made once, readable by the agent only, and read back the same at every later start; its public
 * half is always the private key's, written again where it is missing or another key's.
 */
class KioskIdentityTest {
  @TempDir
  Path dir;

  @Test
  void aFirstStartMakesTheKeyOwnerOnlyAndALaterStartReadsTheSameKey() throws Exception {
    Path keys = dir.resolve("keys");
    KioskIdentity made = KioskIdentity.loadOrCreate("K-1", keys);
    assertThat(Files.getPosixFilePermissions(keys.resolve("kiosk-key.pem")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    // the public half is for the technician who registers the kiosk, whoever they are logged in as
    assertThat(Files.getPosixFilePermissions(keys.resolve("kiosk-pub.pem")))
        .isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
    try (Stream<Path> files = Files.list(keys)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("kiosk-key.pem", "kiosk-pub.pem");
    }
    KioskIdentity again = KioskIdentity.loadOrCreate("K-1", keys);
    assertThat(again.keys().getPrivate().getEncoded()).isEqualTo(made.keys().getPrivate().getEncoded());
    assertThat(again.publicKeyPem()).isEqualTo(made.publicKeyPem());
  }

  /**
   * A kiosk installed when its public half was made the agent's only (or under a umask that cut its mode): readable by
   * all again at the next start, whose file was the right key and is not written again.
   */
  @Test
  void aPublicHalfLeftOwnerOnlyIsMadeReadableByAllAtTheNextStart() throws Exception {
    Path keys = dir.resolve("keys");
    KioskIdentity.loadOrCreate("K-1", keys);
    Path pub = keys.resolve("kiosk-pub.pem");
    Files.setPosixFilePermissions(pub, PosixFilePermissions.fromString("rw-------"));
    KioskIdentity.loadOrCreate("K-1", keys);
    assertThat(Files.getPosixFilePermissions(pub)).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(Files.getPosixFilePermissions(keys.resolve("kiosk-key.pem")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void aMissingOrForeignPublicHalfIsWrittenAgainFromThePrivateKey() throws Exception {
    Path keys = dir.resolve("keys");
    KioskIdentity made = KioskIdentity.loadOrCreate("K-1", keys);
    Path pub = keys.resolve("kiosk-pub.pem");
    String madePub = Files.readString(pub);
    assertThat(madePub).isEqualTo(made.publicKeyPem());

    Files.delete(pub); // a start that stopped between the two files
    KioskIdentity again = KioskIdentity.loadOrCreate("K-1", keys);
    assertThat(again.keys().getPublic().getEncoded()).isEqualTo(made.keys().getPublic().getEncoded());
    assertThat(Files.readString(pub)).isEqualTo(madePub);

    // two first starts at once, each writing its own pair: the public half on the disk another key's
    Files.writeString(pub, KioskIdentity.pem(KioskIdentity.generate().getPublic()));
    KioskIdentity repaired = KioskIdentity.loadOrCreate("K-1", keys);
    assertThat(repaired.keys().getPrivate().getEncoded()).isEqualTo(made.keys().getPrivate().getEncoded());
    assertThat(repaired.keys().getPublic().getEncoded()).isEqualTo(made.keys().getPublic().getEncoded());
    assertThat(Files.readString(pub)).isEqualTo(madePub);
    assertThat(signedAndVerified(repaired)).as("the pair belongs together").isTrue();

    Files.writeString(pub, "-----BEGIN PUBLIC KEY-----\nMFkw"); // cut off mid-write
    assertThat(KioskIdentity.loadOrCreate("K-1", keys).keys().getPublic().getEncoded())
        .isEqualTo(made.keys().getPublic().getEncoded());
    assertThat(Files.readString(pub)).isEqualTo(madePub);
    try (Stream<Path> files = Files.list(keys)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("kiosk-key.pem", "kiosk-pub.pem");
    }
  }

  @Test
  void aPrivateKeyAloneIsTheKiosksKeyItsPublicHalfWrittenBesideIt() throws Exception {
    // made by another start, which stopped before its public half: that key is the kiosk's, not a new one
    Path keys = dir.resolve("keys");
    Files.createDirectories(keys);
    java.security.KeyPair other = KioskIdentity.generate();
    Files.writeString(keys.resolve("kiosk-key.pem"), KioskIdentity.pem(other.getPrivate()));
    KioskIdentity loaded = KioskIdentity.loadOrCreate("K-1", keys);
    assertThat(loaded.keys().getPrivate().getEncoded()).isEqualTo(other.getPrivate().getEncoded());
    assertThat(loaded.keys().getPublic().getEncoded()).isEqualTo(other.getPublic().getEncoded());
    assertThat(Files.readString(keys.resolve("kiosk-pub.pem"))).isEqualTo(KioskIdentity.pem(other.getPublic()));
  }

  private static boolean signedAndVerified(KioskIdentity id) {
    var headers = new RequestSigner(id, java.time.Clock.systemUTC()).sign("GET", "/x", null);
    return RequestSigner.verify(id.keys().getPublic(), id.kioskId(), "GET", "/x", headers.get(RequestSigner.TIMESTAMP),
        headers.get(RequestSigner.NONCE), null, headers.get(RequestSigner.SIGNATURE));
  }
}
