package cn.liangxian.policy;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;

/** Builds valid ID numbers for tests. */
final class Ids {
  private Ids() {}

  /** A valid 18-digit number; {@code seq} odd for a man, even for a woman. */
  static String id(String region, String birth, int seq) {
    String body = region + LocalDate.parse(birth).format(DateTimeFormatter.BASIC_ISO_DATE) + String.format("%03d", seq);
    return body + IdNumber.checkCharacter(body);
  }

  static String man(String region, String birth) {
    return id(region, birth, 123);
  }

  static String woman(String region, String birth) {
    return id(region, birth, 124);
  }
}
