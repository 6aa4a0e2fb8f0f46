package cn.liangxian.sandbox.unionpay;

import cn.liangxian.channel.Pem;
import cn.liangxian.channel.unionpay.UnionPaySignatures;
import cn.liangxian.channel.unionpay.UnionPayTrust;
import cn.liangxian.sandbox.Certificates;
import cn.liangxian.sandbox.DemoKeys;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * UnionPay's certificates, made for this run: a root, a middle CA under it, and the signing certificate
 * (CN {@code 041@...@中国银联股份有限公司@...}) whose key signs every answer and notification and which
 * travels with them as {@code signPubKeyCert}. Merchants trust the root and the middle.
 */
public final class UnionPayPlatform {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final KeyPair rootKeys;
  private final KeyPair middleKeys;
  private final KeyPair signKeys;
  private final X509Certificate root;
  private final X509Certificate middle;
  private final X509Certificate sign;
  private final String signPem;

  /** @param now the channel's time: the certificates are valid from a month before it to two years after */
  public UnionPayPlatform(Instant now) {
    this(now, "unionpay");
  }

  /**
   * @param keys the name its keys go by (see {@link DemoKeys}): a second platform in one process, a forger's
   *     say, names its own so that it never signs with UnionPay's keys
   */
  public UnionPayPlatform(Instant now, String keys) {
    rootKeys = DemoKeys.rsa(keys + "-root");
    middleKeys = DemoKeys.rsa(keys + "-middle");
    signKeys = DemoKeys.rsa(keys + "-sign");
    Instant from = now.minus(Duration.ofDays(30));
    Instant to = now.plus(Duration.ofDays(730));
    root = certificate("CN=Sandbox UnionPay Root,O=China UnionPay", rootKeys.getPublic(), null, rootKeys.getPrivate(), true, from, to);
    middle = certificate("CN=Sandbox UnionPay Middle,O=China UnionPay", middleKeys.getPublic(), root, rootKeys.getPrivate(),
        true, from, to);
    sign = signingCertificate(signKeys.getPublic(), UnionPayTrust.UNIONPAY_NAME, from, to);
    signPem = Pem.write(sign).strip();
  }

  public X509Certificate root() {
    return root;
  }

  public X509Certificate middle() {
    return middle;
  }

  /** Signs an answer or notification: adds {@code signPubKeyCert} and {@code signature}. */
  public void sign(Map<String, String> fields) {
    fields.put("signPubKeyCert", signPem);
    fields.put("signature", UnionPaySignatures.sign(signKeys.getPrivate(), fields));
  }

  /** Signs as a forger would: with a certificate the forger made (tests of what a merchant refuses). */
  public void signWith(Map<String, String> fields, X509Certificate certificate, PrivateKey key) {
    fields.put("signPubKeyCert", Pem.write(certificate).strip());
    fields.put("signature", UnionPaySignatures.sign(key, fields));
  }

  /** The signing key pair (its certificate issued by {@link #issue}). */
  public KeyPair signKeys() {
    return signKeys;
  }

  /** A certificate of {@code owner}'s name under this platform's middle CA, valid between the given instants. */
  public X509Certificate issue(String owner, Instant from, Instant to) {
    return signingCertificate(signKeys.getPublic(), owner, from, to);
  }

  /** A merchant's signing certificate under the middle CA, its serial number the merchant's certId. */
  public X509Certificate merchantCertificate(String merId, PublicKey key, String certId) {
    return certificate("CN=" + merId + ",O=Sandbox Merchant", key, middle, middleKeys.getPrivate(), false,
        middle.getNotBefore().toInstant(), middle.getNotAfter().toInstant(), new BigInteger(certId));
  }

  private X509Certificate signingCertificate(PublicKey key, String owner, Instant from, Instant to) {
    return certificate("CN=041@Z12400000000000000@" + owner + "@00000001,OU=Sandbox,O=China UnionPay", key, middle,
        middleKeys.getPrivate(), false, from, to);
  }

  static X509Certificate certificate(String subject, PublicKey key, X509Certificate issuer, PrivateKey issuerKey, boolean ca,
      Instant from, Instant to) {
    return Certificates.issue(subject, key, issuer, issuerKey, ca, from, to, new BigInteger(63, RANDOM));
  }

  static X509Certificate certificate(String subject, PublicKey key, X509Certificate issuer, PrivateKey issuerKey, boolean ca,
      Instant from, Instant to, BigInteger serial) {
    return Certificates.issue(subject, key, issuer, issuerKey, ca, from, to, serial);
  }

}
