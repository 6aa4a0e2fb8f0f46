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
 * @param afterYearEnd whether a child born in the benefit year may still pay it within that time once the year has ended
 *     ("出生90日内跨年度的，可按出生年度和当年度的个人缴费标准缴纳两个年度"): covered from birth to the year's end, at its personal rate
 */
record Newborn(int months, int days, boolean coverBeforeYear, Later later, boolean afterYearEnd, String source) {
  Newborn(int months, int days, boolean coverBeforeYear, String source) {
    this(months, days, coverBeforeYear, null, false, source);
  }

  Newborn(int months, int days, boolean coverBeforeYear, Later later, String source) {
    this(months, days, coverBeforeYear, later, false, source);
  }

  /** A child born in {@code benefitYear} paying it after the year ended, still within the newborn time, where allowed. */
  boolean paysAfterYearEnd(LocalDate birth, LocalDate payDate, int benefitYear) {
    return afterYearEnd && birth.getYear() == benefitYear && payDate.getYear() > benefitYear && within(birth, payDate);
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
