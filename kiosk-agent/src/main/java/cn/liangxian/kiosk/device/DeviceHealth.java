package cn.liangxian.kiosk.device;

import org.slf4j.Logger;

/**
 * Whether a device answers, for the heartbeat: a fault is said once when it starts (the device is tried again, by its
 * own loop), and its end once, never on every try. Written by the device's thread, read by the heartbeat's.
 */
public final class DeviceHealth {
  private final Logger log;
  private final String device;
  private final String retried;
  private volatile boolean healthy = true;

  /** {@code retried}: how the device is tried again, said with its first fault ("" where nothing more to say). */
  public DeviceHealth(Logger log, String device, String retried) {
    this.log = log;
    this.device = device;
    this.retried = retried;
  }

  public boolean healthy() {
    return healthy;
  }

  /** The device answers (again). */
  public void well() {
    if (!healthy) {
      log.info("{} answers again", device);
    }
    healthy = true;
  }

  /** The device failed; {@code said}: false while it is being stopped, when a failure is expected and not said. */
  public void fault(Exception e, boolean said) {
    if (said && healthy) {
      log.warn("{} fault: {}{}", device, e.toString(), retried.isEmpty() ? "" : "; " + retried);
    }
    healthy = false;
  }
}
