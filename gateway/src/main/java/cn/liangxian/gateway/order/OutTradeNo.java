package cn.liangxian.gateway.order;

import java.util.UUID;

/** The order id as the channels see it: the UUID's 32 hex digits (both channels allow at most 32 characters). */
public final class OutTradeNo {
  private OutTradeNo() {}

  public static String of(UUID id) {
    return id.toString().replace("-", "");
  }

  /** The order an out_trade_no names, or null when it is not one of ours. */
  public static UUID orderId(String outTradeNo) {
    if (outTradeNo == null || outTradeNo.length() != 32) {
      return null;
    }
    try {
      return UUID.fromString(outTradeNo.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5"));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
