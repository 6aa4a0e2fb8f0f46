package cn.liangxian.kiosk.privacy;

/** The one place that masks personal data for logs and screens. */
public final class Masking {
  private Masking() {
  }

  /** 3713**********123X: region prefix and last four kept. */
  public static String idNumber(String id) {
    if (id == null || id.length() < 8) {
      return "****";
    }
    return id.substring(0, 4) + "*".repeat(id.length() - 8) + id.substring(id.length() - 4);
  }

  /** 张*三, 张*: first and (for three or more characters) last kept. */
  public static String name(String name) {
    if (name == null || name.isEmpty()) {
      return "*";
    }
    int[] cp = name.codePoints().toArray();
    if (cp.length == 1) {
      return "*";
    }
    if (cp.length == 2) {
      return new String(cp, 0, 1) + "*";
    }
    return new String(cp, 0, 1) + "*".repeat(cp.length - 2) + new String(cp, cp.length - 1, 1);
  }
}
