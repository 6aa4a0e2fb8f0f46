package cn.liangxian.gateway.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards the operator routes with a bearer token ({@code GATEWAY_OPERATOR_TOKEN}, or a token file in the
 * key directory, generated on first start). No operator route answers without it.
 */
public final class OperatorAuth implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorAuth.class);
  private final byte[] token;

  public OperatorAuth(String token) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  public static OperatorAuth load(Path keyDir, Map<String, String> env) {
    String t = env.get("GATEWAY_OPERATOR_TOKEN");
    if (t != null && !t.isBlank()) {
      return new OperatorAuth(t.strip());
    }
    Path p = keyDir.resolve("operator.token");
    try {
      if (!Files.exists(p)) {
        Files.createDirectories(keyDir);
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        Files.writeString(p, HexFormat.of().formatHex(b) + "\n");
        LOG.warn("generated a DEMO operator token in {}: set GATEWAY_OPERATOR_TOKEN for real use", p);
      }
      return new OperatorAuth(Files.readString(p).strip());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + p, e);
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    String h = ctx.request().getHeader("Authorization");
    byte[] given = h != null && h.startsWith("Bearer ") ? h.substring(7).strip().getBytes(StandardCharsets.UTF_8) : new byte[0];
    if (!MessageDigest.isEqual(given, token)) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"operator\"");
      ctx.fail(new Problem(401, "unauthorized", "Operator authentication required", "send Authorization: Bearer <operator token>"));
      return;
    }
    ctx.next();
  }
}
