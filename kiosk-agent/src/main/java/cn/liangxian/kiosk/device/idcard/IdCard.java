package cn.liangxian.kiosk.device.idcard;

import cn.liangxian.kiosk.privacy.Masking;

/**
 * The text of a second-generation resident ID card. Dates are as printed on the card (yyyyMMdd);
 * {@code validTo} may be 长期. {@link #toString()} is masked: the record may reach a log by accident.
 */
public record IdCard(String name, String sex, String nation, String birthDate, String address, String idNumber,
                     String issuer, String validFrom, String validTo) {

  @Override
  public String toString() {
    return "IdCard[" + Masking.name(name) + ", " + Masking.idNumber(idNumber) + "]";
  }
}
