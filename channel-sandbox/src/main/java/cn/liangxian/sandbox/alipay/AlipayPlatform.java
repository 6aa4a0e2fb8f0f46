package cn.liangxian.sandbox.alipay;

import cn.liangxian.channel.Crypto;
import cn.liangxian.channel.alipay.AlipaySignatures;
import cn.liangxian.sandbox.DemoKeys;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Map;

/** Alipay's own RSA2 key, made for this run: it signs every answer and notification. */
public final class AlipayPlatform {
  private final KeyPair key;

  private AlipayPlatform(KeyPair key) {
    this.key = key;
  }

  public static AlipayPlatform generate() {
    return new AlipayPlatform(DemoKeys.rsa("alipay-platform"));
  }

  /** The "Alipay public key" an app trusts. */
  public PublicKey publicKey() {
    return key.getPublic();
  }

  /** The signature of an answer: over the raw JSON text of its {@code *_response} member. */
  String signAnswer(String raw) {
    return Crypto.sign(AlipaySignatures.ALGORITHM, key.getPrivate(), raw.getBytes(StandardCharsets.UTF_8));
  }

  String signNotification(Map<String, String> form) {
    return AlipaySignatures.signNotification(key.getPrivate(), form);
  }
}
