package cn.liangxian.policy;

import java.time.LocalDate;
import java.util.Set;

/**
 * The waiting time of a resident who comes back to the medical insurance after a break in cover (断保后续保). The
 * national rule from 2025 (国办发〔2024〕38号), as local notices restate it: "对未连续参保的人员，设置参保后固定待遇等待期3个月；
 * 每多断保1年，在固定待遇等待期基础上增加1个月的变动待遇等待期". A break of one benefit year or more waits {@code lapsedMonths}; each
 * further year without cover adds {@code perExtraYearMonths}, up to {@code maxMonths} in all.
 *
 * <p>The wait is counted from the benefit year's first day for a payment made before it ("参保后": cover cannot start
 * before the year), from the day of payment for one made within it, in the window or after; where a late phase also
 * makes the resident wait, the later start holds. The resident's last covered year comes from the agency's roster, a
 * payment here or the agency's notes ({@link Person#lastMedicalYear()}); a person of whom none says anything waits for
 * nothing here (a newborn, a first enrolment, or simply not known).
 *
 * @param lapsedMonths the fixed wait after a break of one year or more (固定待遇等待期)
 * @param perExtraYearMonths what each further year of the break adds (变动待遇等待期), 0 for none
 * @param maxMonths the most the two together come to: a book states it (a break of many years would otherwise wait past
 *     the year's end, and the payment be refused), with a note where the notice gives none
 * @param except categories that never wait for a break (困难群众 where the notice spares them), may be empty
 */
record Continuity(int lapsedMonths, int perExtraYearMonths, int maxMonths, Set<Category> except, String source) {
  Continuity {
    except = except == null ? Set.of() : Set.copyOf(except);
  }

  /** The benefit years without cover right before {@code benefitYear}: 0 when covered the year before, or not known. */
  static int lapsedYears(Integer lastCovered, int benefitYear) {
    return lastCovered == null ? 0 : Math.max(0, benefitYear - lastCovered - 1);
  }

  /** The months a break of {@code lapsed} years waits (0 for none). */
  int months(int lapsed) {
    if (lapsed <= 0) {
      return 0;
    }
    return Math.min(lapsedMonths + perExtraYearMonths * (lapsed - 1), maxMonths);
  }

  /**
   * When cover starts for {@code person} paying on {@code payDate} for {@code benefitYear}, after the wait of their
   * break; null where they have none to wait (no break, none known, or a category spared).
   */
  LocalDate start(Person person, int benefitYear, LocalDate payDate) {
    int m = months(lapsedYears(person.lastMedicalYear(), benefitYear));
    if (m == 0 || person.inAny(except)) {
      return null;
    }
    LocalDate yearStart = LocalDate.of(benefitYear, 1, 1);
    return (payDate.isAfter(yearStart) ? payDate : yearStart).plusMonths(m);
  }
}
