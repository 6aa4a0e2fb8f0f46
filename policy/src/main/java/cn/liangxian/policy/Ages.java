package cn.liangxian.policy;

import java.time.LocalDate;
import java.time.Period;

/** Age in completed years (周岁), the way the notices count it. */
final class Ages {
  private Ages() {}

  /** Completed years on {@code date}; the birthday itself counts (born 1949-12-31 is 70 on 2019-12-31). */
  static int completedYears(LocalDate birth, LocalDate date) {
    return birth.isAfter(date) ? -1 : Period.between(birth, date).getYears();
  }
}
