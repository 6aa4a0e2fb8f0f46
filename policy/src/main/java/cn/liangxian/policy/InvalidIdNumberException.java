package cn.liangxian.policy;

/** An ID number that is not a valid GB 11643-1999 citizen identity number; the message says what is wrong. */
public final class InvalidIdNumberException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidIdNumberException(String message) {
    super(message);
  }
}
