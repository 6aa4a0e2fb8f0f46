package cn.liangxian.gateway.channel.wechat;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.channel.Vectors;
import java.security.PublicKey;
import org.junit.jupiter.api.Test;

class PlatformKeysTest {
  static final PublicKey KEY = Vectors.rsa().getPublic();

  /** Certificate mode names no key in its requests; a merchant on the public key (or being switched to it) names it. */
  @Test
  void theIdSentWithRequestsIsThePublicKeysNeverACertificatesSerial() {
    PlatformKeys certificates = new PlatformKeys().put("5157F09EFDC096DE15EBE81A47057A7232F1B8E1", KEY);
    assertThat(certificates.publicKeyId()).isEmpty();
    // the keys as configured: the new one first while it replaces the old
    certificates.put("PUB_KEY_ID_0114232134912410000000000002", KEY).put("PUB_KEY_ID_0114232134912410000000000001", KEY);
    assertThat(certificates.publicKeyId()).contains("PUB_KEY_ID_0114232134912410000000000002");
    certificates.remove("PUB_KEY_ID_0114232134912410000000000002");
    assertThat(certificates.publicKeyId()).contains("PUB_KEY_ID_0114232134912410000000000001");
  }
}
