package cn.liangxian.gateway.support;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Waiting for what the gateway does after it has answered (callbacks, the sweeper, audit rows,
 * metrics): polls until it holds. The bound is generous so that a busy machine makes a test slower,
 * never red; a test never waits a fixed time instead.
 */
public final class Eventually {
  private Eventually() {}

  public static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final long PAUSE_MILLIS = 20;

  /** What is polled: an HTTP call, a query, a look at the sandbox. */
  @FunctionalInterface
  public interface Probe<T> {
    T get() throws Exception;
  }

  /**
   * Polls {@code probe} until {@code done} accepts what it returned, and returns that; fails naming
   * {@code what} and the last value seen.
   */
  public static <T> T until(String what, Probe<T> probe, Predicate<? super T> done) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      T value = probe.get();
      if (done.test(value)) {
        return value;
      }
      if (System.nanoTime() - deadline > 0) {
        String last = String.valueOf(value);
        throw new AssertionError("waited " + TIMEOUT.toSeconds() + " s for " + what + "; last saw: "
            + (last.length() > 2000 ? last.substring(0, 2000) + "..." : last));
      }
      Thread.sleep(PAUSE_MILLIS);
    }
  }

  /** Polls {@code condition} until it is true. */
  public static void until(String what, Probe<Boolean> condition) throws Exception {
    until(what, condition, Boolean.TRUE::equals);
  }
}
