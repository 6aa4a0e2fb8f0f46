package cn.liangxian.kiosk.device.sscard;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import javax.smartcardio.CardChannel;
import javax.smartcardio.CardException;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;

/**
 * The social-security application on the card: SELECT by name the application directory
 * ({@code "sx1.sh.社会保障"}, GBK), then READ RECORD 1 of the personal-data file (SFI 6), a list of
 * {@code tag | length | value}: tag 08 the social security number (ASCII), tag 09 the name (GBK). The SFI and
 * tags are those of the issuing province's card profile and are configurable here when a province differs.
 */
public final class SocialSecurityCardApp {

  static final Charset GBK = Charset.forName("GBK");
  public static final byte[] AID = "sx1.sh.社会保障".getBytes(GBK);
  static final int SFI = 6;
  static final int TAG_SSN = 0x08;
  static final int TAG_NAME = 0x09;

  private SocialSecurityCardApp() {
  }

  public static SocialSecurityCard read(CardChannel ch) throws CardException {
    check(ch.transmit(new CommandAPDU(0x00, 0xA4, 0x04, 0x00, AID, 256)), "select application");
    ResponseAPDU r = check(ch.transmit(new CommandAPDU(0x00, 0xB2, 0x01, (SFI << 3) | 0x04, 256)), "read record");
    byte[] d = r.getData();
    String ssn = null;
    String name = null;
    int at = 0;
    while (at + 2 <= d.length) {
      int tag = d[at] & 0xFF;
      int len = d[at + 1] & 0xFF;
      if (at + 2 + len > d.length) {
        throw new CardException("record truncated at tag " + tag);
      }
      if (tag == TAG_SSN) {
        ssn = new String(d, at + 2, len, StandardCharsets.US_ASCII).strip();
      } else if (tag == TAG_NAME) {
        name = new String(d, at + 2, len, GBK).strip();
      }
      at += 2 + len;
    }
    if (ssn == null || name == null) {
      throw new CardException("record lacks the social security number or the name");
    }
    return new SocialSecurityCard(ssn, name);
  }

  private static ResponseAPDU check(ResponseAPDU r, String what) throws CardException {
    if (r.getSW() != 0x9000) {
      throw new CardException(what + " failed: SW " + Integer.toHexString(r.getSW()));
    }
    return r;
  }
}
