package cn.liangxian.kiosk.device.printer;

/** A receipt printer. Calls block on device I/O: run them on a worker thread. */
public interface ReceiptPrinter {

  PrinterStatus status() throws PrintException;

  /** Prints and cuts; throws when the printer cannot, or stops part-way, so the receipt can be reprinted. */
  default void print(Receipt receipt) throws PrintException {
    print(receipt, () -> { });
  }

  /**
   * As {@link #print(Receipt)}, running {@code beforeFirstByte} once the printer said it can print and before
   * anything is sent (where the journal marks the receipt as possibly printed).
   */
  void print(Receipt receipt, BeforeFirstByte beforeFirstByte) throws PrintException;

  /** A step that may fail with an I/O error (a journal write). */
  interface BeforeFirstByte {
    void run() throws java.io.IOException;
  }
}
