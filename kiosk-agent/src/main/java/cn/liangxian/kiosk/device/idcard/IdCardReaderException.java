package cn.liangxian.kiosk.device.idcard;

/** The reader answered with a failure status. */
public class IdCardReaderException extends RuntimeException {
  private final SamStatus status;

  public IdCardReaderException(SamStatus status, String what) {
    super(what + ": " + status + String.format(" (%02X)", status.code() & 0xFF));
    this.status = status;
  }

  public SamStatus status() {
    return status;
  }
}
