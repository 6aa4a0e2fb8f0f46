package cn.liangxian.reliability.fuzz;

import cn.liangxian.channel.Crypto;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;

/** The kinds of caller that exist today. */
public final class Callers {
  private static final SecureRandom NONCES = new SecureRandom();

  private Callers() {}

  /** Nobody in particular: a phone or a stranger. */
  public static Caller anonymous() {
    return new Caller() {
      public String name() {
        return "anonymous";
      }

      public Map<String, String> headers(String method, String target, byte[] body) {
        return Map.of();
      }
    };
  }

  /** An operator logged in with this role: the bearer token of its session. */
  public static Caller operator(String role, String token) {
    return new Caller() {
      public String name() {
        return "operator-" + role;
      }

      public Map<String, String> headers(String method, String target, byte[] body) {
        return Map.of("Authorization", "Bearer " + token);
      }

      public boolean operator() {
        return true;
      }
    };
  }

  /** A resident logged in to a mini-program: the bearer token of the session the gateway gave for a login code. */
  public static Caller resident(String token) {
    return new Caller() {
      public String name() {
        return "resident";
      }

      public Map<String, String> headers(String method, String target, byte[] body) {
        return Map.of("Authorization", "Bearer " + token);
      }
    };
  }

  /** A registered kiosk signing every request (LX-KIOSK-SIG-V1, ECDSA P-256) with the gateway's clock. */
  public static Caller kiosk(String kioskId, KeyPair key, Clock clock) {
    return new Caller() {
      public String name() {
        return "kiosk";
      }

      public Map<String, String> headers(String method, String target, byte[] body) {
        byte[] n = new byte[16];
        NONCES.nextBytes(n);
        String nonce = HexFormat.of().formatHex(n);
        String ts = Long.toString(clock.instant().getEpochSecond());
        String message = String.join("\n", "LX-KIOSK-SIG-V1", kioskId, method, target, ts, nonce, sha256(body));
        String sig = Crypto.sign("SHA256withECDSA", key.getPrivate(), message.getBytes(StandardCharsets.UTF_8));
        return Map.of("X-Kiosk-Id", kioskId, "X-Kiosk-Timestamp", ts, "X-Kiosk-Nonce", nonce, "X-Kiosk-Signature", sig);
      }
    };
  }

  static String sha256(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
