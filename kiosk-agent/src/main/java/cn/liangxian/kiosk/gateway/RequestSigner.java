package cn.liangxian.kiosk.gateway;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Signs each gateway request with the kiosk's key (ECDSA P-256, SHA-256, DER signature). The string to sign is
 * seven lines joined by {@code \n}, no trailing newline:
 *
 * <pre>
 * LX-KIOSK-SIG-V1
 * {kiosk id}
 * {METHOD}
 * {path with query, as sent}
 * {timestamp: Unix seconds}
 * {nonce}
 * {lower-case hex SHA-256 of the body; of the empty string when there is none}
 * </pre>
 */
public final class RequestSigner {

  public static final String VERSION = "LX-KIOSK-SIG-V1";
  public static final String KIOSK_ID = "X-Kiosk-Id";
  public static final String TIMESTAMP = "X-Kiosk-Timestamp";
  public static final String NONCE = "X-Kiosk-Nonce";
  public static final String CONTENT_SHA256 = "X-Kiosk-Content-SHA256";
  public static final String SIGNATURE = "X-Kiosk-Signature";

  private final KioskIdentity identity;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  /** Seconds to add to this kiosk's clock to read the gateway's: 0 until the gateway said the clock is off. */
  private final java.util.concurrent.atomic.AtomicLong offsetSeconds = new java.util.concurrent.atomic.AtomicLong();

  public RequestSigner(KioskIdentity identity, Clock clock) {
    this.identity = identity;
    this.clock = clock;
  }

  /**
   * The gateway refused a request for this kiosk's clock and said its own time: sign by that from now on (a kiosk
   * whose clock battery died, or whose time service is unreachable, still serves residents). Returns the offset.
   */
  public long followGatewayClock(long gatewayEpochSecond) {
    long offset = gatewayEpochSecond - clock.instant().getEpochSecond();
    offsetSeconds.set(offset);
    return offset;
  }

  /**
   * How far the gateway's {@code Date} (whole seconds, and the trip) may be from this kiosk's clock before the kiosk
   * follows it: a clock that is right reads 0 or 1 s behind.
   */
  static final long DATE_SLACK_SECONDS = 2;

  /**
   * An answer of the gateway said its time in its {@code Date} header: follow it when this kiosk's clock is more than
   * {@link #DATE_SLACK_SECONDS} off, so that a clock drifting inside the gateway's five minutes shows no hold's end
   * minutes off and never drifts past them into a refusal; go back to the kiosk's own once that is right again.
   * Returns the new offset in seconds, or null when it did not change.
   */
  public Long observeGatewayDate(java.time.Instant gatewayDate) {
    long off = gatewayDate.getEpochSecond() - clock.instant().getEpochSecond();
    long current = offsetSeconds.get();
    if (Math.abs(off - current) <= DATE_SLACK_SECONDS) {
      return null;
    }
    long next = Math.abs(off) <= DATE_SLACK_SECONDS ? 0 : off;
    offsetSeconds.set(next);
    return next;
  }

  /** Now by the gateway's clock, as far as this kiosk knows it: its own clock, set right when the gateway says it is off. */
  public java.time.Instant gatewayNow() {
    return clock.instant().plusSeconds(offsetSeconds.get());
  }

  /** The headers to add to a request. */
  public Map<String, String> sign(String method, String pathAndQuery, byte[] body) {
    String ts = Long.toString(gatewayNow().getEpochSecond());
    byte[] n = new byte[16];
    random.nextBytes(n);
    String nonce = HexFormat.of().formatHex(n);
    String bodyHash = sha256Hex(body);
    String toSign = stringToSign(identity.kioskId(), method, pathAndQuery, ts, nonce, bodyHash);
    try {
      Signature s = Signature.getInstance("SHA256withECDSA", KioskIdentity.BC);
      s.initSign(identity.keys().getPrivate(), random);
      s.update(toSign.getBytes(StandardCharsets.UTF_8));
      Map<String, String> h = new LinkedHashMap<>();
      h.put(KIOSK_ID, identity.kioskId());
      h.put(TIMESTAMP, ts);
      h.put(NONCE, nonce);
      h.put(CONTENT_SHA256, bodyHash);
      h.put(SIGNATURE, Base64.getEncoder().encodeToString(s.sign()));
      return h;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String stringToSign(String kioskId, String method, String pathAndQuery, String timestamp, String nonce,
                                    String bodySha256Hex) {
    return String.join("\n", VERSION, kioskId, method.toUpperCase(), pathAndQuery, timestamp, nonce, bodySha256Hex);
  }

  /** What the gateway does: recompute the string to sign from the request and check the signature. */
  public static boolean verify(PublicKey key, String kioskId, String method, String pathAndQuery, String timestamp,
                               String nonce, byte[] body, String signatureBase64) {
    try {
      Signature s = Signature.getInstance("SHA256withECDSA", KioskIdentity.BC);
      s.initVerify(key);
      s.update(stringToSign(kioskId, method, pathAndQuery, timestamp, nonce, sha256Hex(body)).getBytes(StandardCharsets.UTF_8));
      return s.verify(Base64.getDecoder().decode(signatureBase64));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  public static String sha256Hex(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body == null ? new byte[0] : body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
