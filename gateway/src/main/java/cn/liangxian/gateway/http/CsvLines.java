package cn.liangxian.gateway.http;

import java.util.Locale;
import java.util.regex.Pattern;

/** Lines of the CSV files operators open in a spreadsheet (RFC 4180). */
public final class CsvLines {
  /** Before the first line: without it a spreadsheet on a Chinese Windows reads UTF-8 as GBK, its Chinese garbled. */
  public static final String BOM = "\uFEFF";

  private CsvLines() {}

  /**
   * One line of {@code fields} for a spreadsheet (null as empty): each quoted where it holds a comma, a quote or a line
   * break, and text a spreadsheet would run as a formula kept as text ({@link #cell}).
   */
  public static String line(Object... fields) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(field(fields[i] == null ? "" : fields[i] instanceof Number ? fields[i].toString() : cell(fields[i].toString())));
    }
    return sb.append('\n').toString();
  }

  private static final Pattern NUMBER = Pattern.compile("[-+]?\\d+(\\.\\d+)?");

  /**
   * Text as a spreadsheet shows it rather than runs it: one that starts with {@code = + - @}, a tab or a carriage return
   * (a formula, "CSV injection": a roster's name or a channel's reference could carry one) gets a leading apostrophe.
   * A plain number (-1.50) is left as it is.
   */
  static String cell(String s) {
    if (s.isEmpty() || "=+-@\t\r".indexOf(s.charAt(0)) < 0 || NUMBER.matcher(s).matches()) {
      return s;
    }
    return "'" + s;
  }

  /** One field exactly as given (a file a program reads), quoted where it holds a comma, a quote or a line break. */
  public static String field(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }

  /** A share as a spreadsheet reads it wherever the gateway runs: 0.1234, never 0,1234. */
  public static String rate(Double r) {
    return r == null ? "" : String.format(Locale.ROOT, "%.4f", r);
  }
}
