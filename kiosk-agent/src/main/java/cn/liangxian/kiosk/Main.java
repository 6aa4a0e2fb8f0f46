package cn.liangxian.kiosk;

/** Placeholder replaced below. */
public final class Main {
  public static void main(String[] args) {
  }
}
