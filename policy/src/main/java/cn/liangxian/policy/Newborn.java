package cn.liangxian.policy;

import java.time.LocalDate;

/**
 * The newborn rule (新生儿): a child paid for within a time of birth pays the personal rate in any phase and
 * is covered from birth, from the benefit year's first day, or from birth even before it where the notice
 * says so (山丹 2025: "自出生之日起至次年12月31日享受待遇").
 *
 * @param months the time after birth in months, or 0 when given in days
 * @param days the time after birth in days, the last day included ("90天(含)"), or 0 when given in months
 * @param coverBeforeYear whether a child born before the benefit year is covered from birth
 */
record Newborn(int months, int days, boolean coverBeforeYear, String source) {
  /** Whether a payment on {@code payDate} is within the time after a birth on {@code birth}. */
  boolean within(LocalDate birth, LocalDate payDate) {
    LocalDate last = months > 0 ? birth.plusMonths(months) : birth.plusDays(days);
    return !payDate.isAfter(last);
  }

  /** The time as the notice's tables say it. */
  String chinese() {
    return "出生后" + (months > 0 ? months + "个月" : days + "天") + "内";
  }
}
