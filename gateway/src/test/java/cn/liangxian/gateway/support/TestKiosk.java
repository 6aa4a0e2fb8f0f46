package cn.liangxian.gateway.support;

import cn.liangxian.channel.Crypto;
import cn.liangxian.channel.Pem;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.spec.ECGenParameterSpec;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** A kiosk registered at a test gateway (ECDSA P-256) that signs requests as the kiosk agent does. */
public final class TestKiosk {
  public final String id;
  private final KeyPair key;
  private final MutableClock clock;

  private TestKiosk(String id, KeyPair key, MutableClock clock) {
    this.id = id;
    this.key = key;
    this.clock = clock;
  }

  /** A new key registered by the first administrator under {@code id}. */
  public static TestKiosk register(TestGateway g, String id) throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair key = ec.generateKeyPair();
    var r = g.http.post("/api/v1/operator/kiosks").putHeader("Content-Type", "application/json")
        .putHeader("Authorization", "Bearer " + g.adminToken())
        .sendBuffer(Buffer.buffer(new JsonObject().put("kioskId", id).put("publicKey", Pem.write(key.getPublic())).encode()))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    if (r.statusCode() / 100 != 2) {
      throw new AssertionError("kiosk registration answered " + r.statusCode() + ": " + r.bodyAsString());
    }
    return new TestKiosk(id, key, g.clock);
  }

  /** The X-Kiosk-* headers (name, value, ...) of a request with this method, path and query, and body. */
  public String[] sign(String method, String uri, String body) {
    return sign(method, uri, body, key);
  }

  /** As {@link #sign}, but signed with a key that is not this kiosk's (a forger who knows the id). */
  public String[] forge(String method, String uri, String body) throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    return sign(method, uri, body, ec.generateKeyPair());
  }

  private String[] sign(String method, String uri, String body, KeyPair with) {
    String ts = Long.toString(clock.instant().getEpochSecond());
    byte[] n = new byte[16];
    ThreadLocalRandom.current().nextBytes(n);
    String nonce = HexFormat.of().formatHex(n);
    String message = String.join("\n", "LX-KIOSK-SIG-V1", id, method, uri, ts, nonce, sha256(body));
    String sig = Crypto.sign("SHA256withECDSA", with.getPrivate(), message.getBytes(StandardCharsets.UTF_8));
    return new String[] {"X-Kiosk-Id", id, "X-Kiosk-Timestamp", ts, "X-Kiosk-Nonce", nonce, "X-Kiosk-Signature", sig};
  }

  /** {@code headers} followed by {@code more}. */
  public static String[] with(String[] headers, String... more) {
    String[] all = java.util.Arrays.copyOf(headers, headers.length + more.length);
    System.arraycopy(more, 0, all, headers.length, more.length);
    return all;
  }

  private static String sha256(String body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
