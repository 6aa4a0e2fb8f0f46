package cn.liangxian.sandbox.wechat;

import cn.liangxian.channel.Crypto;
import cn.liangxian.channel.wechat.WechatPayScheme;
import cn.liangxian.sandbox.Certificates;
import cn.liangxian.sandbox.DemoKeys;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
  /** Platform certificates (RSA), oldest first; the last one signs. Replaced whole, so readers need no lock. */
  private volatile List<PlatformCertificate> certificates = List.of();

  /** A platform certificate: its serial number (upper-case hex), key pair and certificate. */
  public record PlatformCertificate(String serial, KeyPair keys, X509Certificate certificate) {}

  private WechatPlatform(KeyPair rsa, KeyPair sm2, String serial) {
    this.rsa = rsa;
    this.sm2 = sm2;
    this.serial = serial;
  }

  public static WechatPlatform generate() {
    try {
      KeyPairGenerator s = KeyPairGenerator.getInstance("EC", Crypto.BC);
      s.initialize(new ECGenParameterSpec("sm2p256v1"));
      String serial = "PUB_KEY_ID_0000SANDBOX" + HexFormat.of().withUpperCase().formatHex(randomBytes(8));
      return new WechatPlatform(DemoKeys.rsa("wechat-platform"), s.generateKeyPair(), serial);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A new platform certificate valid from {@code from} for {@code validity}: from now on it signs; the older ones stay listed. */
  public synchronized PlatformCertificate rotate(Instant from, Duration validity) {
    // each rotation a key of its own
    KeyPair keys = DemoKeys.rsa("wechat-platform-certificate-" + (certificates.size() + 1));
    BigInteger number = new BigInteger(1, randomBytes(20));
    X509Certificate cert = Certificates.issue("CN=Tenpay.com Root CA Sandbox Platform,O=Tenpay.com,C=CN", keys.getPublic(), null,
        keys.getPrivate(), false, from, from.plus(validity), number);
    PlatformCertificate c = new PlatformCertificate(number.toString(16).toUpperCase(Locale.ROOT), keys, cert);
    List<PlatformCertificate> all = new ArrayList<>(certificates);
    all.add(c);
    certificates = List.copyOf(all);
    return c;
  }

  /** Every platform certificate, oldest first. */
  public List<PlatformCertificate> certificates() {
    return certificates;
  }

  /** The serial a merchant's answers and notifications carry: the current certificate's, or the public key id. */
  String serialFor(WechatMerchant m) {
    return m.certificates() && !certificates.isEmpty() ? certificates.get(certificates.size() - 1).serial() : serial;
  }

  /** Signs for this merchant: with the current certificate's key in certificate mode, else with the public key. */
  String signFor(WechatMerchant m, byte[] message) {
    if (m.certificates() && !certificates.isEmpty()) {
      return Crypto.sign(WechatPayScheme.RSA.signatureAlgorithm(), certificates.get(certificates.size() - 1).keys().getPrivate(),
          message);
    }
    return sign(m.scheme(), message);
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
