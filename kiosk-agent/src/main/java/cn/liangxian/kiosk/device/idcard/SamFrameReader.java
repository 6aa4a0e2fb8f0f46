package cn.liangxian.kiosk.device.idcard;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Reads whole frames off a byte stream: hunts for the preamble, checks length and checksum. */
public final class SamFrameReader {

  private final InputStream in;

  public SamFrameReader(InputStream in) {
    this.in = in;
  }

  /**
   * The next frame. Bytes before a preamble are skipped (line noise, a frame we joined half-way).
   *
   * @throws SamProtocolException on a length of 0 or above {@link SamFrame#MAX_LENGTH}, or a bad checksum
   * @throws EOFException when the stream ends
   */
  public SamFrame read() throws IOException {
    int matched = 0;
    while (matched < SamFrame.PREAMBLE.length) {
      int b = next();
      if (b == (SamFrame.PREAMBLE[matched] & 0xFF)) {
        matched++;
      } else if (b == 0xAA) {
        // a longer run of AA (stay after three), or an AA that starts a new preamble
        matched = matched == 3 ? 3 : 1;
      } else {
        matched = 0;
      }
    }
    int len = (next() << 8) | next();
    if (len < 2 || len > SamFrame.MAX_LENGTH) {
      throw new SamProtocolException("bad frame length " + len);
    }
    byte[] rest = in.readNBytes(len);
    if (rest.length < len) {
      throw new EOFException("line closed inside a frame");
    }
    byte[] body = Arrays.copyOf(rest, len - 1);
    int sum = SamFrame.checksum(len, body);
    if (sum != (rest[len - 1] & 0xFF)) {
      throw new SamProtocolException(String.format("bad checksum: frame says %02X, bytes give %02X", rest[len - 1] & 0xFF, sum));
    }
    return new SamFrame(body);
  }

  private int next() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("line closed");
    }
    return b;
  }
}
