package cn.liangxian.policy.cli;

import cn.liangxian.policy.BookTables.Table;
import java.util.List;

/** The book's tables as plain text, columns aligned for a monospaced terminal (a Chinese character is two wide). */
final class BookText {
  private BookText() {}

  static String render(String title, List<Table> tables) {
    StringBuilder out = new StringBuilder(title).append("\n\n");
    for (Table t : tables) {
      int[] widths = new int[t.head().size()];
      measure(widths, t.head());
      t.rows().forEach(r -> measure(widths, r));
      out.append(t.title()).append('\n');
      line(out, widths, t.head());
      StringBuilder rule = new StringBuilder();
      for (int w : widths) {
        rule.append(rule.length() == 0 ? "" : "-+-").append("-".repeat(w));
      }
      out.append(rule).append('\n');
      t.rows().forEach(r -> line(out, widths, r));
      out.append('\n');
    }
    return out.toString();
  }

  private static void measure(int[] widths, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      widths[i] = Math.max(widths[i], width(cells.get(i)));
    }
  }

  private static void line(StringBuilder out, int[] widths, List<String> cells) {
    StringBuilder l = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      l.append(i == 0 ? "" : " | ").append(cells.get(i)).append(" ".repeat(widths[i] - width(cells.get(i))));
    }
    out.append(l.toString().stripTrailing()).append('\n');
  }

  /** Display width: East Asian wide characters take two columns. */
  static int width(String s) {
    return s.codePoints().map(cp -> cp >= 0x1100 && (cp <= 0x115f || (cp >= 0x2e80 && cp <= 0xa4cf)
        || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f)
        || (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6)) ? 2 : 1).sum();
  }
}
