package cn.liangxian.gateway.channel;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.liangxian.channel.Pem;
import cn.liangxian.channel.Vectors;
import cn.liangxian.gateway.config.ConfigException;
import cn.liangxian.gateway.config.GatewayOptions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

/** A UnionPay merchant's signing key and certificate must be one pair: UnionPay checks every request with the certificate. */
class UnionPaySigningPairTest {
  private static final GatewayOptions.UnionPay UNIONPAY = new GatewayOptions.UnionPay("https://gateway.95516.com",
      "https://filedownload.95516.com", "777290058110048", "unionpay-sign-key.pem", "unionpay-sign-cert.pem", "unionpay-root.pem",
      "unionpay-middle.pem");

  @Test
  void theKeyOfTheCertificateIsAccepted() {
    assertThatCode(() -> Channels.signingPair(Pem.privateKey(Vectors.text("unionpay-sign-key.pem")),
        Pem.certificate(Vectors.text("unionpay-sign.pem")), UNIONPAY, "channels.unionpay", "channels.unionpay.signKeyFile"))
        .doesNotThrowAnyException();
  }

  @Test
  void anotherKeyStopsTheStartNamingBothFiles() {
    X509Certificate cert = Pem.certificate(Vectors.text("unionpay-sign.pem"));
    PrivateKey other = Pem.privateKey(Vectors.text("merchant-rsa.pem"));
    assertThatThrownBy(() -> Channels.signingPair(other, cert, UNIONPAY, "channels.merchants[0].unionpay",
        "channels.merchants[0].unionpay.signKeyFile"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("channels.merchants[0].unionpay.signCertFile unionpay-sign-cert.pem is the certificate of another key than"
            + " channels.merchants[0].unionpay.signKeyFile (or not an RSA key): UnionPay would refuse every request");
    // an SM2 key, from the environment, beside an RSA certificate
    assertThatThrownBy(() -> Channels.signingPair(Vectors.sm2().getPrivate(), cert, UNIONPAY, "channels.unionpay",
        "GATEWAY_UNIONPAY_SIGN_KEY")).isInstanceOf(ConfigException.class)
        .hasMessage("channels.unionpay.signCertFile unionpay-sign-cert.pem is the certificate of another key than"
            + " GATEWAY_UNIONPAY_SIGN_KEY (or not an RSA key): UnionPay would refuse every request");
  }
}
