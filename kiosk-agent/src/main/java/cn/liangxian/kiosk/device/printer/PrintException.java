package cn.liangxian.kiosk.device.printer;

/** A receipt was not printed; the message is plain Chinese and may be shown. */
public class PrintException extends Exception {
  private final boolean mayHavePrinted;

  public PrintException(String message, Throwable cause) {
    this(message, cause, false);
  }

  /** {@code mayHavePrinted}: the job went out (whole or in part) before the line failed, and the printer never said it stopped. */
  public PrintException(String message, Throwable cause, boolean mayHavePrinted) {
    super(message, cause);
    this.mayHavePrinted = mayHavePrinted;
  }

  /** Whether the receipt may be on the paper all the same: it must not be printed again without a request. */
  public boolean mayHavePrinted() {
    return mayHavePrinted;
  }
}
