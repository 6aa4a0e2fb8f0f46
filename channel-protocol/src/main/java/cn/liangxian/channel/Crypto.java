package cn.liangxian.channel;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** Signatures the channels use: SHA256withRSA, and SM3withSM2 (国密) through Bouncy Castle. */
public final class Crypto {
  /** One provider instance, never registered globally: the JDK's own providers stay first for RSA and AES. */
  public static final Provider BC = new BouncyCastleProvider();
  private static final String SM2 = "SM3withSM2";

  private Crypto() {}

  public static String sign(String algorithm, PrivateKey key, byte[] message) {
    if (algorithm.equals(SM2) && !key.getAlgorithm().equals("RSA")) {
      try {
        return Base64.getEncoder().encodeToString(Sm2.sign(key, message)); // the curve's tables kept with the key
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("cannot sign with " + algorithm, e);
      }
    }
    try {
      Signature s = signature(algorithm);
      s.initSign(key);
      s.update(message);
      return Base64.getEncoder().encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with " + algorithm, e);
    }
  }

  /**
   * Whether {@code publicKey} (a certificate's, say) is the pair of {@code privateKey} for {@code algorithm}: a probe
   * signed with one verifies with the other. False for keys of another kind, never an exception.
   */
  public static boolean pairs(String algorithm, PrivateKey privateKey, PublicKey publicKey) {
    byte[] probe = "key pair check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    try {
      return verify(algorithm, publicKey, probe, sign(algorithm, privateKey, probe));
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** False for a wrong signature, malformed Base64 or a key of the wrong kind: never an exception. */
  public static boolean verify(String algorithm, PublicKey key, byte[] message, String signatureBase64) {
    if (signatureBase64 == null || key == null) {
      return false;
    }
    try {
      byte[] sig = Base64.getDecoder().decode(signatureBase64.trim());
      if (algorithm.equals(SM2)) {
        return !key.getAlgorithm().equals("RSA") && Sm2.verify(key, message, sig);
      }
      Signature s = signature(algorithm);
      s.initVerify(key);
      s.update(message);
      return s.verify(sig);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  private static Signature signature(String algorithm) throws GeneralSecurityException {
    // SM2, and ECDSA (keys read from PEM are Bouncy Castle keys, which the JDK's EC provider refuses), go to BC
    return algorithm.equals(SM2) || algorithm.endsWith("withECDSA")
        ? Signature.getInstance(algorithm, BC) : Signature.getInstance(algorithm);
  }
}
