package cn.liangxian.policy;

import java.util.List;
import java.util.Set;

/** The pension tier a person chose, checked against what the book offers them. */
final class TierChoice {
  private final InsuranceTerms terms;
  private final PolicyBook book;
  private final Person person;
  private final List<AppliedRule> rules;

  TierChoice(InsuranceTerms terms, PolicyBook book, Person person, List<AppliedRule> rules) {
    this.terms = terms;
    this.book = book;
    this.person = person;
    this.rules = rules;
  }

  /** The chosen tier in fen; records the rules that allow it. */
  long tierFen(Integer tierYuan) {
    // what is offered is spelt out only for a refusal: a lookup checks every tier of every member
    if (tierYuan == null) {
      throw new AssessmentException(book.reason(ReasonCode.TIER_MISSING, "pension needs a tier; offered: "
          + terms.tiersYuanFor(person), offered()));
    }
    long fen = tierYuan * 100L;
    if (!terms.tiersFen.contains(fen)) {
      throw new AssessmentException(book.reason(ReasonCode.TIER_NOT_OFFERED, "tier " + tierYuan + " is not offered by "
          + book.file() + "; offered: " + terms.tiersYuan(), tierYuan, offered()));
    }
    Sourced<Set<Category>> only = terms.restrictedTiers.get(fen);
    if (only != null) {
      if (!person.inAny(only.value())) {
        throw new AssessmentException(book.reason(ReasonCode.TIER_RESTRICTED, "tier " + tierYuan + " is only for "
            + AssessmentRun.describe(only.value()) + " (" + only.source() + "); offered to this person: "
            + terms.tiersYuanFor(person), tierYuan, AssessmentRun.chineseNames(only.value()), offered()));
      }
      rules.add(new AppliedRule("restricted-tier-" + tierYuan, only.source()));
    }
    rules.add(new AppliedRule("tier-" + tierYuan, terms.tiersSource));
    return fen;
  }

  /** The tiers offered to this person, as the refusal's Chinese text lists them. */
  private String offered() {
    return String.join("、", terms.tiersYuanFor(person).stream().map(String::valueOf).toList());
  }
}
