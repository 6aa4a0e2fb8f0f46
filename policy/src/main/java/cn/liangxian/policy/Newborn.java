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
 * @param later what a child paid for after that time still gets, or null: the late phases apply as to anyone
 */
record Newborn(int months, int days, boolean coverBeforeYear, Later later, String source) {
  Newborn(int months, int days, boolean coverBeforeYear, String source) {
    this(months, days, coverBeforeYear, null, source);
  }

  /**
   * A child paid for after the newborn time (咸阳 2022: "未在90天内缴费，待遇享受期为出生当年缴费后的次月至12月31日"): the
   * personal rate in any phase, cover as {@code coverage} says; up to {@code months} or {@code days} after birth, or, with
   * neither, for a child born in the benefit year.
   */
  record Later(int months, int days, LatePhase.Coverage coverage, String source) {}

  /** Whether a payment on {@code payDate} is within the time after a birth on {@code birth}. */
  boolean within(LocalDate birth, LocalDate payDate) {
    return !payDate.isAfter(lastDay(birth, months, days));
  }

  /** The rule for a payment after the newborn time, or null when there is none or it does not take this payment. */
  Later laterFor(LocalDate birth, LocalDate payDate, int benefitYear) {
    if (later == null || within(birth, payDate)) {
      return null;
    }
    boolean taken = later.months() > 0 || later.days() > 0
        ? !payDate.isAfter(lastDay(birth, later.months(), later.days()))
        : birth.getYear() == benefitYear;
    return taken ? later : null;
  }

  private static LocalDate lastDay(LocalDate birth, int months, int days) {
    return months > 0 ? birth.plusMonths(months) : birth.plusDays(days);
  }

  /** The time as the notice's tables say it. */
  String chinese() {
    return chinese(months, days);
  }

  static String chinese(int months, int days) {
    return "出生后" + (months > 0 ? months + "个月" : days + "天") + "内";
  }
}
