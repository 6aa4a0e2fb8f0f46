package cn.liangxian.sandbox.fault;

/**
 * What the sandbox does wrong on purpose, as the real channels sometimes do: late, duplicated,
 * reordered or missing notifications, and failing calls.
 *
 * @param notifyDelayMs wait this long before each notification
 * @param duplicates send each notification this many extra times
 * @param dropNotifications send no notification at all (the gateway must query)
 * @param failCalls answer this many next API calls with a 500 SYSTEM_ERROR
 * @param reorder deliver a trade's notifications newest first (with delays, a close may overtake a payment)
 * @param answerDelayMs answer each API call this long late (a channel slow at the deadline)
 */
public record SandboxFaults(long notifyDelayMs, int duplicates, boolean dropNotifications, int failCalls, boolean reorder,
    long answerDelayMs) {
  public static final SandboxFaults NONE = new SandboxFaults(0, 0, false, 0, false, 0);

  /** Faults that answer calls in time. */
  public SandboxFaults(long notifyDelayMs, int duplicates, boolean dropNotifications, int failCalls, boolean reorder) {
    this(notifyDelayMs, duplicates, dropNotifications, failCalls, reorder, 0);
  }
}
