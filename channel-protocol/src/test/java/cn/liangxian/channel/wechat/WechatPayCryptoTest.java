package cn.liangxian.channel.wechat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.liangxian.channel.Pem;
import cn.liangxian.channel.Vectors;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import org.junit.jupiter.api.Test;

/** Our signatures and ciphers against vectors made by OpenSSL and Python's cryptography. */
class WechatPayCryptoTest {
  static final byte[] API_V3_KEY = "a7cde1f0b2c4d6e8a7cde1f0b2c4d6e8".getBytes(StandardCharsets.US_ASCII);

  @Test
  void requestSignatureMatchesOpenSsl() {
    PrivateKey key = Pem.privateKey(Vectors.text("merchant-rsa.pem"));
    String header = WechatPaySignatures.authorization(WechatPayScheme.RSA, "1900009191", "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C",
        key, "GET", "/v3/certificates", 1554208460L, "593BEC0C930BF1AFEB40B4A08C8FB242", new byte[0]);
    String expected = Vectors.text("wechat-request.sig").trim();
    assertThat(header).isEqualTo("WECHATPAY2-SHA256-RSA2048 mchid=\"1900009191\",nonce_str=\"593BEC0C930BF1AFEB40B4A08C8FB242\","
        + "signature=\"" + expected + "\",timestamp=\"1554208460\",serial_no=\"1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C\"");

    WechatPaySignatures.Authorization parsed = WechatPaySignatures.parseAuthorization(header).orElseThrow();
    assertThat(parsed.scheme()).isEqualTo(WechatPayScheme.RSA);
    assertThat(parsed.get("signature")).isEqualTo(expected);
    PublicKey pub = Pem.publicKey(Vectors.text("merchant-rsa-pub.pem"));
    byte[] msg = WechatPaySignatures.requestMessage("GET", "/v3/certificates", 1554208460L,
        "593BEC0C930BF1AFEB40B4A08C8FB242", new byte[0]);
    assertThat(WechatPaySignatures.verify(WechatPayScheme.RSA, pub, msg, expected)).isTrue();
    msg[0] = 'P';
    assertThat(WechatPaySignatures.verify(WechatPayScheme.RSA, pub, msg, expected)).isFalse();
  }

  @Test
  void sm2SignatureFromOpenSslVerifies() {
    PublicKey pub = Pem.publicKey(Vectors.text("sm2-pub.pem"));
    byte[] message = Vectors.bytes("sm2-message.txt");
    String sig = Vectors.text("sm2-message.sig").trim();
    assertThat(WechatPaySignatures.verify(WechatPayScheme.SM2, pub, message, sig)).isTrue();
    message[3] ^= 1;
    assertThat(WechatPaySignatures.verify(WechatPayScheme.SM2, pub, message, sig)).isFalse();
  }

  @Test
  void sm2SignaturesRoundTripWithTheOpenSslKey() {
    PrivateKey key = Pem.privateKey(Vectors.text("sm2.pem"));
    PublicKey pub = Pem.publicKey(Vectors.text("sm2-pub.pem"));
    byte[] msg = WechatPaySignatures.requestMessage("POST", "/v3/pay/transactions/native", 1L, "n", "{}".getBytes());
    String sig = cn.liangxian.channel.Crypto.sign("SM3withSM2", key, msg);
    assertThat(WechatPaySignatures.verify(WechatPayScheme.SM2, pub, msg, sig)).isTrue();
    KeyPair other = Vectors.sm2();
    assertThat(WechatPaySignatures.verify(WechatPayScheme.SM2, other.getPublic(), msg, sig)).isFalse();
  }

  @Test
  void aesGcmResourceFromPythonDecrypts() throws Exception {
    byte[] plain = ResourceCipher.decrypt("AEAD_AES_256_GCM", API_V3_KEY, "fdasflkja484", "transaction",
        Vectors.text("transaction.aes-256-gcm.b64").trim());
    assertThat(plain).isEqualTo(Vectors.bytes("transaction.json"));
    assertThat(ResourceCipher.encrypt("AEAD_AES_256_GCM", API_V3_KEY, "fdasflkja484", "transaction", plain))
        .isEqualTo(Vectors.text("transaction.aes-256-gcm.b64").trim());
  }

  @Test
  void sm4GcmResourceFromPythonDecrypts() throws Exception {
    byte[] plain = ResourceCipher.decrypt("AEAD_SM4_GCM", API_V3_KEY, "fdasflkja484", "transaction",
        Vectors.text("transaction.sm4-gcm.b64").trim());
    assertThat(plain).isEqualTo(Vectors.bytes("transaction.json"));
  }

  @Test
  void tamperedCiphertextWrongNonceOrAadDoNotDecrypt() {
    String ct = Vectors.text("transaction.aes-256-gcm.b64").trim();
    String tampered = (ct.charAt(10) == 'A' ? "B" : "A");
    String bad = ct.substring(0, 10) + tampered + ct.substring(11);
    assertThatThrownBy(() -> ResourceCipher.decrypt("AEAD_AES_256_GCM", API_V3_KEY, "fdasflkja484", "transaction", bad))
        .isInstanceOf(GeneralSecurityException.class);
    assertThatThrownBy(() -> ResourceCipher.decrypt("AEAD_AES_256_GCM", API_V3_KEY, "fdasflkja485", "transaction", ct))
        .isInstanceOf(GeneralSecurityException.class);
    assertThatThrownBy(() -> ResourceCipher.decrypt("AEAD_AES_256_GCM", API_V3_KEY, "fdasflkja484", "refund", ct))
        .isInstanceOf(GeneralSecurityException.class);
    assertThatThrownBy(() -> ResourceCipher.decrypt("AEAD_AES_128_CBC", API_V3_KEY, "fdasflkja484", "transaction", ct))
        .isInstanceOf(GeneralSecurityException.class);
  }
}
