package cn.liangxian.policy;

import java.time.LocalDate;

/**
 * Which late rule a payment after the window falls under: an extension for the person's group first,
 * else the phase for everyone; refused when the notice has no rule or the phases have ended.
 */
final class LateRules {
  private LateRules() {}

  static LatePhase phaseFor(InsuranceTerms terms, PolicyBook book, Person person, LocalDate payDate) {
    if (terms.lateRefused != null) {
      throw new AssessmentException(book.reason(ReasonCode.LATE_REFUSED, "payment on " + payDate
          + " is after the collection window (" + window(terms) + ") and " + book.file() + " has no rule for it: "
          + terms.lateRefused.note() + " (" + terms.lateRefused.source() + ")",
          terms.windowStart == null ? "" : terms.windowStart, terms.windowEnd));
    }
    LatePhase extension = null;
    LatePhase general = null;
    LatePhase lastGeneral = null;
    for (LatePhase p : terms.late) {
      if (p.group() == null) {
        lastGeneral = p;
      }
      if (!p.covers(payDate)) {
        continue;
      }
      if (p.group() == null) {
        general = p;
      } else if (p.group().contains(person, terms.ageReference.value())) {
        extension = p;
      }
    }
    if (extension != null) {
      return extension;
    }
    if (general != null) {
      return general;
    }
    LocalDate ended = lastGeneral != null && lastGeneral.until() != null ? lastGeneral.until() : terms.windowEnd;
    String src = lastGeneral != null ? lastGeneral.source() : terms.windowSource;
    throw new AssessmentException(book.reason(ReasonCode.LATE_CLOSED, "payment on " + payDate
        + " is after the last day late payments are taken (" + ended + ", " + src + ")", ended));
  }

  private static String window(InsuranceTerms terms) {
    return (terms.windowStart == null ? "" : terms.windowStart.toString()) + ".." + terms.windowEnd;
  }
}
