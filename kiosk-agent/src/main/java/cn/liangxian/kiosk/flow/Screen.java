package cn.liangxian.kiosk.flow;

/** The screens of the touch UI, each with its time-out in seconds (doubled in 长辈模式). */
public enum Screen {
  IDLE(0),
  KEYPAD(90),
  LOOKING_UP(30),
  HOUSEHOLD(120),
  CHANNEL(60),
  PAYING(0),
  PRINTING(60),
  DONE(20),
  ERROR(20);

  private final int timeoutSeconds;

  Screen(int timeoutSeconds) {
    this.timeoutSeconds = timeoutSeconds;
  }

  /** 0: the screen has its own deadline (PAYING: the order's expiry) or none (IDLE). */
  public int timeoutSeconds() {
    return timeoutSeconds;
  }
}
