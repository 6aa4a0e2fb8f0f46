package cn.liangxian.kiosk.flow;

/** Fen to a yuan string, exactly (no floating point). */
public final class Money {
  private Money() {
  }

  public static String yuan(long fen) {
    String sign = fen < 0 ? "-" : "";
    long a = Math.abs(fen);
    return sign + a / 100 + "." + String.format("%02d", a % 100);
  }
}
