package cn.liangxian.kiosk.device.idcard;

/** A frame that breaks the protocol: bad preamble, length or checksum, or the line closed mid-frame. */
public class SamProtocolException extends RuntimeException {
  public SamProtocolException(String message) {
    super(message);
  }
}
