package cn.liangxian.gateway.refund;

import java.util.Map;

/**
 * The reason a refund carries to the channel, which shows it to the payer in its refund message (WeChat
 * Pay's {@code reason}, Alipay's {@code refund_reason}): always Chinese, at most 80 characters. An
 * operator's refund is stored under its code ({@link OperatorRefunds#REASONS}); other refunds store their
 * reason in Chinese already.
 */
public final class PayerReasons {
  /** WeChat Pay takes at most 80 characters of reason. */
  static final int MAX = 80;
  private static final String GENERAL = "城乡居民保险缴费退款";
  private static final Map<String, String> BY_CODE = Map.of(
      "duplicate", "重复缴费，退回多缴的款项",
      "death", "参保人身故，退回已缴费用",
      "enrolled-elsewhere", "已在其他地方参保，退回本地缴费",
      "category-arrived", "享受减免政策，退回多缴的差额");

  private PayerReasons() {}

  public static String of(String stored) {
    String text = stored == null ? null : BY_CODE.get(stored);
    if (text == null) {
      text = stored != null && stored.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN)
          ? stored : GENERAL;
    }
    return text.codePointCount(0, text.length()) <= MAX ? text : text.substring(0, text.offsetByCodePoints(0, MAX));
  }
}
