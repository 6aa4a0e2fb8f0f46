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

  private static final java.util.regex.Pattern DIGIT_RUN =
      java.util.regex.Pattern.compile("[0-9０-９](?:[\\s\\u3000\\u00A0-]*[0-9０-９]){7,}");

  /**
   * Free text with every run of eight or more digits (a bank account, a card, a phone or an ID number, spaced in any
   * way or not; joined by dashes, eleven or more: a voucher's code or a date of shorter groups, XZ-2020-0042, is left)
   * masked but its last four: 转账至 6222 0212 3456 7890 → 转账至 **** **** **** 7890.
   */
  public static String digitRuns(String text) {
    if (text == null) {
      return null;
    }
    java.util.regex.Matcher m = DIGIT_RUN.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String run = m.group();
      long digits = run.chars().filter(Character::isDigit).count();
      if (run.indexOf('-') >= 0 && digits < 11) {
        // short groups joined by dashes: a voucher's code or a date (XZ-2020-0042, 2020-01-15), no account
        m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(run));
        continue;
      }
      StringBuilder masked = new StringBuilder();
      long seen = 0;
      for (char c : run.toCharArray()) {
        if (Character.isDigit(c)) {
          seen++;
          masked.append(seen > digits - 4 ? c : '*');
        } else {
          masked.append(c);
        }
      }
      m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(masked.toString()));
    }
    m.appendTail(out);
    return out.toString();
  }
}
