package cn.liangxian.sandbox.wechat;

import cn.liangxian.channel.Crypto;
import cn.liangxian.channel.wechat.WechatPayScheme;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.HexFormat;

/**
 * WeChat Pay's own keys, made for this run: one per scheme (RSA-2048 and SM2) under one public key id
 * (the {@code Wechatpay-Serial} of every answer and notification).
 */
public final class WechatPlatform {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final KeyPair rsa;
  private final KeyPair sm2;
  private final String serial;

  private WechatPlatform(KeyPair rsa, KeyPair sm2, String serial) {
    this.rsa = rsa;
    this.sm2 = sm2;
    this.serial = serial;
  }

  public static WechatPlatform generate() {
    try {
      KeyPairGenerator r = KeyPairGenerator.getInstance("RSA");
      r.initialize(2048);
      KeyPairGenerator s = KeyPairGenerator.getInstance("EC", Crypto.BC);
      s.initialize(new ECGenParameterSpec("sm2p256v1"));
      String serial = "PUB_KEY_ID_0000SANDBOX" + HexFormat.of().withUpperCase().formatHex(randomBytes(8));
      return new WechatPlatform(r.generateKeyPair(), s.generateKeyPair(), serial);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The key merchants of this scheme trust, under {@link #serial()}. */
  public PublicKey publicKey(WechatPayScheme scheme) {
    return keys(scheme).getPublic();
  }

  public String serial() {
    return serial;
  }

  /** The Base64 signature of a response or notification message. */
  String sign(WechatPayScheme scheme, byte[] message) {
    return Crypto.sign(scheme.signatureAlgorithm(), keys(scheme).getPrivate(), message);
  }

  /** A fresh nonce: {@code bytes} random bytes in hex. */
  static String nonce(int bytes) {
    return HexFormat.of().formatHex(randomBytes(bytes));
  }

  private KeyPair keys(WechatPayScheme scheme) {
    return scheme == WechatPayScheme.RSA ? rsa : sm2;
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
