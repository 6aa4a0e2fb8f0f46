package cn.liangxian.kiosk.device.printer;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** A two-way connection to a printer: TCP (port 9100) or a serial port. */
public interface PrinterLine extends Closeable {
  InputStream in();

  OutputStream out();

  /** Opens a fresh connection for one job. */
  interface Opener {
    PrinterLine open() throws IOException;
  }
}
