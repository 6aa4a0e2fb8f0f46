package cn.liangxian.gateway.channel.wechat;

import cn.liangxian.channel.wechat.ResourceCipher;
import cn.liangxian.channel.wechat.WechatPaySignatures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Verifies a notification on its raw body bytes ({@code timestamp\nnonce\nbody\n}, never re-serialised
 * JSON) against the live platform keys, refuses timestamps more than five minutes off, and decrypts
 * its resource with the API v3 key.
 *
 * <p>No record of seen {@code Wechatpay-Nonce} values is kept, on purpose: the same signed request posted again
 * within the five minutes verifies again. WeChat Pay itself sends the same notification more than once (同样的通知可能会多次发送给商户系统:
 * an unanswered one again for 24 hours, and one whose first link failed or was unclear at once over another link,
 * which may arrive as the very same request), and asks that a notification already handled be answered with success.
 * Refusing a seen nonce would answer such a genuine copy with failure, and WeChat Pay would go on re-delivering it
 * (and raising its alerts) for a day. A replay gains nothing either: the signature covers the body, so a replayed
 * request can only repeat a notification WeChat Pay really sent; its payment is booked once (a repeat is
 * DUPLICATE), and the callback log counts it on the row that keeps its body rather than keeping it again
 * ({@code CallbackLog}). The timestamp window bounds how long a captured request can be replayed at all.
 */
public final class NotificationVerifier {
  public static final Duration MAX_SKEW = Duration.ofMinutes(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final WechatPayMerchant merchant;
  private final Clock clock;

  public NotificationVerifier(WechatPayMerchant merchant, Clock clock) {
    this.merchant = merchant;
    this.clock = clock;
  }

  /**
   * @param timestamp {@code Wechatpay-Timestamp}
   * @param nonce {@code Wechatpay-Nonce}
   * @param signature {@code Wechatpay-Signature}
   * @param serial {@code Wechatpay-Serial}
   * @param body the request body exactly as received
   */
  public Notification verify(String timestamp, String nonce, String signature, String serial, byte[] body) {
    if (isBlank(timestamp) || isBlank(nonce) || isBlank(signature) || isBlank(serial) || body == null) {
      return new Notification.Rejected(Notification.Rejection.MISSING_HEADERS, "a Wechatpay-* header is missing");
    }
    long seconds;
    try {
      seconds = Long.parseLong(timestamp.trim());
    } catch (NumberFormatException e) {
      return new Notification.Rejected(Notification.Rejection.STALE_TIMESTAMP, "timestamp is not a number");
    }
    // a difference so large that it overflows (a timestamp near Long.MIN_VALUE) is stale, never fresh
    long now = clock.instant().getEpochSecond();
    long skew = seconds > now ? seconds - now : now - seconds;
    if (skew < 0 || skew > MAX_SKEW.toSeconds()) {
      return new Notification.Rejected(Notification.Rejection.STALE_TIMESTAMP, "timestamp is " + skew + " s off");
    }
    Optional<PublicKey> key = merchant.platformKeys().get(serial);
    if (key.isEmpty()) {
      return new Notification.Rejected(Notification.Rejection.UNKNOWN_SERIAL, "no live platform key " + serial);
    }
    if (!WechatPaySignatures.verify(merchant.scheme(), key.get(),
        WechatPaySignatures.responseMessage(timestamp, nonce, body), signature)) {
      return new Notification.Rejected(Notification.Rejection.BAD_SIGNATURE, "signature does not verify");
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      return new Notification.Rejected(Notification.Rejection.MALFORMED_BODY, "body is not JSON");
    }
    JsonNode resource = root == null ? null : root.get("resource");
    if (resource == null || !resource.isObject()) {
      return new Notification.Rejected(Notification.Rejection.MALFORMED_BODY, "no resource");
    }
    String algorithm = resource.path("algorithm").asText();
    if (!algorithm.equals(merchant.scheme().resourceAlgorithm())) {
      return new Notification.Rejected(Notification.Rejection.UNSUPPORTED_ALGORITHM, "resource algorithm " + algorithm);
    }
    try {
      byte[] plain = ResourceCipher.decrypt(algorithm, merchant.apiV3Key(), resource.path("nonce").asText(),
          resource.path("associated_data").asText(""), resource.path("ciphertext").asText());
      return new Notification.Verified(root.path("id").asText(), root.path("event_type").asText(),
          resource.path("original_type").asText(), JSON.readTree(plain));
    } catch (GeneralSecurityException e) {
      return new Notification.Rejected(Notification.Rejection.DECRYPT_FAILED, "resource does not decrypt");
    } catch (IOException e) {
      return new Notification.Rejected(Notification.Rejection.MALFORMED_BODY, "decrypted resource is not JSON");
    }
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
