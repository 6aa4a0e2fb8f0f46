package cn.liangxian.kiosk.device.idcard;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.ByteChannel;
import java.nio.channels.Channels;
import java.util.Optional;

/**
 * The SAM reader driver over any byte channel (a serial port, or a socket to the simulator):
 * find {@code 20 01}, select {@code 20 02}, read base info {@code 30 01}. A card is read once; it must leave
 * the reader (find answers 80) before it is read again.
 *
 * <p>The line is opened on the first poll and again after any failure on it (the reader unplugged, a frame that
 * does not parse, an answer that came too late): a fresh line carries no stale answer, so commands and answers
 * never fall out of step, and a reader plugged back in is found again without a restart. A failed line does not
 * forget that the card on the reader was read: only the reader saying it holds no card lets a card be read again.
 */
public final class SamIdCardReader implements IdCardReader {

  /** Opens the line to the reader: a serial port, or a socket to the simulator. */
  @FunctionalInterface
  public interface Line {
    ByteChannel open() throws IOException;
  }

  private final Line line;
  private ByteChannel channel;
  private OutputStream out;
  private SamFrameReader in;
  private boolean cardRead;

  public SamIdCardReader(Line line) {
    this.line = line;
  }

  @Override
  public synchronized Optional<IdCard> poll() throws IOException {
    if (channel == null) {
      channel = line.open();
      out = Channels.newOutputStream(channel);
      InputStream is = Channels.newInputStream(channel);
      in = new SamFrameReader(is);
    }
    try {
      return pollOpen();
    } catch (IOException | SamProtocolException e) {
      drop();
      throw e;
    }
  }

  private Optional<IdCard> pollOpen() throws IOException {
    SamFrame f = exchange(SamFrame.command(0x20, 0x01));
    SamStatus found = SamStatus.of(f.statusCode());
    if (found == SamStatus.FIND_FAILED) {
      cardRead = false;
      return Optional.empty();
    }
    if (found != SamStatus.FIND_OK) {
      throw new IdCardReaderException(found, f.statusCode(), "find card");
    }
    if (cardRead) {
      return Optional.empty();
    }
    SamFrame s = exchange(SamFrame.command(0x20, 0x02));
    if (SamStatus.of(s.statusCode()) != SamStatus.OK) {
      throw new IdCardReaderException(SamStatus.of(s.statusCode()), s.statusCode(), "select card");
    }
    SamFrame r = exchange(SamFrame.command(0x30, 0x01));
    if (SamStatus.of(r.statusCode()) != SamStatus.OK) {
      throw new IdCardReaderException(SamStatus.of(r.statusCode()), r.statusCode(), "read base info");
    }
    IdCard card = decodeBaseInfo(r.responseData());
    cardRead = true;
    return Optional.of(card);
  }

  /** Base info data: text length (2, big-endian), photo length (2), text, photo. */
  static IdCard decodeBaseInfo(byte[] data) {
    if (data.length < 4) {
      throw new SamProtocolException("base info too short: " + data.length + " bytes");
    }
    int textLen = ((data[0] & 0xFF) << 8) | (data[1] & 0xFF);
    int photoLen = ((data[2] & 0xFF) << 8) | (data[3] & 0xFF);
    if (textLen != IdCardText.LENGTH || 4 + textLen + photoLen != data.length) {
      throw new SamProtocolException("base info lengths do not add up: text " + textLen + ", photo " + photoLen
          + ", data " + data.length);
    }
    return IdCardText.decode(IdCardText.slice(data, 4, textLen));
  }

  private SamFrame exchange(SamFrame command) throws IOException {
    out.write(command.encode());
    out.flush();
    return in.read();
  }

  private void drop() {
    try {
      if (channel != null) {
        channel.close();
      }
    } catch (IOException e) {
      // the line is gone already
    }
    channel = null;
    // the card read before the failure is still on the reader: read again, it would start a second session with the
    // last resident's household. Only the reader finding no card (find answers 80) lets the next card be read
  }

  @Override
  public synchronized void close() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }
}
