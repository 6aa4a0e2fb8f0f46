package cn.liangxian.gateway.channel.wechat;

import com.fasterxml.jackson.databind.JsonNode;

/** What a WeChat Pay notification said once verified and decrypted, or why it was rejected. */
public sealed interface Notification {

  /** Why a notification was refused; each is counted in a metric and the callback stored for audit. */
  enum Rejection {
    MISSING_HEADERS, STALE_TIMESTAMP, UNKNOWN_SERIAL, BAD_SIGNATURE, MALFORMED_BODY, UNSUPPORTED_ALGORITHM,
    DECRYPT_FAILED
  }

  /**
   * @param id the notification id
   * @param eventType e.g. {@code TRANSACTION.SUCCESS}, {@code REFUND.SUCCESS}
   * @param originalType {@code transaction} or {@code refund}
   * @param resource the decrypted resource
   */
  record Verified(String id, String eventType, String originalType, JsonNode resource) implements Notification {}

  record Rejected(Rejection reason, String detail) implements Notification {}
}
