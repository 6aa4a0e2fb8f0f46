package cn.liangxian.kiosk.device.idcard;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The card's 256-byte text block, UCS-2 little-endian, fixed-width fields padded with spaces:
 * name 30, sex 2, nation 4, birth date 16, address 70, ID number 36, issuer 30, valid from 16, valid to 16
 * (bytes), the rest reserved.
 */
public final class IdCardText {

  public static final int LENGTH = 256;
  static final int[] WIDTHS = {30, 2, 4, 16, 70, 36, 30, 16, 16};

  private IdCardText() {
  }

  public static IdCard decode(byte[] block) {
    if (block.length != LENGTH) {
      throw new SamProtocolException("text block is " + block.length + " bytes, expected " + LENGTH);
    }
    String[] f = new String[WIDTHS.length];
    int at = 0;
    for (int i = 0; i < WIDTHS.length; i++) {
      f[i] = new String(block, at, WIDTHS[i], StandardCharsets.UTF_16LE).strip();
      at += WIDTHS[i];
    }
    return new IdCard(f[0], sexName(f[1]), f[2], f[3], f[4], f[5], f[6], f[7], f[8]);
  }

  /** The block a card with these fields carries; sex as its code, 1 male, 2 female. */
  public static byte[] encode(IdCard card) {
    String sexCode = switch (card.sex()) {
      case "男" -> "1";
      case "女" -> "2";
      default -> card.sex();
    };
    String[] f = {card.name(), sexCode, card.nation(), card.birthDate(), card.address(), card.idNumber(), card.issuer(),
        card.validFrom(), card.validTo()};
    byte[] block = new byte[LENGTH];
    byte[] space = " ".getBytes(StandardCharsets.UTF_16LE);
    for (int i = 0; i < LENGTH; i += 2) {
      System.arraycopy(space, 0, block, i, 2);
    }
    int at = 0;
    for (int i = 0; i < WIDTHS.length; i++) {
      byte[] v = f[i].getBytes(StandardCharsets.UTF_16LE);
      if (v.length > WIDTHS[i]) {
        throw new IllegalArgumentException("field " + i + " is longer than " + WIDTHS[i] / 2 + " characters");
      }
      System.arraycopy(v, 0, block, at, v.length);
      at += WIDTHS[i];
    }
    return block;
  }

  private static String sexName(String code) {
    return switch (code) {
      case "1" -> "男";
      case "2" -> "女";
      default -> "未知";
    };
  }

  static byte[] slice(byte[] b, int from, int len) {
    return Arrays.copyOfRange(b, from, from + len);
  }
}
