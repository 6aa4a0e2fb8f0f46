package cn.liangxian.channel.agency;

import cn.liangxian.channel.Crypto;
import cn.liangxian.channel.Sm2;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import java.security.spec.MGF1ParameterSpec;
import org.bouncycastle.crypto.InvalidCipherTextException;

/**
 * What the gateway and a receiving agency both speak (see docs/agency-interface.md): a message signed
 * by its sender (SM3withSM2, or SHA256withRSA), personal fields sealed with SM4-GCM under a fresh
 * 128-bit key per message, that key wrapped for the recipient (SM2 encryption C1C3C2, or RSA-OAEP-SHA256).
 */
public final class AgencyEnvelope {
  public static final String SENDER = "X-Lx-Sender";
  public static final String TIMESTAMP = "X-Lx-Timestamp";
  public static final String NONCE = "X-Lx-Nonce";
  public static final String SIGNATURE = "X-Lx-Signature";
  public static final String SIGNATURE_ALGORITHM = "X-Lx-Signature-Algorithm";

  private static final SecureRandom RANDOM = new SecureRandom();

  /** The two schemes a receiver may be configured with. */
  public enum Scheme {
    SM2("SM3withSM2"), RSA("SHA256withRSA");

    public final String signature;

    Scheme(String signature) {
      this.signature = signature;
    }

    public static Scheme of(String algorithm) {
      for (Scheme s : values()) {
        if (s.signature.equals(algorithm) || s.name().equals(algorithm)) {
          return s;
        }
      }
      throw new IllegalArgumentException("unknown signature algorithm " + algorithm);
    }

    /** The scheme of a key: SM2 (EC on the SM2 curve) or RSA. */
    public static Scheme ofKey(java.security.Key key) {
      return key.getAlgorithm().equals("RSA") ? RSA : SM2;
    }
  }

  private AgencyEnvelope() {}

  public static KeyPair generate(Scheme scheme) {
    try {
      if (scheme == Scheme.RSA) {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
      }
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC", Crypto.BC);
      g.initialize(new ECGenParameterSpec("sm2p256v1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a " + scheme + " key", e);
    }
  }

  /** What is signed: the timestamp, the nonce and the body, each followed by a newline. */
  public static byte[] signed(String timestamp, String nonce, byte[] body) {
    byte[] head = (timestamp + "\n" + nonce + "\n").getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(head.length + body.length + 1).put(head).put(body).put((byte) '\n').array();
  }

  public static String sign(PrivateKey key, String timestamp, String nonce, byte[] body) {
    return Crypto.sign(Scheme.ofKey(key).signature, key, signed(timestamp, nonce, body));
  }

  public static boolean verify(PublicKey key, String timestamp, String nonce, byte[] body, String signature) {
    return timestamp != null && nonce != null && Crypto.verify(Scheme.ofKey(key).signature, key, signed(timestamp, nonce, body),
        signature);
  }

  /** A detached signature (DER bytes) over a whole file, as {@code openssl dgst -verify} checks it. */
  public static byte[] signFile(PrivateKey key, byte[] file) {
    return Base64.getDecoder().decode(Crypto.sign(Scheme.ofKey(key).signature, key, file));
  }

  public static byte[] newKey() {
    byte[] k = new byte[16];
    RANDOM.nextBytes(k);
    return k;
  }

  /** The message key wrapped for the holder of {@code recipient}'s private key, in Base64. */
  public static String wrap(PublicKey recipient, byte[] key) {
    try {
      if (Scheme.ofKey(recipient) == Scheme.RSA) {
        Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
        c.init(Cipher.ENCRYPT_MODE, recipient, OAEP);
        return Base64.getEncoder().encodeToString(c.doFinal(key));
      }
      return Base64.getEncoder().encodeToString(Sm2.encrypt(recipient, key));
    } catch (GeneralSecurityException | InvalidCipherTextException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot wrap the message key", e);
    }
  }

  /** The message key; IllegalArgumentException when it was not wrapped for this key. */
  public static byte[] unwrap(PrivateKey own, String wrapped) {
    try {
      byte[] w = Base64.getDecoder().decode(wrapped);
      if (Scheme.ofKey(own) == Scheme.RSA) {
        Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
        c.init(Cipher.DECRYPT_MODE, own, OAEP);
        return c.doFinal(w);
      }
      return Sm2.decrypt(own, w);
    } catch (GeneralSecurityException | InvalidCipherTextException | RuntimeException e) {
      throw new IllegalArgumentException("the message key does not unwrap with this key");
    }
  }

  private static final OAEPParameterSpec OAEP = new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
      PSource.PSpecified.DEFAULT);

  /** A personal field sealed: Base64 of nonce (12 bytes) || SM4-GCM ciphertext || tag. */
  public static String seal(byte[] key, String clear) {
    try {
      byte[] nonce = new byte[12];
      RANDOM.nextBytes(nonce);
      Cipher c = Cipher.getInstance("SM4/GCM/NoPadding", Crypto.BC);
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "SM4"), new GCMParameterSpec(128, nonce));
      byte[] ct = c.doFinal(clear.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(ByteBuffer.allocate(12 + ct.length).put(nonce).put(ct).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SM4-GCM unavailable", e);
    }
  }

  /** The clear text of a sealed field; IllegalArgumentException when it was not sealed under this key. */
  public static String open(byte[] key, String sealed) {
    try {
      byte[] b = Base64.getDecoder().decode(sealed);
      Cipher c = Cipher.getInstance("SM4/GCM/NoPadding", Crypto.BC);
      c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "SM4"), new GCMParameterSpec(128, b, 0, 12));
      return new String(c.doFinal(b, 12, b.length - 12), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("a sealed field does not open with this key");
    }
  }
}
