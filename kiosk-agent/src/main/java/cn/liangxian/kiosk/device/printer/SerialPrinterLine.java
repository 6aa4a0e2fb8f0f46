package cn.liangxian.kiosk.device.printer;

import cn.liangxian.kiosk.device.serial.SerialLine;
import cn.liangxian.kiosk.device.serial.StreamChannel;
import java.io.InputStream;
import java.io.OutputStream;

/** A printer on a serial port; a status byte that does not come within the read time-out counts as offline. */
public final class SerialPrinterLine implements PrinterLine {
  private final StreamChannel line;

  private SerialPrinterLine(StreamChannel line) {
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
    try {
      line.close();
    } catch (java.io.IOException e) {
      // the port is gone either way
    }
  }
}
