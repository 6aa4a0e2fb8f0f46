package cn.liangxian.kiosk.device.idcard;

import java.io.IOException;
import java.util.Optional;

/** A reader of resident ID cards. Calls block on device I/O: run them on a worker thread. */
public interface IdCardReader extends AutoCloseable {

  /**
   * One poll: the card just placed on the reader, or empty when there is none or it was already read and has
   * not left the reader since.
   */
  Optional<IdCard> poll() throws IOException;

  @Override
  void close() throws IOException;
}
