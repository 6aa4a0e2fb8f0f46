package cn.liangxian.gateway.kiosk;

import cn.liangxian.channel.Crypto;
import cn.liangxian.channel.Pem;
import cn.liangxian.gateway.channel.Signing;
import cn.liangxian.gateway.http.Problem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.EllipticCurve;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Kiosk requests: whoever says {@code X-Kiosk-Id} (or sends any {@code X-Kiosk-*} header) must prove it. The signature (ECDSA P-256 or SM2,
 * with the kiosk's registered key) covers {@code LX-KIOSK-SIG-V1}, the kiosk id, method, path and
 * query, timestamp, nonce and the SHA-256 of the raw body, one per line. Unknown kiosks, bad
 * signatures, bodies that do not match their hash, timestamps more than 5 minutes off and nonces seen
 * before are refused with 401; the nonce is recorded in PostgreSQL, so a replay fails on every instance.
 *
 * <p>The checks that cost nothing (headers, nonce, timestamp) come first, on the event loop: junk is refused without
 * touching the signing pool. The signature is then checked on the {@link Signing} pool, by the algorithm the kiosk's
 * key is for.
 */
public final class KioskAuth {
  public static final String VERSION = "LX-KIOSK-SIG-V1";
  /** The curve of a 国密 kiosk's key (sm2p256v1): its signatures are SM3withSM2. */
  private static final EllipticCurve SM2_CURVE = sm2Curve();

  private final Pool pool;
  private final Clock clock;
  private final KioskKeys keys;
  private final Signing signing;
  private final Map<String, Counter> refusals = new HashMap<>();

  /** @param signing the bounded pool every signature check (and key read) runs on, never this event loop */
  public KioskAuth(Pool pool, Clock clock, KioskKeys keys, MeterRegistry registry, Signing signing) {
    this.pool = pool;
    this.clock = clock;
    this.keys = keys;
    this.signing = signing;
    // the kiosk dashboard's "refused" panel: kiosk requests only, by reason, at 0 from the start
    for (String reason : REASONS) {
      refusals.put(reason, Counter.builder("liangxian.kiosk.requests.refused").description("Kiosk requests refused (401), by reason")
          .tag("reason", reason).register(registry));
    }
  }

  static final List<String> REASONS = List.of("unsigned", "clock", "unknown_kiosk", "bad_signature", "replayed");

  public void handle(RoutingContext ctx) {
    verify(ctx).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else {
        ctx.next();
      }
    });
  }

  /**
   * The kiosk a request proves it comes from; null when it claims none (no {@code X-Kiosk-*} header);
   * a failed future (401) when it claims one and does not prove it.
   */
  public Future<String> verify(RoutingContext ctx) {
    String kiosk = ctx.request().getHeader("X-Kiosk-Id");
    String ts = ctx.request().getHeader("X-Kiosk-Timestamp");
    String nonce = ctx.request().getHeader("X-Kiosk-Nonce");
    String signature = ctx.request().getHeader("X-Kiosk-Signature");
    if (kiosk == null && ts == null && nonce == null && signature == null) {
      return Future.succeededFuture(null); // not a kiosk
    }
    if (kiosk == null || ts == null || nonce == null || signature == null || !nonce.matches("[0-9a-f]{16,64}")) {
      return Future.failedFuture(refused("unsigned", "a kiosk request must be signed (X-Kiosk-Id, X-Kiosk-Timestamp, X-Kiosk-Nonce,"
          + " X-Kiosk-Signature)"));
    }
    long seconds;
    try {
      seconds = Long.parseLong(ts);
    } catch (NumberFormatException e) {
      return Future.failedFuture(refused("unsigned", "X-Kiosk-Timestamp must be Unix seconds"));
    }
    long gatewayTime = clock.instant().getEpochSecond();
    if (Math.abs(gatewayTime - seconds) > 300) {
      // the gateway's time comes with the refusal, so that a kiosk whose clock has drifted can sign by it
      return Future.failedFuture(refused("clock", "the kiosk's clock is more than 5 minutes off",
          new io.vertx.core.json.JsonObject().put("serverTime", gatewayTime)));
    }
    byte[] body = ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    String message = String.join("\n", VERSION, kiosk, ctx.request().method().name(), ctx.request().uri(), ts, nonce, sha256(body));
    byte[] m = message.getBytes(StandardCharsets.UTF_8);
    PublicKey cached = keys.cached(kiosk);
    // a signature the kept key does not verify is checked once more against the database's: the kiosk's key may have
    // been replaced on another instance a moment ago, its announcement not here yet (a new key is in force everywhere
    // as soon as its registration commits; only a refusal costs the read). Every check, and the key's PEM read, on the
    // signing pool: the answer continues on this loop
    Future<Check> verifying = cached == null ? fromDatabase(kiosk, m, signature)
        : signing.verifyKiosk(() -> verifies(cached, m, signature))
            .compose(verified -> verified ? Future.succeededFuture(Check.VERIFIED) : fromDatabase(kiosk, m, signature));
    return verifying.compose(check -> {
      if (check == Check.UNKNOWN) {
        return Future.failedFuture(refused("unknown_kiosk", "unknown kiosk"));
      }
      if (check == Check.BAD) {
        return Future.failedFuture(refused("bad_signature", "the kiosk signature does not verify"));
      }
      OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
      return pool.preparedQuery("insert into kiosk_nonce (kiosk_id, nonce, seen_at) values ($1, $2, $3) on conflict do nothing")
          .execute(Tuple.of(kiosk, nonce, now)).compose(r -> r.rowCount() == 0
              ? Future.failedFuture(refused("replayed", "this nonce was used before (a replayed request)"))
              : pool.preparedQuery("update kiosk set last_seen_at = $2 where id = $1").execute(Tuple.of(kiosk, now)).map(kiosk));
    });
  }

  /** The kiosk's signature checked by the algorithm its key is for: SM2 for a key on the SM2 curve, else ECDSA. */
  private static boolean verifies(PublicKey key, byte[] message, String signature) {
    return Crypto.verify(algorithm(key), key, message, signature);
  }

  /**
   * SM3withSM2 for a 国密 kiosk (its key on the SM2 curve), SHA256withECDSA for any other (P-256; a key of another kind
   * simply does not verify).
   */
  static String algorithm(PublicKey key) {
    return key instanceof ECPublicKey ec && SM2_CURVE.equals(ec.getParams().getCurve()) ? "SM3withSM2" : "SHA256withECDSA";
  }

  /** Whether a kiosk can sign with this key in a way {@link #verifies} checks: ECDSA on P-256, or SM2. */
  static boolean signable(PublicKey key) {
    return key instanceof ECPublicKey ec && (SM2_CURVE.equals(ec.getParams().getCurve()) || P256_CURVE.equals(ec.getParams().getCurve()));
  }

  private static final EllipticCurve P256_CURVE = curve("secp256r1");

  private static EllipticCurve sm2Curve() {
    return curve("sm2p256v1");
  }

  private static EllipticCurve curve(String name) {
    try {
      AlgorithmParameters p = AlgorithmParameters.getInstance("EC", Crypto.BC);
      p.init(new ECGenParameterSpec(name));
      return p.getParameterSpec(ECParameterSpec.class).getCurve();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the SM2 curve is not known to Bouncy Castle", e);
    }
  }

  /** What a kiosk's signature came to: verified, no such kiosk, or not verified by its key. */
  private enum Check { VERIFIED, UNKNOWN, BAD }

  /**
   * The signature checked against the kiosk's key as the database has it now, the PEM read and the check on the signing
   * pool; the key is kept for the next request unless something was forgotten meanwhile.
   */
  private Future<Check> fromDatabase(String kiosk, byte[] message, String signature) {
    long readAt = keys.generation();
    return pool.preparedQuery("select public_key from kiosk where id = $1").execute(Tuple.of(kiosk)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(Check.UNKNOWN);
      }
      String pem = rows.iterator().next().getString("public_key");
      return signing.verifyKiosk(() -> {
        PublicKey key = Pem.publicKey(pem);
        return new Read(key, verifies(key, message, signature));
      }).map(read -> {
        keys.remember(kiosk, read.key(), readAt);
        return read.verified() ? Check.VERIFIED : Check.BAD;
      });
    });
  }

  /**
   * A kiosk's key as an administrator gives it, read on the signing pool: null where the text is no public key in PEM
   * (the parser's words are not for the caller).
   */
  public Future<PublicKey> readKey(String pem) {
    return signing.verifyKiosk(() -> {
      try {
        return Pem.publicKey(pem);
      } catch (IllegalArgumentException e) {
        return null;
      }
    });
  }

  /** A key read from its PEM, and whether it verified the signature. */
  private record Read(PublicKey key, boolean verified) {}

  /** Forgets a cached key at once (after the kiosk's key is replaced here; other instances hear it from PostgreSQL). */
  public void forget(String kiosk) {
    keys.forget(kiosk);
  }

  /** Nonces older than the timestamp window can no longer be replayed: they are dropped. */
  public Future<Void> pruneNonces() {
    // a request is taken while its timestamp is within 5 minutes of the taking instance's clock, so its nonce may be
    // replayed up to 10 minutes after it was seen: kept 5 minutes longer still, for instances whose clocks (the one
    // that saw it, the one it is replayed to, the leader pruning) disagree by up to that (ClockSkew pages before)
    return pool.preparedQuery("delete from kiosk_nonce where seen_at < $1")
        .execute(Tuple.of(OffsetDateTime.now(clock).minus(NONCES_KEPT).withOffsetSameInstant(ZoneOffset.UTC))).mapEmpty();
  }

  /** How long a nonce is kept after it was seen: twice the timestamp window, and a margin for instances' clocks. */
  static final java.time.Duration NONCES_KEPT = java.time.Duration.ofMinutes(15);

  private Problem refused(String reason, String detail) {
    return refused(reason, detail, null);
  }

  private Problem refused(String reason, String detail, io.vertx.core.json.JsonObject extensions) {
    refusals.get(reason).increment();
    return new Problem(401, "kiosk-unauthorized", "Kiosk not authenticated", detail, extensions);
  }

  static String sha256(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
