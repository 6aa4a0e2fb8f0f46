package cn.liangxian.kiosk;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** Waits for a condition the code under test brings about, never for a length of time. */
public final class Await {

  /** Far above any honest wait: only a condition that never comes reaches it. */
  public static final Duration LIMIT = Duration.ofSeconds(30);

  /**
   * The I/O timeout tests give clients where the timeout is not what they test: a slow answer on a busy
   * machine is not a failure. Below {@link #LIMIT}, so a wait still sees the timeout's outcome.
   */
  public static final int ANSWER_TIMEOUT_MILLIS = 20_000;

  private Await() {
  }

  public static void until(Callable<Boolean> condition) throws Exception {
    until(condition, () -> "");
  }

  /** {@code state} says, if the limit is reached, what was seen instead. */
  public static void until(Callable<Boolean> condition, Supplier<String> state) throws Exception {
    long end = System.nanoTime() + LIMIT.toNanos();
    while (!Boolean.TRUE.equals(condition.call())) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("condition not met in " + LIMIT.toSeconds() + " s " + state.get());
      }
      Thread.sleep(20); // a polling step, not a wait the outcome depends on
    }
  }
}
