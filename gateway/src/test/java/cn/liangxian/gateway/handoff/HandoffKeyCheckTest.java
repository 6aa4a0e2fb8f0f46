package cn.liangxian.gateway.handoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.liangxian.channel.Pem;
import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agencies trust one hand-off key: an instance started on the deployment's database with another (a folder where
 * only the ID keys and the agencies' keys were copied, so it made its own) refuses to start, naming the key; the
 * deployment's key is changed only on purpose, by an instance told which key its own replaces.
 */
class HandoffKeyCheckTest {
  @TempDir
  Path dir;

  /** A key folder with the deployment's ID keys and the agencies' public key, and no hand-off key. */
  private Path folderWithoutTheHandoffKey(AgencyFixture f) throws Exception {
    Path other = Files.createDirectories(dir.resolve("other-keys-" + System.nanoTime()));
    for (String file : new String[] {"id-sm4.key", "id-index.key", "agency.pub.pem"}) {
      Files.copy(f.keys.resolve(file), other.resolve(file));
    }
    return other;
  }

  @Test
  void anInstanceWithAnotherHandoffKeyRefusesToStartUnlessToldWhichKeyItReplaces() throws Exception {
    try (AgencyFixture f = new AgencyFixture()) {
      Path other = folderWithoutTheHandoffKey(f);
      // given a key of its own: refused, naming the deployment's
      Files.writeString(other.resolve("handoff-key.pem"), Pem.write(
          cn.liangxian.channel.agency.AgencyEnvelope.generate(cn.liangxian.channel.agency.AgencyEnvelope.Scheme.SM2).getPrivate()));
      String deployment = HandoffKeyCheck.fingerprint(ExchangeKeys.publicOf(Pem.privateKey(Files.readString(f.keys.resolve("handoff-key.pem")))));
      assertThatThrownBy(() -> TestGateway.beside(f.g, Map.of("GATEWAY_KEY_DIR", other.toString())).close())
          .hasStackTraceContaining("hand-off key").hasStackTraceContaining(deployment.substring(0, 16))
          .hasStackTraceContaining("GATEWAY_HANDOFF_KEY_REPLACES");
      // changed on purpose: the new key is the deployment's from then on, and the old one is refused
      try (TestGateway changed = TestGateway.beside(f.g, Map.of("GATEWAY_KEY_DIR", other.toString(),
          "GATEWAY_HANDOFF_KEY_REPLACES", deployment.substring(0, 16)))) {
        String now = HandoffKeyCheck.fingerprint(ExchangeKeys.publicOf(Pem.privateKey(Files.readString(other.resolve("handoff-key.pem")))));
        assertThat(f.g.count("select count(*) from handoff_key_check where public_key_sha256 = '" + now + "'")).isEqualTo(1);
      }
      assertThatThrownBy(() -> TestGateway.beside(f.g).close()).hasStackTraceContaining("hand-off key");
    }
  }

  /**
   * A deployment upgraded from before the check: the first instance to start records its key, unless it made that key
   * at this start (its folder lacked the deployment's), where records were handed off under the deployment's key.
   */
  @Test
  void aKeyMadeAtThisStartIsNotRecordedWhereRecordsWereHandedOffAlready() throws Exception {
    try (AgencyFixture f = new AgencyFixture()) {
      JsonObject o = f.pay(f.household("431103")[0], "赵一", "wechat");
      Eventually.until("the records accepted", () -> f.count("select count(*) from handoff_record where order_id = '"
          + o.getString("id") + "' and state = 'ACCEPTED'") == 2);
      f.sql("delete from handoff_key_check");
      Path other = folderWithoutTheHandoffKey(f);
      assertThatThrownBy(() -> TestGateway.beside(f.g, Map.of("GATEWAY_KEY_DIR", other.toString())).close())
          .hasStackTraceContaining("made itself a new hand-off key");
      assertThat(f.count("select count(*) from handoff_key_check")).as("nothing recorded").isZero();
      // one given the deployment's key records it, and the rest follow
      try (TestGateway right = TestGateway.beside(f.g)) {
        assertThat(f.count("select count(*) from handoff_key_check")).isEqualTo(1);
      }
    }
  }
}
