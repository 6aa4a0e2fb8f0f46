package cn.liangxian.channel;

import java.util.regex.Pattern;

/** Yuan strings of the channels (Alipay's "12.30", bill columns) to integer fen and back, never through floating point. */
public final class Money {
  private static final Pattern YUAN = Pattern.compile("(0|[1-9][0-9]{0,12})(\\.[0-9]{1,2})?");

  private Money() {}

  /** @throws IllegalArgumentException for anything that is not a non-negative amount with at most two decimals */
  public static long yuanToFen(String yuan) {
    if (yuan == null || !YUAN.matcher(yuan).matches()) {
      throw new IllegalArgumentException("not an amount in yuan: '" + yuan + "'");
    }
    int dot = yuan.indexOf('.');
    if (dot < 0) {
      return Long.parseLong(yuan) * 100;
    }
    String fraction = (yuan.substring(dot + 1) + "0").substring(0, 2);
    return Long.parseLong(yuan.substring(0, dot)) * 100 + Long.parseLong(fraction);
  }

  /** Fen as a yuan string with exactly two decimals, e.g. 1230 → "12.30". */
  public static String fenToYuan(long fen) {
    if (fen < 0) {
      throw new IllegalArgumentException("negative amount: " + fen);
    }
    long fraction = fen % 100;
    return (fen / 100) + "." + (fraction < 10 ? "0" : "") + fraction;
  }
}
