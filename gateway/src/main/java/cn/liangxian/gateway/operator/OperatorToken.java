package cn.liangxian.gateway.operator;

import cn.liangxian.gateway.http.Problem;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer token operators present on {@code /api/v1/operator/*}: from {@code GATEWAY_OPERATOR_TOKEN},
 * else from {@code operator.token} in the key directory, generated there on first start (and said so).
 * Compared in constant time on digests, so neither content nor length leaks through timing.
 */
public final class OperatorToken {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorToken.class);
  static final String FILE = "operator.token";
  private static final int MIN_LENGTH = 24;

  private final byte[] digest;

  public OperatorToken(String token) {
    if (token == null || token.strip().length() < MIN_LENGTH) {
      throw new IllegalArgumentException("the operator token must have at least " + MIN_LENGTH + " characters");
    }
    this.digest = sha256(token.strip());
  }

  public static OperatorToken load(Path keyDir, Map<String, String> env) {
    String v = env.get("GATEWAY_OPERATOR_TOKEN");
    if (v != null && !v.isBlank()) {
      return new OperatorToken(v);
    }
    Path p = keyDir.resolve(FILE);
    try {
      if (!Files.exists(p)) {
        Files.createDirectories(keyDir);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        Files.writeString(p, Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n");
        try {
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
          // not a POSIX file system
        }
        LOG.warn("generated a DEMO operator token in {}: for real use provide GATEWAY_OPERATOR_TOKEN or your own file", p);
      }
      return new OperatorToken(Files.readString(p, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the operator token " + p, e);
    }
  }

  /** Throws a 401 problem unless the request carries {@code Authorization: Bearer <token>}. */
  public void authorize(RoutingContext ctx) {
    String h = ctx.request().getHeader("Authorization");
    boolean ok = h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) && MessageDigest.isEqual(digest, sha256(h.substring(7).strip()));
    if (!ok) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"operator\"");
      throw new Problem(401, "operator-unauthorized", "Operator token required",
          "send Authorization: Bearer <operator token>");
    }
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
