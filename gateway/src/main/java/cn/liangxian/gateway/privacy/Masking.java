package cn.liangxian.gateway.privacy;

/** The one place that masks personal data for responses, receipts and postings. */
public final class Masking {
  private Masking() {}

  /** 张三 → 张*, 张小三 → 张*三, 欧阳小三 → 欧**三; one character → *. */
  public static String name(String name) {
    if (name == null || name.isEmpty()) {
      return "";
    }
    int[] cps = name.codePoints().toArray();
    if (cps.length == 1) {
      return "*";
    }
    StringBuilder sb = new StringBuilder().appendCodePoint(cps[0]);
    if (cps.length == 2) {
      return sb.append('*').toString();
    }
    sb.append("*".repeat(cps.length - 2));
    return sb.appendCodePoint(cps[cps.length - 1]).toString();
  }

  /** 371312198001011231 → 3713**********1231. */
  public static String idNumber(String id) {
    if (id == null || id.length() < 8) {
      return "****";
    }
    return id.substring(0, 4) + "*".repeat(id.length() - 8) + id.substring(id.length() - 4);
  }
}
