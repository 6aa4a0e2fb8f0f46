package cn.liangxian.kiosk.device.idcard;

import cn.liangxian.kiosk.privacy.Masking;

/**
 * The text of a second-generation resident ID card. Dates are as printed on the card (yyyyMMdd);
 * {@code validTo} may be 长期. {@link #toString()} is masked: the record may reach a log by accident.
 */
public record IdCard(String name, String sex, String nation, String birthDate, String address, String idNumber,
                     String issuer, String validFrom, String validTo) {

  /**
   * A made-up card (the simulated reader's) for an 18-character ID number: its sex and birth date are the number's
   * (the 17th digit odd: 男), as on a real card, never written a second time beside it.
   */
  public static IdCard madeUp(String name, String idNumber, String address, String issuer, String validFrom) {
    String sex = (idNumber.charAt(16) - '0') % 2 == 1 ? "男" : "女";
    return new IdCard(name, sex, "01", idNumber.substring(6, 14), address, idNumber, issuer, validFrom, "长期");
  }

  @Override
  public String toString() {
    return "IdCard[" + Masking.name(name) + ", " + Masking.idNumber(idNumber) + "]";
  }
}
