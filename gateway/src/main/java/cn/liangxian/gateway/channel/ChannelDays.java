package cn.liangxian.gateway.channel;

import java.time.LocalDate;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * The Beijing day a channel books a payment on, read off what the channel says (its bill is by that day):
 * a payment at 23:59:59 belongs to that day, however late its notification reaches us. Null when the
 * channel said nothing readable (reconciliation then goes by when we received it).
 */
public final class ChannelDays {
  public static final ZoneId BEIJING = ZoneId.of("Asia/Shanghai");

  private ChannelDays() {}

  /** The Beijing day of an instant the database keeps ({@code paid_at}), or null. */
  public static LocalDate beijingDay(OffsetDateTime at) {
    return at == null ? null : at.atZoneSameInstant(BEIJING).toLocalDate();
  }

  /**
   * WeChat Pay's {@code success_time}, RFC 3339 ({@code 2019-12-15T23:59:59+08:00}), as the moment it was paid (its day:
   * {@link #beijingDay}), or null when missing or unreadable.
   */
  public static OffsetDateTime timestamp(String rfc3339) {
    if (rfc3339 == null || rfc3339.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(rfc3339);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * Alipay's {@code gmt_payment} or {@code send_pay_date} ({@code yyyy-MM-dd HH:mm:ss}, Beijing time) as a moment (its
   * day: {@link #beijingDay}), or null when missing or unreadable.
   */
  public static OffsetDateTime beijingTime(String time) {
    if (time == null || time.isBlank()) {
      return null;
    }
    try {
      return java.time.LocalDateTime.parse(time.strip().replace(' ', 'T')).atZone(BEIJING).toOffsetDateTime();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * UnionPay's {@code traceTime} ({@code MMddHHmmss}, Beijing time: when it carried the payment) as a moment, in the
   * year that puts it nearest {@code today}; null when missing or unreadable.
   */
  public static OffsetDateTime ofTraceTime(String mmddHHmmss, LocalDate today) {
    if (mmddHHmmss == null || !mmddHHmmss.matches("\\d{10}")) {
      return null;
    }
    LocalDate day = ofMonthDay(mmddHHmmss.substring(0, 4), today);
    int h = Integer.parseInt(mmddHHmmss.substring(4, 6));
    int m = Integer.parseInt(mmddHHmmss.substring(6, 8));
    int s = Integer.parseInt(mmddHHmmss.substring(8, 10));
    if (day == null || h > 23 || m > 59 || s > 59) {
      return null;
    }
    return day.atTime(h, m, s).atZone(BEIJING).toOffsetDateTime();
  }

  /** UnionPay's {@code settleDate} ({@code MMdd}): the date of that month and day nearest {@code today}. */
  public static LocalDate ofMonthDay(String mmdd, LocalDate today) {
    if (mmdd == null || !mmdd.matches("\\d{4}")) {
      return null;
    }
    MonthDay md;
    try {
      md = MonthDay.of(Integer.parseInt(mmdd.substring(0, 2)), Integer.parseInt(mmdd.substring(2)));
    } catch (java.time.DateTimeException e) {
      return null;
    }
    LocalDate best = null;
    for (int year = today.getYear() - 1; year <= today.getYear() + 1; year++) {
      if (!md.isValidYear(year)) {
        continue;
      }
      LocalDate d = md.atYear(year);
      if (best == null || Math.abs(d.toEpochDay() - today.toEpochDay()) < Math.abs(best.toEpochDay() - today.toEpochDay())) {
        best = d;
      }
    }
    return best;
  }
}
