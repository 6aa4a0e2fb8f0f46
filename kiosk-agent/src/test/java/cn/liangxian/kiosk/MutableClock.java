package cn.liangxian.kiosk;

import cn.liangxian.kiosk.flow.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock tests move by hand, with its {@link #ticker() ticker}: time passing moves both ({@link #advance}); a
 * clock set anew (an NTP step, {@link #set}) moves the wall clock only.
 */
public final class MutableClock extends Clock {
  private volatile Instant now;
  private volatile long nanos;

  public MutableClock(Instant start) {
    this.now = start;
  }

  public void advance(Duration d) {
    now = now.plus(d);
    nanos += d.toNanos();
  }

  /** The wall clock set to another time, as NTP or an operator does; no time passes. */
  public void set(Instant to) {
    now = to;
  }

  /** The time that only goes forward, moved by {@link #advance} alone. */
  public Ticker ticker() {
    return () -> nanos;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
