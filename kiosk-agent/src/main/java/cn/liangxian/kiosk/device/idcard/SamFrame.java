package cn.liangxian.kiosk.device.idcard;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One frame of the ID-card SAM protocol (GA 467 readers):
 * {@code AA AA AA 96 69 | len (2, big-endian: counts everything after it, checksum included) | body | XOR}.
 * A command frame's body is {@code command, parameter, data}; a response frame's body is
 * {@code 00 00 status, data}. The checksum is the XOR of every byte from the length to the last data byte.
 */
public record SamFrame(byte[] body) {

  public static final byte[] PREAMBLE = {(byte) 0xAA, (byte) 0xAA, (byte) 0xAA, (byte) 0x96, 0x69};
  /** The longest body a reader sends (base info with photo: 4 + 256 + 1024 + fingerprint data). */
  public static final int MAX_LENGTH = 4096;

  public SamFrame {
    body = body.clone();
  }

  public static SamFrame command(int command, int parameter) {
    return new SamFrame(new byte[] {(byte) command, (byte) parameter});
  }

  public static SamFrame response(SamStatus status, byte[] data) {
    byte[] b = new byte[3 + data.length];
    b[2] = (byte) status.code();
    System.arraycopy(data, 0, b, 3, data.length);
    return new SamFrame(b);
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  /** Encodes the whole frame: preamble, length, body, checksum. */
  public byte[] encode() {
    int len = body.length + 1;
    ByteArrayOutputStream out = new ByteArrayOutputStream(PREAMBLE.length + 2 + len);
    out.writeBytes(PREAMBLE);
    out.write(len >>> 8);
    out.write(len & 0xFF);
    out.writeBytes(body);
    out.write(checksum(len, body));
    return out.toByteArray();
  }

  static int checksum(int len, byte[] body) {
    int x = (len >>> 8) ^ (len & 0xFF);
    for (byte b : body) {
      x ^= b & 0xFF;
    }
    return x & 0xFF;
  }

  /** The command byte of a command frame. */
  public int command() {
    return body[0] & 0xFF;
  }

  /** The parameter byte of a command frame. */
  public int parameter() {
    return body.length > 1 ? body[1] & 0xFF : -1;
  }

  /** The status byte of a response frame (its third body byte). */
  public int statusCode() {
    if (body.length < 3) {
      throw new SamProtocolException("response too short for a status byte: " + body.length + " bytes");
    }
    return body[2] & 0xFF;
  }

  /** The data after the three status bytes of a response frame. */
  public byte[] responseData() {
    return body.length <= 3 ? new byte[0] : Arrays.copyOfRange(body, 3, body.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SamFrame f && Arrays.equals(body, f.body);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    // never the data: it carries personal data
    return "SamFrame[" + body.length + " bytes, head " + HexFormat.of().formatHex(body, 0, Math.min(3, body.length)) + "]";
  }
}
