package cn.liangxian.kiosk.gateway;

/**
 * The gateway said no (an RFC 9457 problem) or could not be reached. {@link #residentMessage()} is what the
 * screen may say; the problem's own text stays in the log.
 */
public class GatewayException extends RuntimeException {
  private final int status;
  private final String type;
  private final String detail;
  private final int retryAfterSeconds;

  public GatewayException(int status, String type, String detail) {
    this(status, type, detail, 0);
  }

  /** {@code retryAfterSeconds}: the answer's Retry-After (seconds), 0 when it gave none. */
  public GatewayException(int status, String type, String detail, int retryAfterSeconds) {
    super(status + " " + type + (detail == null ? "" : ": " + detail));
    this.status = status;
    this.type = type;
    this.detail = detail;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** How long the gateway asked to be left alone before the next try, 0 when it did not say. */
  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /**
   * Whether the gateway said it did nothing with the request: an answer of 4xx, or a 503 that promises it (admission's
   * "这次请求没有办理", a body it had no room to read, a channel that gave no prepay: that order is failed for good).
   * A request that timed out, or failed otherwise on the way (a database failing over), may have been carried out; so
   * may one answered 503 without a problem type (a proxy's own page), which says nothing of what the gateway did.
   */
  public boolean notCarriedOut() {
    return (status >= 400 && status < 500 && !beingPrepared()) || (status == 503 && type != null && NOTHING_DONE.contains(type));
  }

  /**
   * The same order asked again while the gateway still makes its first request's payment (409 order-being-prepared):
   * the order exists; asked again shortly with the same Idempotency-Key, it comes back with its payment.
   */
  public boolean beingPrepared() {
    return status == 409 && BEING_PREPARED.equals(type);
  }

  /** The problem type of an order whose payment the gateway is still making. */
  public static final String BEING_PREPARED = "https://liangxian.cn/problems/order-being-prepared";

  /** The problem type of the gateway's admission control, which turned the request away before doing anything. */
  public static final String BUSY = "https://liangxian.cn/problems/busy";
  private static final java.util.Set<String> NOTHING_DONE = java.util.Set.of(BUSY,
      "https://liangxian.cn/problems/bodies-busy", "https://liangxian.cn/problems/channel-unavailable");

  /** The gateway's problem type for an order whose items another order holds. */
  public static final String BEING_PAID_ELSEWHERE = "https://liangxian.cn/problems/being-paid-elsewhere";

  /** The gateway's problem type for an order of an item paid since the household was looked up (on a phone, say). */
  public static final String ALREADY_PAID = "https://liangxian.cn/problems/already-paid";

  /** The type of a request that had no answer within its time (it may have been carried out). */
  public static final String TIMED_OUT = "timed-out";

  /**
   * No answer came within the request's time, or the connection was lost once it was made: sent, it may have been
   * carried out.
   */
  public boolean timedOut() {
    return status == 0 && TIMED_OUT.equals(type);
  }

  /** The gateway is busy (503) or this kiosk asks too often (429): the same request may be tried again shortly. */
  public boolean tryAgainShortly() {
    return status == 429 || status == 503 || beingPrepared();
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  /**
   * The order was paid and the payment given back on the channel's own platform (a merchant's refund there): nothing to
   * cancel, and no receipt to wait for; the resident is told the money went back.
   */
  public boolean refundedAtChannel() {
    return status == 409 && type != null && type.endsWith("/refunded-at-channel");
  }

  /**
   * A QR code nobody paid that the channel cannot void before its time (UnionPay's; Alipay's nobody has scanned): the
   * order expires by itself then;
   * until then it may still be paid, so it is watched as one the resident left.
   */
  public boolean codeStillPayable() {
    return status == 409 && type != null && type.endsWith("/code-still-payable");
  }

  /** The gateway found the ID number itself wrong (its check digit, its date, its region): the number is to be mended. */
  public boolean invalidIdNumber() {
    return status == 400 && type != null && type.endsWith("/invalid-id-number");
  }

  /** Whether the gateway's words are for a resident: Chinese, and no longer than {@code max} characters. */
  public static boolean forResident(String text, int max) {
    return text != null && text.length() <= max && text.codePoints().anyMatch(c -> c >= 0x4E00 && c <= 0x9FFF);
  }

  public String residentMessage() {
    // the gateway writes its problems for residents in Chinese: say what it said (a 5xx other than "busy" stays generic)
    if ((status >= 400 && status < 500 || status == 503) && forResident(detail, 120)) {
      return detail;
    }
    if (invalidIdNumber()) {
      return "身份证号有误，请逐位核对";
    }
    if (codeStillPayable()) {
      return "这个付款码到时才失效，如果不付款，不会扣款。";
    }
    if (status == 503 && retryAfterSeconds > 0) {
      // past a minute in whole minutes (rounded up): nobody counts 3600 seconds
      return "现在缴费人数较多，请" + (retryAfterSeconds <= 60 ? retryAfterSeconds + "秒"
          : (retryAfterSeconds + 59) / 60 + "分钟") + "后再试";
    }
    if (status == 0) {
      return "网络暂时不通，请稍后再试";
    }
    if (status == 404 && type != null && type.contains("not-found")) {
      return "未查到参保信息，请核对身份证号和姓名";
    }
    return switch (status) {
      case 404 -> "未查到参保信息，请核对身份证号和姓名";
      case 409 -> "该人员的缴费正在别处办理中，请稍后再试";
      case 429 -> "操作过于频繁，请稍后再试";
      case 401, 403 -> "本机暂不能办理，请联系工作人员";
      default -> status >= 500 ? "系统繁忙，请稍后再试" : "暂时无法办理，请联系工作人员";
    };
  }
}
