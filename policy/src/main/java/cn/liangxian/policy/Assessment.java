package cn.liangxian.policy;

import java.time.LocalDate;
import java.util.List;

/**
 * What one person owes for one insurance and why. All amounts are integer fen and never negative;
 * {@code totalFen == personalFen + governmentFen + subsidyFen}.
 *
 * @param eligible whether the person can enrol and pay under this book
 * @param reason why not, when not eligible (English, for operators)
 * @param why the same with its stable code and Chinese text, when not eligible
 * @param personalFen paid now by the resident (including optional add-ons)
 * @param governmentFen part of the contribution paid on the person's behalf or waived (代缴/减免)
 * @param subsidyFen pension contribution subsidy credited to the personal account (缴费补贴)
 * @param laterSubsidyFen part of {@code personalFen} given back afterwards (先征后补); reported for finance
 * @param totalFen credited in all
 * @param coverageStart first day of coverage (medical) or of the contribution year (pension)
 * @param coverageEnd last day of it
 * @param rules every rule that decided the result, with its clause
 */
public record Assessment(
    boolean eligible,
    String reason,
    Reason why,
    long personalFen,
    long governmentFen,
    long subsidyFen,
    long laterSubsidyFen,
    long totalFen,
    LocalDate coverageStart,
    LocalDate coverageEnd,
    List<AppliedRule> rules) {

  public Assessment {
    rules = List.copyOf(rules);
    if (personalFen < 0 || governmentFen < 0 || subsidyFen < 0 || laterSubsidyFen < 0) {
      throw new IllegalStateException("negative amount in assessment");
    }
    if (totalFen != personalFen + governmentFen + subsidyFen) {
      throw new IllegalStateException("assessment parts do not add up");
    }
    if (laterSubsidyFen > personalFen) {
      throw new IllegalStateException("later subsidy exceeds the personal amount");
    }
  }

  static Assessment notEligible(Reason why, List<AppliedRule> rules) {
    return new Assessment(false, why.detail(), why, 0, 0, 0, 0, 0, null, null, rules);
  }
}
