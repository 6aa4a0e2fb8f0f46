package cn.liangxian.channel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.spec.ECGenParameterSpec;

/** Test vectors made with OpenSSL and Python (see resources/vectors/README.md), and test keys. */
public final class Vectors {
  private Vectors() {}

  public static byte[] bytes(String name) {
    try (InputStream in = Vectors.class.getResourceAsStream("/vectors/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no vector " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String text(String name) {
    return new String(bytes(name), StandardCharsets.UTF_8);
  }

  /** How many distinct RSA key pairs a test JVM keeps: more than any one test asks for. */
  static final int RSA_KEPT = 16;
  private static final KeyPair[] RSA = new KeyPair[RSA_KEPT];
  private static int next;

  /**
   * An RSA-2048 key pair that differs from those of the last {@value #RSA_KEPT} - 1 calls: the kept pairs of this JVM in
   * turn, each made the first time it is handed out. A test's keys stay apart (a merchant's, a platform's, a stranger's)
   * while the suite makes sixteen instead of one a call, a fifth of a second of CPU each.
   */
  public static synchronized KeyPair rsa() {
    int i = next;
    next = (next + 1) % RSA_KEPT;
    if (RSA[i] == null) {
      try {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        RSA[i] = g.generateKeyPair();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    return RSA[i];
  }

  public static KeyPair sm2() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC", Crypto.BC);
      g.initialize(new ECGenParameterSpec("sm2p256v1"));
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
