package cn.liangxian.policy;

import java.time.LocalDate;
import java.util.List;

/**
 * What a payment made on or after {@code from} (after the collection window) costs and when its
 * coverage starts.
 *
 * @param until last day of the phase, or null when it runs to the next phase or the year's end
 * @param group the only group the phase is for (an extension), or null for everyone
 * @param fullFinancing pays the full financing amount (personal + fiscal) instead of the personal rate
 * @param reductions category and age reductions still apply
 * @param reducedFromFull in a full-financing phase with reductions, a reduction is of the full amount ("享受减半的按筹资
 *     总额的 50%"); otherwise the people a reduction applies to keep the personal rate with it (000 三(二)3: the special
 *     groups are paid for as in the window)
 * @param subsidies the pension contribution subsidy is still credited
 * @param coverage when cover starts for a payment in this phase
 * @param governmentPaidFullYear people whose personal part the government pays keep the full year (000 三(二)3)
 * @param backPayment a pension back-payment (补缴) that runs past the benefit year: the year may still be paid for
 *     until {@code until}
 */
record LatePhase(
    String id,
    LocalDate from,
    LocalDate until,
    Group group,
    boolean fullFinancing,
    boolean reductions,
    boolean reducedFromFull,
    boolean subsidies,
    Coverage coverage,
    boolean governmentPaidFullYear,
    boolean backPayment,
    List<Long> tiersFen,
    String source) {

  /** When cover starts for a late payment. */
  record Coverage(Kind kind, int count, LocalDate date, String notGivenWhy) {
    enum Kind {
      /** {@code count} days after payment; 0 is the day of payment itself */
      AFTER_DAYS,
      /** {@code count} months after payment, to the same day of the month (the last where that month is shorter) */
      AFTER_MONTHS,
      /** from a fixed date, or the payment day when later */
      FROM_DATE,
      /** the first day of the month after payment */
      NEXT_MONTH,
      /** the notice gives no waiting time: a payment that needs one cannot be assessed ({@code notGivenWhy}) */
      NOT_GIVEN
    }

    static Coverage afterDays(int days) {
      return new Coverage(Kind.AFTER_DAYS, days, null, null);
    }

    /** Whether cover starts on the day of payment itself. */
    boolean fromPayment() {
      return kind == Kind.AFTER_DAYS && count == 0;
    }

    LocalDate start(LocalDate payDate) {
      return switch (kind) {
        case AFTER_DAYS -> payDate.plusDays(count);
        case AFTER_MONTHS -> payDate.plusMonths(count);
        case FROM_DATE -> date.isBefore(payDate) ? payDate : date;
        case NEXT_MONTH -> payDate.withDayOfMonth(1).plusMonths(1);
        case NOT_GIVEN -> throw new IllegalStateException("no waiting time to start cover from: " + notGivenWhy);
      };
    }
  }

  boolean covers(LocalDate payDate) {
    return !payDate.isBefore(from) && (until == null || !payDate.isAfter(until));
  }
}
