package cn.liangxian.kiosk.device.printer;

import cn.liangxian.kiosk.device.serial.SerialLine;
import java.io.InputStream;
import java.io.OutputStream;

/** A printer on a serial port; a status byte that does not come within the read time-out counts as offline. */
public final class SerialPrinterLine implements PrinterLine {
  private final SerialLine line;

  private SerialPrinterLine(SerialLine line) {
    this.line = line;
  }

  public static PrinterLine.Opener opener(String device, int baud, int timeoutMillis) {
    return () -> new SerialPrinterLine(SerialLine.open(device, baud, timeoutMillis));
  }

  @Override
  public InputStream in() {
    return line.inputStream();
  }

  @Override
  public OutputStream out() {
    return line.outputStream();
  }

  @Override
  public void close() {
    line.close();
  }
}
