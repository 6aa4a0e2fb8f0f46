package cn.liangxian.kiosk.device.sscard;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.smartcardio.Card;
import javax.smartcardio.CardChannel;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;

/** A social-security card answering APDUs like the real application, for tests and the simulated terminal. */
public final class SimulatedCardChannel extends CardChannel {

  private final byte[] record;
  private boolean selected;

  public SimulatedCardChannel(String ssn, String name) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    tlv(b, SocialSecurityCardApp.TAG_SSN, ssn.getBytes(StandardCharsets.US_ASCII));
    tlv(b, SocialSecurityCardApp.TAG_NAME, name.getBytes(SocialSecurityCardApp.GBK));
    this.record = b.toByteArray();
  }

  private static void tlv(ByteArrayOutputStream b, int tag, byte[] v) {
    b.write(tag);
    b.write(v.length);
    b.writeBytes(v);
  }

  @Override
  public ResponseAPDU transmit(CommandAPDU c) {
    if (c.getCLA() == 0x00 && c.getINS() == 0xA4 && c.getP1() == 0x04) {
      selected = Arrays.equals(c.getData(), SocialSecurityCardApp.AID);
      return sw(selected ? 0x9000 : 0x6A82);
    }
    if (c.getINS() == 0xB2) {
      if (!selected) {
        return sw(0x6985);
      }
      if (c.getP1() != 1 || c.getP2() != ((SocialSecurityCardApp.SFI << 3) | 4)) {
        return sw(0x6A83);
      }
      byte[] r = Arrays.copyOf(record, record.length + 2);
      r[record.length] = (byte) 0x90;
      return new ResponseAPDU(r);
    }
    return sw(0x6D00);
  }

  private static ResponseAPDU sw(int sw) {
    return new ResponseAPDU(new byte[] {(byte) (sw >> 8), (byte) sw});
  }

  @Override
  public int transmit(ByteBuffer command, ByteBuffer response) {
    byte[] c = new byte[command.remaining()];
    command.get(c);
    byte[] r = transmit(new CommandAPDU(c)).getBytes();
    response.put(r);
    return r.length;
  }

  @Override
  public Card getCard() {
    return null;
  }

  @Override
  public int getChannelNumber() {
    return 0;
  }

  @Override
  public void close() {
  }
}
