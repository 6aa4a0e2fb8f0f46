package cn.liangxian.gateway.privacy;

/** The one place that masks personal data for responses, receipts and postings. */
public final class Masking {
  private Masking() {}

  /** 张三 → 张*, 张小三 → 张*三, 欧阳小三 → 欧**三; one character → *. */
  public static String name(String name) {
    if (name == null || name.isEmpty()) {
      return "";
    }
    // by code point (a rare character outside the basic plane is one character, not two), without a stream: this runs
    // for every member of every lookup
    int count = name.codePointCount(0, name.length());
    if (count == 1) {
      return "*";
    }
    String first = name.substring(0, name.offsetByCodePoints(0, 1));
    if (count == 2) {
      return first + "*";
    }
    return first + "*".repeat(count - 2) + name.substring(name.offsetByCodePoints(0, count - 1));
  }

  /** 371312198001011231 → 3713**********1231. */
  public static String idNumber(String id) {
    if (id == null || id.length() < 8) {
      return "****";
    }
    return id.substring(0, 4) + "*".repeat(id.length() - 8) + id.substring(id.length() - 4);
  }
}
