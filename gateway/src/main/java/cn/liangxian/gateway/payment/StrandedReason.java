package cn.liangxian.gateway.payment;

/**
 * Why a verified payment could not be taken by its order, and was refunded by itself: the code kept on
 * the refund ({@code refund.reason_code}), the label of {@code liangxian_stranded_payments_total}, and the
 * letter after {@code R} in the refund's number.
 */
public enum StrandedReason {
  /** The channel took another amount than the order's. */
  AMOUNT_MISMATCH('M', "支付金额与订单金额不符，全额退回"),
  /** The money came through another channel than the order was made for. */
  OTHER_CHANNEL('C', "订单已通过其他支付方式支付，本笔全额退回"),
  /** The money reached another merchant (collecting body) than the one the order was opened at. */
  OTHER_MERCHANT('B', "款项付到了其他征收单位的商户，全额退回"),
  /** The order was paid already, by another transaction. */
  PAID_TWICE('D', "重复支付，本笔全额退回"),
  ORDER_EXPIRED('E', "订单已过期后才支付，全额退回"),
  ORDER_CANCELLED('E', "订单已取消后才支付，全额退回"),
  ORDER_FAILED('E', "订单已失败后才支付，全额退回"),
  ORDER_REFUNDED('E', "订单已退款后才支付，全额退回");

  private final char letter;
  private final String text;

  StrandedReason(char letter, String text) {
    this.letter = letter;
    this.text = text;
  }

  /** The code as stored and as a metric label. */
  public String code() {
    return name().toLowerCase();
  }

  /** What the refund's reason says, in Chinese: operators read it, and the payer reads it in the channel's refund message. */
  public String text() {
    return text;
  }

  /** The refund's number: the order's out_trade_no, R, and the reason's letter (the same payment is never refunded twice). */
  public String outRefundNo(String outTradeNo) {
    return outTradeNo + "R" + letter;
  }

  /** Eight hex digits of a transaction id, telling apart two refunds of one order for one reason. */
  static String suffix(String transactionId) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256")
          .digest(transactionId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d, 0, 4);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Why a payment for an order in {@code state} (not PAYING) is refunded. */
  static StrandedReason ofState(String state) {
    return switch (state) {
      case "PAID" -> PAID_TWICE;
      case "EXPIRED" -> ORDER_EXPIRED;
      case "CANCELLED" -> ORDER_CANCELLED;
      case "REFUNDED" -> ORDER_REFUNDED;
      default -> ORDER_FAILED;
    };
  }
}
