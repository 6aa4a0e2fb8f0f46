package cn.liangxian.gateway.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.liangxian.channel.Pem;
import cn.liangxian.channel.Vectors;
import cn.liangxian.channel.wechat.WechatPayScheme;
import cn.liangxian.gateway.config.ConfigException;
import cn.liangxian.gateway.config.GatewayOptions;
import cn.liangxian.sandbox.Certificates;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** WeChat Pay's merchant API certificate, where the deployment names it: the serial and the key it must match, its expiry. */
class MerchantCertificateTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2027-06-01T02:00:00Z"), ZoneOffset.UTC);
  private static final Instant NOT_AFTER = Instant.parse("2031-05-31T16:00:00Z");
  // WeChat Pay's serials are 40 hex digits; this one starts with a zero a number drops
  private static final String SERIAL = "0A6F3C21D5B7E98A0C1D2E3F405162738495A6B7";
  private static final KeyPair CA = Vectors.rsa();

  private static String certificate(KeyPair of, String serial) {
    X509Certificate root = Certificates.issue("CN=Tenpay.com Root CA", CA.getPublic(), null, CA.getPrivate(), true,
        Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2040-01-01T00:00:00Z"), BigInteger.ONE);
    return Pem.write(Certificates.issue("CN=1900000109, OU=WeChat Pay merchant", of.getPublic(), root, CA.getPrivate(), false,
        Instant.parse("2026-05-31T16:00:00Z"), NOT_AFTER, new BigInteger(serial, 16)));
  }

  private static GatewayOptions.Wechat wechat(String serial, String scheme) {
    return new GatewayOptions.Wechat("https://api.mch.weixin.qq.com", "1900000109", "wx0000000000000109", scheme, serial,
        "wechat-merchant-key.pem", "wechat-apiv3.key", List.of(), "publicKey", null, "apiclient_cert.pem");
  }

  private static java.time.Instant expiry(KeyPair merchant, String serial, WechatPayScheme scheme) {
    return Channels.merchantCertificate(certificate(merchant, SERIAL), wechat(serial, scheme.name()), merchant.getPrivate(), scheme,
        "channels.wechat", CLOCK);
  }

  @Test
  void theCertificateOfTheSerialAndTheKeyGivesItsExpiry() {
    assertThat(expiry(Vectors.rsa(), SERIAL, WechatPayScheme.RSA)).isEqualTo(NOT_AFTER);
    // as the merchant platform shows it (no leading zero) or in lower case, the serial is the same number
    assertThat(expiry(Vectors.rsa(), SERIAL.substring(1).toLowerCase(java.util.Locale.ROOT), WechatPayScheme.RSA)).isEqualTo(NOT_AFTER);
    // a 国密 merchant's, checked with SM2
    assertThat(expiry(Vectors.sm2(), SERIAL, WechatPayScheme.SM2)).isEqualTo(NOT_AFTER);
  }

  @Test
  void anotherSerialStopsTheStartNamingTheKey() {
    KeyPair merchant = Vectors.rsa();
    String pem = certificate(merchant, SERIAL);
    assertThatThrownBy(() -> Channels.merchantCertificate(pem, wechat("5157F09EFDC096DE15EBE81A47057A7232F1B8E1", "RSA"),
        merchant.getPrivate(), WechatPayScheme.RSA, "channels.merchants[1].wechat", CLOCK))
        .isInstanceOf(ConfigException.class)
        .hasMessage("channels.merchants[1].wechat.merchantSerial 5157F09EFDC096DE15EBE81A47057A7232F1B8E1 is not the serial of"
            + " channels.merchants[1].wechat.merchantCertificateFile apiclient_cert.pem (A6F3C21D5B7E98A0C1D2E3F405162738495A6B7):"
            + " WeChat Pay would refuse every request");
    // a serial that is not a number at all is no certificate's either
    assertThatThrownBy(() -> Channels.merchantCertificate(pem, wechat("SERIAL0109", "RSA"), merchant.getPrivate(), WechatPayScheme.RSA,
        "channels.wechat", CLOCK)).isInstanceOf(ConfigException.class).hasMessageStartingWith("channels.wechat.merchantSerial SERIAL0109");
  }

  @Test
  void theCertificateOfAnotherKeyStopsTheStart() {
    String pem = certificate(Vectors.rsa(), SERIAL);
    assertThatThrownBy(() -> Channels.merchantCertificate(pem, wechat(SERIAL, "RSA"), Vectors.rsa().getPrivate(), WechatPayScheme.RSA,
        "channels.wechat", CLOCK)).isInstanceOf(ConfigException.class)
        .hasMessage("channels.wechat.merchantCertificateFile apiclient_cert.pem is the certificate of another key than"
            + " channels.wechat.merchantKeyFile (or not a RSA key): WeChat Pay would refuse every request");
    // an RSA certificate beside an SM2 key, the scheme SM2
    assertThatThrownBy(() -> Channels.merchantCertificate(pem, wechat(SERIAL, "SM2"), Vectors.sm2().getPrivate(), WechatPayScheme.SM2,
        "channels.wechat", CLOCK)).isInstanceOf(ConfigException.class).hasMessageContaining("another key");
  }

  @Test
  void aFileThatIsNoCertificateStopsTheStart() {
    assertThatThrownBy(() -> Channels.merchantCertificate(Pem.write(Vectors.rsa().getPublic()), wechat(SERIAL, "RSA"),
        Vectors.rsa().getPrivate(), WechatPayScheme.RSA, "channels.wechat", CLOCK)).isInstanceOf(ConfigException.class)
        .hasMessage("channels.wechat.merchantCertificateFile apiclient_cert.pem is not a PEM certificate");
  }

  @Test
  void anExpiredCertificateIsGaugedNotRefused() {
    KeyPair merchant = Vectors.rsa();
    Clock later = Clock.fixed(NOT_AFTER.plusSeconds(86_400), ZoneOffset.UTC);
    assertThat(Channels.merchantCertificate(certificate(merchant, SERIAL), wechat(SERIAL, "RSA"), merchant.getPrivate(), WechatPayScheme.RSA,
        "channels.wechat", later)).isEqualTo(NOT_AFTER);
  }
}
