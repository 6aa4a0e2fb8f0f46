package cn.liangxian.policy;

import java.time.LocalDate;

/**
 * Requests this book cannot answer at all: a tier for medical, a pay date before collection opens, after
 * the year it covers, or on a day payments are not taken (then the refusal names the next day they are).
 */
final class PayDateCheck {
  private final InsuranceTerms terms;
  private final PolicyBook book;
  private final LocalDate payDate;
  private final Integer tierYuan;
  private final LocalDate birth;
  private final Person person;

  PayDateCheck(InsuranceTerms terms, PolicyBook book, LocalDate payDate, Integer tierYuan, Person person) {
    this.terms = terms;
    this.book = book;
    this.payDate = payDate;
    this.tierYuan = tierYuan;
    this.birth = person.id().birthDate();
    this.person = person;
  }

  void check() {
    LocalDate yearEnd = LocalDate.of(terms.benefitYear, 12, 31);
    if (terms.insurance == Insurance.MEDICAL && tierYuan != null && terms.tiersFen.isEmpty()) {
      throw refused(ReasonCode.TIER_FOR_MEDICAL, "a tier applies to pension only, not to " + terms.insurance.code());
    }
    LocalDate start = terms.startFor(person);
    if (start != null && payDate.isBefore(start)) {
      throw refused(ReasonCode.WINDOW_NOT_OPEN, "collection of " + terms.benefitYear + " " + terms.insurance.code()
          + " contributions opens on " + start + " (" + terms.windowSource + ")",
          terms.benefitYear, terms.insurance, start);
    }
    if (payDate.isAfter(yearEnd) && terms.late.stream().anyMatch(LatePhase::backPayment)) {
      if (!terms.backPaymentOn(payDate)) {
        LocalDate last = terms.late.stream().filter(LatePhase::backPayment).map(LatePhase::until)
            .max(LocalDate::compareTo).orElseThrow();
        if (payDate.isAfter(last)) {
          throw refused(ReasonCode.LATE_CLOSED, "back-payments of " + terms.benefitYear + " " + terms.insurance.code()
              + " were taken until " + last, last);
        }
      }
    } else if (payDate.isAfter(yearEnd) && !terms.newbornAfterYearEnd(birth, payDate)) {
      throw refused(ReasonCode.YEAR_ENDED, "the " + terms.benefitYear + " " + terms.insurance.code()
          + " year ended on " + yearEnd + "; " + book.file() + " does not cover payments on " + payDate,
          terms.benefitYear, terms.insurance);
    }
    if (birth.isAfter(payDate)) {
      throw refused(ReasonCode.BIRTH_AFTER_PAY_DATE, "the ID number's birth date " + birth + " is after the pay date "
          + payDate);
    }
    PayingDays days = terms.payingDays;
    // the year's paying days say nothing of a newborn's payment after the year
    if (days != null && !payDate.isAfter(yearEnd) && !days.payable(payDate)) {
      LocalDate next = days.next(payDate, yearEnd);
      if (next == null) {
        throw refused(ReasonCode.NO_PAYING_DAY_LEFT, "no payment is taken on " + payDate + " (" + days.sourceFor(payDate)
            + ") nor on any later day of the " + terms.benefitYear + " year", payDate);
      }
      throw refused(ReasonCode.NOT_A_PAYING_DAY, "no payment is taken on " + payDate + " (" + days.sourceFor(payDate)
          + "); the next day a payment can be made is " + next, payDate, next);
    }
  }

  private AssessmentException refused(ReasonCode code, String detail, Object... args) {
    return new AssessmentException(book.reason(code, detail, args));
  }
}
