package cn.liangxian.kiosk.device.printer;

/** A receipt was not printed; the message is plain Chinese and may be shown. */
public class PrintException extends Exception {
  public PrintException(String message, Throwable cause) {
    super(message, cause);
  }
}
