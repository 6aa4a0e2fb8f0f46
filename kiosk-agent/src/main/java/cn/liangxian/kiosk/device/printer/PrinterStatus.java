package cn.liangxian.kiosk.device.printer;

/**
 * What {@code DLE EOT} reports. {@link #problem()} is the plain-Chinese reason a receipt cannot be printed,
 * or null when it can.
 */
public record PrinterStatus(boolean offline, boolean coverOpen, boolean paperOut, boolean paperLow) {

  public static final PrinterStatus READY = new PrinterStatus(false, false, false, false);

  /** DLE EOT 1 (printer), 2 (offline cause), 4 (roll paper sensor): fixed bits 1 and 4 set, 0 and 7 clear. */
  public static PrinterStatus decode(int printer, int offlineCause, int paperSensor) {
    for (int b : new int[] {printer, offlineCause, paperSensor}) {
      if ((b & 0x93) != 0x12) {
        throw new IllegalArgumentException(String.format("not a DLE EOT status byte: %02X", b));
      }
    }
    boolean paperEnd = (paperSensor & 0x60) != 0 || (offlineCause & 0x20) != 0;
    return new PrinterStatus((printer & 0x08) != 0, (offlineCause & 0x04) != 0, paperEnd, (paperSensor & 0x0C) != 0);
  }

  public int printerByte() {
    return 0x12 | (offline || coverOpen || paperOut ? 0x08 : 0);
  }

  public int offlineCauseByte() {
    return 0x12 | (coverOpen ? 0x04 : 0) | (paperOut ? 0x20 : 0);
  }

  public int paperSensorByte() {
    return 0x12 | (paperLow || paperOut ? 0x0C : 0) | (paperOut ? 0x60 : 0);
  }

  public String problem() {
    if (coverOpen) {
      return "打印机盖未关好";
    }
    if (paperOut) {
      return "打印机缺纸";
    }
    if (offline) {
      return "打印机离线";
    }
    return null;
  }

  /** ok, low or out: the heartbeat's paper field. */
  public String paper() {
    return paperOut ? "out" : paperLow ? "low" : "ok";
  }
}
