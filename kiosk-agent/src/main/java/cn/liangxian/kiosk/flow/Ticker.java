package cn.liangxian.kiosk.flow;

/**
 * A time that only goes forward, for how long a screen has left: an NTP step or a clock set by hand moves the wall
 * clock, never this. Its value means nothing on its own; only differences do. Tests drive it by hand.
 */
@FunctionalInterface
public interface Ticker {

  /** {@link System#nanoTime()}. */
  Ticker SYSTEM = System::nanoTime;

  /** Nanoseconds from an arbitrary origin. */
  long nanos();
}
