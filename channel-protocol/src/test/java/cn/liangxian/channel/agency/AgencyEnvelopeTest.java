package cn.liangxian.channel.agency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AgencyEnvelopeTest {
  @ParameterizedTest
  @EnumSource(AgencyEnvelope.Scheme.class)
  void aWrappedKeyOpensOnlyForItsRecipientAndASignatureOnlyForItsBody(AgencyEnvelope.Scheme scheme) {
    KeyPair recipient = AgencyEnvelope.generate(scheme);
    KeyPair other = AgencyEnvelope.generate(scheme);
    byte[] key = AgencyEnvelope.newKey();
    String wrapped = AgencyEnvelope.wrap(recipient.getPublic(), key);
    assertThat(AgencyEnvelope.unwrap(recipient.getPrivate(), wrapped)).isEqualTo(key);
    assertThatThrownBy(() -> AgencyEnvelope.unwrap(other.getPrivate(), wrapped)).isInstanceOf(IllegalArgumentException.class);

    String sealed = AgencyEnvelope.seal(key, "110101199003077777");
    assertThat(sealed).doesNotContain("110101");
    assertThat(AgencyEnvelope.open(key, sealed)).isEqualTo("110101199003077777");
    assertThatThrownBy(() -> AgencyEnvelope.open(AgencyEnvelope.newKey(), sealed)).isInstanceOf(IllegalArgumentException.class);

    byte[] body = "{\"records\":[]}".getBytes(StandardCharsets.UTF_8);
    String sig = AgencyEnvelope.sign(recipient.getPrivate(), "1700000000", "n1", body);
    assertThat(AgencyEnvelope.verify(recipient.getPublic(), "1700000000", "n1", body, sig)).isTrue();
    assertThat(AgencyEnvelope.verify(recipient.getPublic(), "1700000001", "n1", body, sig)).isFalse();
    assertThat(AgencyEnvelope.verify(other.getPublic(), "1700000000", "n1", body, sig)).isFalse();
  }
}
