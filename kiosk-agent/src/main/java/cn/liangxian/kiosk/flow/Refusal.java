package cn.liangxian.kiosk.flow;

/** A refusal the resident is told about in these words. */
final class Refusal extends RuntimeException {
  Refusal(String message, Throwable cause) {
    super(message, cause);
  }
}
