package cn.liangxian.gateway.channel;

/**
 * A channel call that did not succeed: the channel's own error code and message, the HTTP status, and
 * whether trying again later may help (network errors, 5xx, SYSTEM_ERROR) — never a guess that the
 * payment failed.
 */
public final class ChannelException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  /**
   * The code of a close refused for a QR code the channel cannot void before its time (UnionPay's, which has no close;
   * Alipay's nobody has scanned, which has no trade yet): not paid, it stays payable until its time is up, when the
   * order expires.
   */
  public static final String STILL_PAYABLE = "QR_STILL_PAYABLE";

  private final String code;
  private final int status;
  private final boolean retryable;

  public ChannelException(String code, String message, int status, boolean retryable) {
    super(code + ": " + message + (status > 0 ? " (HTTP " + status + ")" : ""));
    this.code = code;
    this.status = status;
    this.retryable = retryable;
  }

  public String code() {
    return code;
  }

  public int status() {
    return status;
  }

  public boolean retryable() {
    return retryable;
  }
}
