package cn.liangxian.policy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Assesses what a person owes for one insurance under one book on one pay date. Pure: data in, data
 * out, no clock and no I/O, so it can run on every lookup.
 */
public final class PolicyEngine {
  private PolicyEngine() {}

  /** Assesses a medical contribution (or a pension one for which {@code tierYuan} is required). */
  public static Assessment assess(Person person, Insurance insurance, PolicyBook book, LocalDate payDate) {
    return assess(person, insurance, book, payDate, null, Set.of());
  }

  /**
   * @param tierYuan the pension tier chosen, in yuan (pension only)
   * @param addOns optional add-on codes the resident buys (e.g. {@code COMMERCIAL_SUPPLEMENT})
   * @throws AssessmentException when the request cannot be assessed under this book
   */
  public static Assessment assess(
      Person person, Insurance insurance, PolicyBook book, LocalDate payDate, Integer tierYuan, Set<String> addOns) {
    InsuranceTerms t = terms(book, insurance);
    return new AssessmentRun(person, t, book, payDate, tierYuan, addOns == null ? Set.of() : addOns).assess();
  }

  /** Assesses every member of a household for one insurance, with totals and the whole-family rule. */
  public static HouseholdAssessment assessHousehold(
      List<HouseholdAssessment.Member> members, Insurance insurance, PolicyBook book, LocalDate payDate) {
    List<HouseholdAssessment.Line> lines = new ArrayList<>();
    for (HouseholdAssessment.Member m : members) {
      try {
        lines.add(new HouseholdAssessment.Line(m.person(),
            assess(m.person(), insurance, book, payDate, m.tierYuan(), m.addOns()), null));
      } catch (AssessmentException e) {
        lines.add(new HouseholdAssessment.Line(m.person(), null, e.getMessage()));
      }
    }
    InsuranceTerms t = terms(book, insurance);
    return new HouseholdAssessment(insurance, lines, t.wholeFamilyRequired(), t.wholeFamilySource().orElse(null));
  }

  private static InsuranceTerms terms(PolicyBook book, Insurance insurance) {
    return book.terms(insurance).orElseThrow(() -> new AssessmentException(book.reason(ReasonCode.NO_TERMS,
        book.file() + " sets no " + insurance.code() + " terms", insurance)));
  }
}
