package cn.liangxian.gateway.operator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id (RFC 9106) from Bouncy Castle, stored as a PHC string
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}), so parameters can be raised later and old hashes
 * still verify. The defaults are OWASP's minimum for Argon2id. Hashing is deliberately slow and
 * memory-hungry: call it off the event loop.
 */
public final class PasswordHasher {
  public static final int MIN_LENGTH = 12;
  /** OWASP's minimum for Argon2id: 19 MiB and two passes (operator.passwordMemoryKiB, operator.passwordIterations). */
  public static final int OWASP_MEMORY_KIB = 19_456;
  public static final int OWASP_ITERATIONS = 2;
  /** The most memory a stored hash may name and still be verified (2 GiB); operator.passwordMemoryKiB allows no more. */
  static final int MAX_MEMORY_KIB = 1 << 21;
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final int memoryKiB;
  private final int iterations;
  private final int parallelism;

  public PasswordHasher() {
    this(OWASP_MEMORY_KIB, OWASP_ITERATIONS, 1);
  }

  /**
   * New passwords hashed as the configuration says (operator.passwordMemoryKiB, operator.passwordIterations). A memory
   * cost this process's heap cannot give the hashes that may run at once stops the start with a line naming the setting.
   */
  public static PasswordHasher configured(cn.liangxian.gateway.config.GatewayOptions options) {
    return configured(options, Runtime.getRuntime().maxMemory());
  }

  /**
   * As {@link #configured(cn.liangxian.gateway.config.GatewayOptions)} in a process whose heap is {@code heapBytes}: the
   * {@value PasswordWork#THREADS} hashes that may run at once ({@link PasswordWork}) take at most half of it, the rest
   * being the requests' and the caches'. Beyond that a burst of logins would end in an OutOfMemoryError mid-collection.
   */
  static PasswordHasher configured(cn.liangxian.gateway.config.GatewayOptions options, long heapBytes) {
    long together = (long) PasswordWork.THREADS * options.passwordMemoryKiB() * 1024;
    if (together > heapBytes / 2) {
      long mib = 1024 * 1024;
      throw new cn.liangxian.gateway.config.ConfigException("operator.passwordMemoryKiB (GATEWAY_OPERATOR_PASSWORD_MEMORY_KIB) "
          + options.passwordMemoryKiB() + ": the " + PasswordWork.THREADS + " password hashes that may run at once would take "
          + together / mib + " MiB, more than half of this process's heap (" + heapBytes / mib
          + " MiB); lower it, or give the JVM more memory (-Xmx)");
    }
    return new PasswordHasher(options.passwordMemoryKiB(), options.passwordIterations(), 1);
  }

  public PasswordHasher(int memoryKiB, int iterations, int parallelism) {
    this.memoryKiB = memoryKiB;
    this.iterations = iterations;
    this.parallelism = parallelism;
  }

  /**
   * Whether new hashes cost less than OWASP's minimum (a test machine's setting: never a deployment's): any of its
   * equal settings counts, 47,104 KiB with one pass, 19,456 with two, 12,288 with three, 9,216 with four, 7,168 with five.
   */
  public boolean belowOwaspMinimum() {
    return memoryKiB < OWASP_MEMORY_BY_PASSES[Math.min(iterations, OWASP_MEMORY_BY_PASSES.length) - 1];
  }

  /**
   * What is said where new hashes would cost less than OWASP's minimum: the gateway's start logs it, {@code operator add}
   * prints it on the console of whoever makes the account. Null when they do not.
   */
  public String belowOwaspWarning() {
    return !belowOwaspMinimum() ? null : "operator passwords set from now on are hashed below OWASP's minimum for Argon2id ("
        + parameters() + "; operator.passwordMemoryKiB, operator.passwordIterations): a setting for a test machine, never"
        + " for a deployment (a stronger hash kept already stays as it is)";
  }

  /** OWASP's equal settings: the least memory (KiB) for one pass, two, three, four, and five or more. */
  private static final int[] OWASP_MEMORY_BY_PASSES = {47_104, OWASP_MEMORY_KIB, 12_288, 9_216, 7_168};

  /** The parameters as a log line names them. */
  public String parameters() {
    return "m=" + memoryKiB + " KiB, t=" + iterations + ", p=" + parallelism;
  }

  /** Why a password is refused, or null when it is acceptable. */
  public static String weakness(String password) {
    if (password == null || password.codePointCount(0, password.length()) < MIN_LENGTH) {
      return "a password needs at least " + MIN_LENGTH + " characters";
    }
    if (password.codePoints().distinct().count() < 5) {
      return "a password needs at least 5 different characters";
    }
    if (password.length() > 256) {
      return "a password has at most 256 characters";
    }
    return null;
  }

  public String hash(String password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    byte[] out = derive(password, salt, memoryKiB, iterations, parallelism, 32);
    return "$argon2id$v=19$m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism + "$" + B64.encodeToString(salt)
        + "$" + B64.encodeToString(out);
  }

  /**
   * The hash of a random password, with these parameters, made once per process: a login naming no account is
   * verified against it, so that it costs what a wrong password costs.
   */
  public String unknownAccountHash() {
    return UNKNOWN.computeIfAbsent(memoryKiB + "," + iterations + "," + parallelism, k -> hash(java.util.UUID.randomUUID().toString()));
  }

  private static final java.util.Map<String, String> UNKNOWN = new java.util.concurrent.ConcurrentHashMap<>();

  /** Whether {@code password} matches {@code phc}; false for anything that is not an Argon2id PHC string. */
  public boolean verify(String password, String phc) {
    Cost c = cost(phc);
    if (c == null) {
      return false;
    }
    String[] parts = phc.split("\\$");
    byte[] expected;
    byte[] salt;
    try {
      salt = B64D.decode(parts[4]);
      expected = B64D.decode(parts[5]);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(expected, derive(password, salt, c.m(), c.t(), c.p(), expected.length));
  }

  /**
   * Whether a stored hash was made with weaker parameters than today's, in memory or in passes (rehash it at the next
   * login): a cost lowered never makes a stronger hash weaker.
   */
  public boolean outdated(String phc) {
    Cost c = cost(phc);
    return c == null || c.m() < memoryKiB || c.t() < iterations;
  }

  /** An Argon2id hash's parameters: memory in KiB, passes, lanes. */
  private record Cost(int m, int t, int p) {}

  /** The parameters of an Argon2id PHC string ({@code $argon2id$v=19$m=…,t=…,p=…$salt$hash}); null for anything else. */
  private static Cost cost(String phc) {
    String[] parts = phc == null ? new String[0] : phc.split("\\$");
    if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
      return null;
    }
    int m = 0;
    int t = 0;
    int p = 0;
    for (String kv : parts[3].split(",")) {
      String[] a = kv.split("=", 2);
      if (a.length != 2) {
        return null;
      }
      int v;
      try {
        v = Integer.parseInt(a[1]);
      } catch (NumberFormatException e) {
        return null;
      }
      switch (a[0]) {
        case "m" -> m = v;
        case "t" -> t = v;
        case "p" -> p = v;
        default -> {
          return null;
        }
      }
    }
    if (m < 8 || t < 1 || p < 1 || m > MAX_MEMORY_KIB || t > 100 || p > 16) {
      return null;
    }
    return new Cost(m, t, p);
  }

  private static byte[] derive(String password, byte[] salt, int m, int t, int p, int length) {
    Argon2BytesGenerator gen = new Argon2BytesGenerator();
    gen.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withSalt(salt).withMemoryAsKB(m).withIterations(t).withParallelism(p).build());
    byte[] out = new byte[length];
    gen.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
    return out;
  }
}
