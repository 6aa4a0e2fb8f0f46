package cn.liangxian.gateway.http;

import java.util.Locale;

/** Lines of the CSV files operators open in a spreadsheet (RFC 4180). */
public final class CsvLines {
  /** Before the first line: without it a spreadsheet on a Chinese Windows reads UTF-8 as GBK, its Chinese garbled. */
  public static final String BOM = "\uFEFF";

  private CsvLines() {}

  /** One line of {@code fields} (null as empty), each quoted where it holds a comma, a quote or a line break. */
  public static String line(Object... fields) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(field(fields[i] == null ? "" : fields[i].toString()));
    }
    return sb.append('\n').toString();
  }

  /** One field, quoted where it holds a comma, a quote or a line break. */
  public static String field(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }

  /** A share as a spreadsheet reads it wherever the gateway runs: 0.1234, never 0,1234. */
  public static String rate(Double r) {
    return r == null ? "" : String.format(Locale.ROOT, "%.4f", r);
  }
}
