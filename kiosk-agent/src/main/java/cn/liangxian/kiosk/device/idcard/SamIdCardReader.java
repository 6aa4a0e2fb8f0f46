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
 */
public final class SamIdCardReader implements IdCardReader {

  private final ByteChannel channel;
  private final OutputStream out;
  private final SamFrameReader in;
  private boolean cardRead;

  public SamIdCardReader(ByteChannel channel) {
    this.channel = channel;
    this.out = Channels.newOutputStream(channel);
    InputStream is = Channels.newInputStream(channel);
    this.in = new SamFrameReader(is);
  }

  @Override
  public synchronized Optional<IdCard> poll() throws IOException {
    SamStatus found = SamStatus.of(exchange(SamFrame.command(0x20, 0x01)).statusCode());
    if (found == SamStatus.FIND_FAILED) {
      cardRead = false;
      return Optional.empty();
    }
    if (found != SamStatus.FIND_OK && found != SamStatus.OK) {
      throw new IdCardReaderException(found, "find card");
    }
    if (cardRead) {
      return Optional.empty();
    }
    SamStatus selected = SamStatus.of(exchange(SamFrame.command(0x20, 0x02)).statusCode());
    if (selected != SamStatus.OK) {
      throw new IdCardReaderException(selected, "select card");
    }
    SamFrame r = exchange(SamFrame.command(0x30, 0x01));
    SamStatus read = SamStatus.of(r.statusCode());
    if (read != SamStatus.OK) {
      throw new IdCardReaderException(read, "read base info");
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

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
