package cn.liangxian.gateway.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.channel.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hand-off key made on a first start, its public half beside it for the agencies: the same key at every start after,
 * and a start after one that stopped between the two files writes the missing half from the private one.
 */
class ExchangeKeysTest {
  @TempDir
  Path dir;

  @Test
  void madeOnceItsPublicHalfWrittenAndWrittenAgainWhereMissing() throws Exception {
    for (String scheme : new String[] {"SM2", "RSA"}) {
      Path keys = dir.resolve(scheme);
      ExchangeKeys made = ExchangeKeys.load(keys, "handoff-key.pem", scheme);
      Path pub = keys.resolve("handoff-key.pub.pem");
      assertThat(Pem.publicKey(Files.readString(pub)).getEncoded()).isEqualTo(made.publicKey().getEncoded());
      assertThat(ExchangeKeys.load(keys, "handoff-key.pem", scheme).privateKey().getEncoded())
          .isEqualTo(made.privateKey().getEncoded());

      Files.delete(pub); // stopped after the private key was in place, before its public half
      ExchangeKeys again = ExchangeKeys.load(keys, "handoff-key.pem", scheme);
      assertThat(again.publicKey().getEncoded()).as(scheme).isEqualTo(made.publicKey().getEncoded());
      assertThat(Pem.publicKey(Files.readString(pub)).getEncoded()).isEqualTo(made.publicKey().getEncoded());
      try (var left = Files.list(keys)) {
        assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("handoff-key.pem", "handoff-key.pub.pem");
      }
    }
  }
}
