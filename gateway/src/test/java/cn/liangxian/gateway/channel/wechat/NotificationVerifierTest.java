package cn.liangxian.gateway.channel.wechat;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.channel.Crypto;
import cn.liangxian.channel.wechat.WechatPayScheme;
import cn.liangxian.channel.wechat.WechatPaySignatures;
import cn.liangxian.channel.Vectors;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class NotificationVerifierTest {
  static final byte[] API_V3_KEY = "a7cde1f0b2c4d6e8a7cde1f0b2c4d6e8".getBytes(StandardCharsets.US_ASCII);
  static final long NOW = 1576376430L;
  static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);

  final KeyPair platform = Vectors.rsa();
  final KeyPair nextPlatform = Vectors.rsa();
  final PlatformKeys keys = new PlatformKeys().put("PUB_KEY_ID_0114232134912410000000000001", platform.getPublic())
      .put("5157F09EFDC096DE15EBE81A47057A7232F1B8E1", nextPlatform.getPublic());
  final WechatPayMerchant merchant = new WechatPayMerchant("1900006891", "wxdace645e0bc2cXXX", "SERIAL",
      Vectors.rsa().getPrivate(), API_V3_KEY, WechatPayScheme.RSA, keys);
  final NotificationVerifier verifier = new NotificationVerifier(merchant, CLOCK);

  static String body(String algorithm, String ciphertext) {
    return "{\"id\":\"EV-2018022511223320873\",\"create_time\":\"2019-12-15T10:20:30+08:00\","
        + "\"resource_type\":\"encrypt-resource\",\"event_type\":\"TRANSACTION.SUCCESS\",\"summary\":\"支付成功\","
        + "\"resource\":{\"original_type\":\"transaction\",\"algorithm\":\"" + algorithm + "\",\"ciphertext\":\""
        + ciphertext + "\",\"associated_data\":\"transaction\",\"nonce\":\"fdasflkja484\"}}";
  }

  String sign(KeyPair key, String ts, String nonce, byte[] body) {
    return Crypto.sign("SHA256withRSA", key.getPrivate(), WechatPaySignatures.responseMessage(ts, nonce, body));
  }

  Notification verify(String ts, String nonce, String sig, String serial, byte[] body) {
    return verifier.verify(ts, nonce, sig, serial, body);
  }

  @Test
  void aValidNotificationIsVerifiedAndDecrypted() {
    byte[] body = body("AEAD_AES_256_GCM", Vectors.text("transaction.aes-256-gcm.b64").trim()).getBytes(StandardCharsets.UTF_8);
    String ts = Long.toString(NOW - 20);
    Notification n = verify(ts, "nonce-1", sign(platform, ts, "nonce-1", body), "PUB_KEY_ID_0114232134912410000000000001", body);
    assertThat(n).isInstanceOf(Notification.Verified.class);
    Notification.Verified v = (Notification.Verified) n;
    assertThat(v.eventType()).isEqualTo("TRANSACTION.SUCCESS");
    assertThat(v.originalType()).isEqualTo("transaction");
    assertThat(v.resource().path("out_trade_no").asText()).isEqualTo("LX20191215000001");
    assertThat(v.resource().path("amount").path("total").asLong()).isEqualTo(25000);
  }

  @Test
  void eitherLiveKeyVerifiesDuringRotation() {
    byte[] body = body("AEAD_AES_256_GCM", Vectors.text("transaction.aes-256-gcm.b64").trim()).getBytes(StandardCharsets.UTF_8);
    String ts = Long.toString(NOW);
    assertThat(verify(ts, "n", sign(nextPlatform, ts, "n", body), "5157F09EFDC096DE15EBE81A47057A7232F1B8E1", body))
        .isInstanceOf(Notification.Verified.class);
    // the right key under the wrong serial is a bad signature, not a pass
    assertThat(rejection(verify(ts, "n", sign(nextPlatform, ts, "n", body), "PUB_KEY_ID_0114232134912410000000000001", body)))
        .isEqualTo(Notification.Rejection.BAD_SIGNATURE);
  }

  @Test
  void theSignatureCoversTheRawBytesNotTheJson() {
    byte[] body = body("AEAD_AES_256_GCM", Vectors.text("transaction.aes-256-gcm.b64").trim()).getBytes(StandardCharsets.UTF_8);
    String ts = Long.toString(NOW);
    String sig = sign(platform, ts, "n", body);
    // the same JSON with different whitespace is different bytes
    byte[] reformatted = new String(body, StandardCharsets.UTF_8).replace("\":\"", "\": \"").getBytes(StandardCharsets.UTF_8);
    assertThat(rejection(verify(ts, "n", sig, "PUB_KEY_ID_0114232134912410000000000001", reformatted)))
        .isEqualTo(Notification.Rejection.BAD_SIGNATURE);
  }

  @Test
  void forgedStaleUnknownTamperedAndIncompleteAreRejected() {
    String good = Vectors.text("transaction.aes-256-gcm.b64").trim();
    byte[] body = body("AEAD_AES_256_GCM", good).getBytes(StandardCharsets.UTF_8);
    String serial = "PUB_KEY_ID_0114232134912410000000000001";
    String ts = Long.toString(NOW);
    KeyPair forger = Vectors.rsa();
    assertThat(rejection(verify(ts, "n", sign(forger, ts, "n", body), serial, body)))
        .isEqualTo(Notification.Rejection.BAD_SIGNATURE);
    assertThat(rejection(verify(ts, "n", "bm90IGEgc2lnbmF0dXJl", serial, body))).isEqualTo(Notification.Rejection.BAD_SIGNATURE);
    String stale = Long.toString(NOW - 301);
    assertThat(rejection(verify(stale, "n", sign(platform, stale, "n", body), serial, body)))
        .isEqualTo(Notification.Rejection.STALE_TIMESTAMP);
    String future = Long.toString(NOW + 301);
    assertThat(rejection(verify(future, "n", sign(platform, future, "n", body), serial, body)))
        .isEqualTo(Notification.Rejection.STALE_TIMESTAMP);
    // so far off that the difference overflows a long: as stale as any
    String ancient = Long.toString(NOW + Long.MIN_VALUE);
    assertThat(rejection(verify(ancient, "n", sign(platform, ancient, "n", body), serial, body)))
        .isEqualTo(Notification.Rejection.STALE_TIMESTAMP);
    assertThat(rejection(verify(ts, "n", sign(platform, ts, "n", body), "UNKNOWN", body)))
        .isEqualTo(Notification.Rejection.UNKNOWN_SERIAL);
    assertThat(rejection(verify(null, "n", "x", serial, body))).isEqualTo(Notification.Rejection.MISSING_HEADERS);

    String flipped = good.substring(0, 20) + (good.charAt(20) == 'A' ? 'B' : 'A') + good.substring(21);
    byte[] tampered = body("AEAD_AES_256_GCM", flipped).getBytes(StandardCharsets.UTF_8);
    // signed by the platform (so only the AEAD tag can catch it)
    assertThat(rejection(verify(ts, "n", sign(platform, ts, "n", tampered), serial, tampered)))
        .isEqualTo(Notification.Rejection.DECRYPT_FAILED);
    byte[] sm4 = body("AEAD_SM4_GCM", good).getBytes(StandardCharsets.UTF_8);
    assertThat(rejection(verify(ts, "n", sign(platform, ts, "n", sm4), serial, sm4)))
        .isEqualTo(Notification.Rejection.UNSUPPORTED_ALGORITHM);
    byte[] notJson = "not json".getBytes(StandardCharsets.UTF_8);
    assertThat(rejection(verify(ts, "n", sign(platform, ts, "n", notJson), serial, notJson)))
        .isEqualTo(Notification.Rejection.MALFORMED_BODY);
  }

  @Test
  void theGuomiSchemeVerifiesSm2AndDecryptsSm4() {
    KeyPair sm2Platform = Vectors.sm2();
    WechatPayMerchant gm = new WechatPayMerchant("1900006891", "wxdace645e0bc2cXXX", "SERIAL", Vectors.sm2().getPrivate(),
        API_V3_KEY, WechatPayScheme.SM2, new PlatformKeys().put("SM2SERIAL", sm2Platform.getPublic()));
    byte[] body = body("AEAD_SM4_GCM", Vectors.text("transaction.sm4-gcm.b64").trim()).getBytes(StandardCharsets.UTF_8);
    String ts = Long.toString(NOW);
    String sig = Crypto.sign("SM3withSM2", sm2Platform.getPrivate(), WechatPaySignatures.responseMessage(ts, "n", body));
    Notification n = new NotificationVerifier(gm, CLOCK).verify(ts, "n", sig, "SM2SERIAL", body);
    assertThat(n).isInstanceOf(Notification.Verified.class);
    assertThat(((Notification.Verified) n).resource().path("transaction_id").asText()).isEqualTo("4200000423201912151234567890");
  }

  static Notification.Rejection rejection(Notification n) {
    assertThat(n).isInstanceOf(Notification.Rejected.class);
    return ((Notification.Rejected) n).reason();
  }
}
