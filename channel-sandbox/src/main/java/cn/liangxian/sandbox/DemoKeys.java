package cn.liangxian.sandbox;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The RSA-2048 key pairs a sandbox makes for its run, each named by its use ("alipay-platform",
 * "demo-merchant-wechat", ...). Made fresh for every sandbox, unless a process that starts many sandboxes
 * one after another (a test suite: each gateway under test brings its own) asks to {@link #keepForThisProcess()}:
 * then every use gets one key for the whole process, made the first time it is asked for. Within one sandbox
 * the uses stay apart (no two roles share a key); sandboxes of one process then share theirs. Making the
 * eight keys of a sandbox takes about a second of CPU.
 */
public final class DemoKeys {
  private static volatile boolean kept;
  private static final ConcurrentHashMap<String, KeyPair> KEPT = new ConcurrentHashMap<>();

  private DemoKeys() {}

  /** From now on, each use's key is made once in this process and handed to every sandbox after. */
  public static void keepForThisProcess() {
    kept = true;
  }

  /** The key pair for {@code use}: a new one, or this process's kept one. */
  public static KeyPair rsa(String use) {
    return kept ? KEPT.computeIfAbsent(use, u -> made()) : made();
  }

  private static KeyPair made() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
