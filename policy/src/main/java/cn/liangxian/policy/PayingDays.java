package cn.liangxian.policy;

import java.time.LocalDate;
import java.util.List;

/**
 * The days of each month payments are taken (e.g. 1-25) and the dates they are not (year-end closing).
 *
 * @param firstDay first day of each month payments are taken
 * @param lastDay last day of each month payments are taken (31: to the month's end)
 * @param closed date ranges on which no payment is taken
 */
record PayingDays(int firstDay, int lastDay, List<Closed> closed, String source) {

  /** Dates on which no payment is taken, both ends included. */
  record Closed(LocalDate from, LocalDate to, String source) {}

  boolean payable(LocalDate d) {
    if (d.getDayOfMonth() < firstDay || d.getDayOfMonth() > lastDay) {
      return false;
    }
    for (Closed c : closed) {
      if (!d.isBefore(c.from()) && !d.isAfter(c.to())) {
        return false;
      }
    }
    return true;
  }

  /** The first payable day after {@code d}, up to {@code last}; null when there is none. */
  LocalDate next(LocalDate d, LocalDate last) {
    for (LocalDate x = d.plusDays(1); !x.isAfter(last); x = x.plusDays(1)) {
      if (payable(x)) {
        return x;
      }
    }
    return null;
  }

  /** The clause that closes {@code d}: a closed range's own clause, or the days-of-month clause. */
  String sourceFor(LocalDate d) {
    for (Closed c : closed) {
      if (!d.isBefore(c.from()) && !d.isAfter(c.to())) {
        return c.source();
      }
    }
    return source;
  }
}
