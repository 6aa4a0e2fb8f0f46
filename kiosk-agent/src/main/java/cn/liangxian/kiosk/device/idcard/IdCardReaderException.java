package cn.liangxian.kiosk.device.idcard;

/** The reader answered with a failure status. */
public class IdCardReaderException extends RuntimeException {
  private final SamStatus status;

  public IdCardReaderException(SamStatus status, int code, String what) {
    super(what + ": " + status + String.format(" (%02X)", code & 0xFF));
    this.status = status;
  }

  public SamStatus status() {
    return status;
  }

  /** Whether the card moved or was taken away while being read (the next poll tries again), not a reader fault. */
  public boolean cardMoved() {
    return status == SamStatus.SELECT_FAILED || status == SamStatus.READ_FAILED;
  }
}
