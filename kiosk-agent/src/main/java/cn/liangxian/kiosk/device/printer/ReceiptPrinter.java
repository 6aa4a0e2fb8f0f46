package cn.liangxian.kiosk.device.printer;

/** A receipt printer. Calls block on device I/O: run them on a worker thread. */
public interface ReceiptPrinter {

  PrinterStatus status() throws PrintException;

  /** Prints and cuts; throws when the printer cannot, or stops part-way, so the receipt can be reprinted. */
  void print(Receipt receipt) throws PrintException;
}
