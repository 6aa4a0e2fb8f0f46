package cn.liangxian.channel.unionpay;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.channel.Pem;
import cn.liangxian.channel.Vectors;
import java.security.PublicKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnionPaySignaturesTest {
  private static final Instant NOW = Instant.parse("2027-06-01T00:00:00Z");

  static Map<String, String> request() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("version", "5.1.0");
    p.put("encoding", "UTF-8");
    p.put("signMethod", "01");
    p.put("txnType", "01");
    p.put("txnSubType", "07");
    p.put("bizType", "000000");
    p.put("channelType", "08");
    p.put("accessType", "0");
    p.put("merId", "777290058110048");
    p.put("orderId", "LX20191215000002");
    p.put("txnTime", "20191215102030");
    p.put("txnAmt", "25000");
    p.put("currencyCode", "156");
    p.put("backUrl", "https://pay.example.cn/api/v1/callbacks/unionpay");
    p.put("payTimeout", "20191215103530");
    p.put("certId", "69042905377");
    return p;
  }

  static Map<String, String> notification() {
    Map<String, String> n = new LinkedHashMap<>();
    for (String kv : Vectors.text("unionpay-notification.txt").split("&(?=[a-zA-Z]+=)")) {
      int eq = kv.indexOf('=');
      n.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    n.put("signature", Vectors.text("unionpay-notification.sig").trim());
    return n;
  }

  static UnionPayTrust trust() {
    return new UnionPayTrust(Pem.certificate(Vectors.text("unionpay-root.pem")), Pem.certificate(Vectors.text("unionpay-middle.pem")));
  }

  @Test
  void contentSortsEveryFieldButTheSignature() {
    Map<String, String> p = request();
    p.put("signature", "whatever");
    assertThat(UnionPaySignatures.content(p)).isEqualTo(Vectors.text("unionpay-request.txt"));
  }

  @Test
  void requestSignatureMatchesOpenSsl() {
    String sig = UnionPaySignatures.sign(Pem.privateKey(Vectors.text("merchant-rsa.pem")), request());
    assertThat(sig).isEqualTo(Vectors.text("unionpay-request.sig").trim());
    Map<String, String> signed = request();
    signed.put("signature", sig);
    PublicKey merchant = Pem.publicKey(Vectors.text("unionpay-merchant-cert.pem"));
    assertThat(UnionPaySignatures.verify(merchant, signed)).isTrue();
    signed.put("txnAmt", "1");
    assertThat(UnionPaySignatures.verify(merchant, signed)).isFalse();
  }

  @Test
  void certIdIsTheDecimalSerialOfTheMerchantCertificate() {
    assertThat(UnionPaySignatures.certId(Pem.certificate(Vectors.text("unionpay-merchant-cert.pem")))).isEqualTo("69042905377");
  }

  @Test
  void aNotificationSignedByOpenSslVerifiesThroughTheChain() {
    Map<String, String> n = notification();
    assertThat(n.get("signPubKeyCert")).startsWith("-----BEGIN CERTIFICATE-----");
    PublicKey key = trust().signingKey(n.get("signPubKeyCert"), NOW).orElseThrow();
    assertThat(UnionPaySignatures.verify(key, n)).isTrue();
    Map<String, String> tampered = new LinkedHashMap<>(n);
    tampered.put("txnAmt", "1");
    assertThat(UnionPaySignatures.verify(key, tampered)).isFalse();
  }

  @Test
  void certificatesNotIssuedToUnionPayThroughItsChainAreRefused() {
    UnionPayTrust trust = trust();
    assertThat(trust.signingKey(Vectors.text("unionpay-sign.pem"), NOW)).isPresent();
    // a forger's own CA issued a certificate with UnionPay's name
    assertThat(trust.signingKey(Vectors.text("unionpay-forged.pem"), NOW)).isEmpty();
    // UnionPay's CA, someone else's name
    assertThat(trust.signingKey(Vectors.text("unionpay-other-name.pem"), NOW)).isEmpty();
    // expired, or not yet valid
    assertThat(trust.signingKey(Vectors.text("unionpay-sign.pem"), Instant.parse("2050-01-01T00:00:00Z"))).isEmpty();
    assertThat(trust.signingKey(Vectors.text("unionpay-sign.pem"), Instant.parse("2020-01-01T00:00:00Z"))).isEmpty();
    assertThat(trust.signingKey("not a certificate", NOW)).isEmpty();
    assertThat(trust.signingKey(null, NOW)).isEmpty();
    assertThat(UnionPayTrust.owner(Pem.certificate(Vectors.text("unionpay-sign.pem")))).isEqualTo("中国银联股份有限公司");
  }

  @Test
  void answersKeepBracedValuesWhole() {
    Map<String, String> a = UnionPayMessages.parseAnswer("respCode=00&reqReserved={a=1&b=2}&qrCode=https://qr.95516.com/00010000/62");
    assertThat(a).containsEntry("respCode", "00").containsEntry("reqReserved", "{a=1&b=2}")
        .containsEntry("qrCode", "https://qr.95516.com/00010000/62");
    assertThat(UnionPayMessages.parseAnswer(UnionPayMessages.answer(a))).isEqualTo(a);
    assertThat(UnionPayMessages.form(Map.of("orderDesc", "医保 2020&x"))).isEqualTo("orderDesc=%E5%8C%BB%E4%BF%9D+2020%26x");
  }
}
