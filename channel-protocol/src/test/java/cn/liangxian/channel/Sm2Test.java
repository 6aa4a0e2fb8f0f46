package cn.liangxian.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.liangxian.channel.agency.AgencyEnvelope;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.bouncycastle.crypto.engines.SM2Engine;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.jcajce.provider.asymmetric.util.ECUtil;
import org.junit.jupiter.api.Test;

/** The kept-parameters SM2 speaks the format of the JCA's SM3withSM2 and of a plain SM2Engine: each accepts the other's. */
class Sm2Test {
  static final byte[] MESSAGE = "1764547200\nn1\n{\"records\":[]}\n".getBytes(StandardCharsets.UTF_8);

  @Test
  void itsSignaturesVerifyThroughTheJcaAndTheJcasThroughIt() throws Exception {
    KeyPair k = AgencyEnvelope.generate(AgencyEnvelope.Scheme.SM2);
    for (int i = 0; i < 3; i++) { // the second and third with the parameters kept from the first
      byte[] ours = Sm2.sign(k.getPrivate(), MESSAGE);
      Signature v = Signature.getInstance("SM3withSM2", Crypto.BC);
      v.initVerify(k.getPublic());
      v.update(MESSAGE);
      assertThat(v.verify(ours)).isTrue();

      Signature s = Signature.getInstance("SM3withSM2", Crypto.BC);
      s.initSign(k.getPrivate());
      s.update(MESSAGE);
      assertThat(Sm2.verify(k.getPublic(), MESSAGE, s.sign())).isTrue();
    }
  }

  @Test
  void aKeyReadAgainFromItsEncodingIsTheSameKey() throws Exception {
    KeyPair k = AgencyEnvelope.generate(AgencyEnvelope.Scheme.SM2);
    KeyFactory f = KeyFactory.getInstance("EC", Crypto.BC);
    PrivateKey priv = f.generatePrivate(new PKCS8EncodedKeySpec(k.getPrivate().getEncoded()));
    PublicKey pub = f.generatePublic(new X509EncodedKeySpec(k.getPublic().getEncoded()));
    assertThat(Sm2.verify(pub, MESSAGE, Sm2.sign(k.getPrivate(), MESSAGE))).isTrue();
    assertThat(Sm2.verify(k.getPublic(), MESSAGE, Sm2.sign(priv, MESSAGE))).isTrue();
  }

  @Test
  void aWrongMessageKeyOrSignatureIsFalseAndAnRsaKeyIsRefused() throws Exception {
    KeyPair k = AgencyEnvelope.generate(AgencyEnvelope.Scheme.SM2);
    KeyPair other = AgencyEnvelope.generate(AgencyEnvelope.Scheme.SM2);
    byte[] sig = Sm2.sign(k.getPrivate(), MESSAGE);
    assertThat(Sm2.verify(k.getPublic(), "another".getBytes(StandardCharsets.UTF_8), sig)).isFalse();
    assertThat(Sm2.verify(other.getPublic(), MESSAGE, sig)).isFalse();
    assertThat(Sm2.verify(k.getPublic(), MESSAGE, new byte[] {0x30, 0x02, 0x01})).isFalse();

    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair rsa = g.generateKeyPair();
    assertThatThrownBy(() -> Sm2.sign(rsa.getPrivate(), MESSAGE)).isInstanceOf(IllegalArgumentException.class);
    String b64 = Base64.getEncoder().encodeToString(sig);
    assertThat(Crypto.verify("SM3withSM2", rsa.getPublic(), MESSAGE, b64)).isFalse();
    KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair(); // neither RSA nor EC
    assertThat(Crypto.verify("SM3withSM2", ed.getPublic(), MESSAGE, b64)).isFalse();
    assertThatThrownBy(() -> Crypto.sign("SM3withSM2", ed.getPrivate(), MESSAGE)).isInstanceOf(IllegalStateException.class);
    assertThat(Crypto.verify("SM3withSM2", k.getPublic(), MESSAGE, b64)).isTrue();
  }

  @Test
  void whatItEncryptsAPlainEngineDecryptsAndTheOtherWayRound() throws Exception {
    KeyPair k = AgencyEnvelope.generate(AgencyEnvelope.Scheme.SM2);
    byte[] key = AgencyEnvelope.newKey();
    SM2Engine plain = new SM2Engine(SM2Engine.Mode.C1C3C2);
    plain.init(false, ECUtil.generatePrivateKeyParameter(k.getPrivate()));
    byte[] sealed = Sm2.encrypt(k.getPublic(), key);
    assertThat(plain.processBlock(sealed, 0, sealed.length)).isEqualTo(key);

    SM2Engine enc = new SM2Engine(SM2Engine.Mode.C1C3C2);
    enc.init(true, new ParametersWithRandom(ECUtil.generatePublicKeyParameter(k.getPublic())));
    byte[] theirs = enc.processBlock(key, 0, key.length);
    assertThat(Sm2.decrypt(k.getPrivate(), theirs)).isEqualTo(key);
  }
}
