package cn.liangxian.channel.alipay;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.channel.Crypto;
import cn.liangxian.channel.Pem;
import cn.liangxian.channel.Vectors;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AlipaySignaturesTest {

  static Map<String, String> request() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("version", "1.0");
    p.put("method", "alipay.trade.precreate");
    p.put("app_id", "2021000117600000");
    p.put("timestamp", "2019-12-15 10:20:30");
    p.put("charset", "utf-8");
    p.put("format", "JSON");
    p.put("sign_type", "RSA2");
    p.put("app_auth_token", "");
    p.put("notify_url", "https://pay.example.cn/api/v1/callbacks/alipay");
    p.put("biz_content", "{\"out_trade_no\":\"LX20191215000002\",\"total_amount\":\"250.00\",\"subject\":\"城乡居民医疗保险 2020\"}");
    return p;
  }

  @Test
  void contentDropsSignAndEmptiesAndSortsByName() {
    Map<String, String> p = request();
    p.put("sign", "whatever");
    assertThat(AlipaySignatures.content(p, Set.of("sign"))).isEqualTo(Vectors.text("alipay-content.txt"));
  }

  @Test
  void requestSignatureMatchesOpenSsl() {
    String sig = AlipaySignatures.signRequest(Pem.privateKey(Vectors.text("merchant-rsa.pem")), request());
    assertThat(sig).isEqualTo(Vectors.text("alipay-content.sig").trim());
    Map<String, String> signed = request();
    signed.put("sign", sig);
    assertThat(AlipaySignatures.verifyRequest(Pem.publicKey(Vectors.text("merchant-rsa-pub.pem")), signed)).isTrue();
  }

  @Test
  void notificationsVerifyWithoutSignAndSignType() {
    KeyPair alipay = Vectors.rsa();
    Map<String, String> n = new LinkedHashMap<>();
    n.put("notify_time", "2019-12-15 10:21:00");
    n.put("notify_type", "trade_status_sync");
    n.put("notify_id", "ac05099524730693a8b330c5ecf72da9786");
    n.put("app_id", "2021000117600000");
    n.put("charset", "utf-8");
    n.put("version", "1.0");
    n.put("trade_no", "2019121522001411111111111111");
    n.put("out_trade_no", "LX20191215000002");
    n.put("trade_status", "TRADE_SUCCESS");
    n.put("total_amount", "250.00");
    n.put("sign_type", "RSA2");
    n.put("sign", AlipaySignatures.signNotification(alipay.getPrivate(), n));
    assertThat(AlipaySignatures.verifyNotification(alipay.getPublic(), n)).isTrue();

    Map<String, String> tampered = new LinkedHashMap<>(n);
    tampered.put("total_amount", "0.01");
    assertThat(AlipaySignatures.verifyNotification(alipay.getPublic(), tampered)).isFalse();
    assertThat(AlipaySignatures.verifyNotification(Vectors.rsa().getPublic(), n)).isFalse();
    Map<String, String> unsigned = new LinkedHashMap<>(n);
    unsigned.remove("sign");
    assertThat(AlipaySignatures.verifyNotification(alipay.getPublic(), unsigned)).isFalse();
  }

  @Test
  void responsesAreVerifiedOnTheirRawMemberText() {
    KeyPair alipay = Vectors.rsa();
    String member = "{\"code\":\"10000\",\"msg\":\"Success\",\"out_trade_no\":\"LX1\",\"qr_code\":\"https:\\/\\/qr.alipay.com\\/bax0{}\"}";
    String sign = Crypto.sign("SHA256withRSA", alipay.getPrivate(), member.getBytes(StandardCharsets.UTF_8));
    String body = "{\"alipay_trade_precreate_response\":" + member + ",\"sign\":\"" + sign + "\"}";
    assertThat(AlipaySignatures.rawMember(body, "alipay_trade_precreate_response")).isEqualTo(member);
    assertThat(AlipaySignatures.verifyResponse(alipay.getPublic(), body, "alipay_trade_precreate_response", sign)).isTrue();
    String altered = body.replace("LX1", "LX2");
    assertThat(AlipaySignatures.verifyResponse(alipay.getPublic(), altered, "alipay_trade_precreate_response", sign)).isFalse();
    assertThat(AlipaySignatures.rawMember(body, "alipay_trade_query_response")).isNull();
  }
}
