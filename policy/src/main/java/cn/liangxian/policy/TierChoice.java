package cn.liangxian.policy;

import java.util.List;
import java.util.Set;

/** The pension tier a person chose, checked against what the book offers them. */
final class TierChoice {
  private final InsuranceTerms terms;
  private final PolicyBook book;
  private final Person person;
  private final List<AppliedRule> rules;
  /** The late phase the payment falls in, or null: a back-payment's own tiers are offered in it. */
  private final LatePhase phase;
  /** The tiers offered in that phase, in fen: the back-payment's own, else the year's. */
  private final List<Long> tiers;

  TierChoice(InsuranceTerms terms, PolicyBook book, Person person, List<AppliedRule> rules, LatePhase phase) {
    this.terms = terms;
    this.book = book;
    this.person = person;
    this.rules = rules;
    this.phase = phase;
    this.tiers = ownTiers() ? phase.tiersFen() : terms.tiersFen;
  }

  private boolean ownTiers() {
    return phase != null && !phase.tiersFen().isEmpty();
  }

  /** The chosen tier in fen; records the rules that allow it. */
  long tierFen(Integer tierYuan) {
    // what is offered is spelt out only for a refusal: a lookup checks every tier of every member
    if (tierYuan == null) {
      throw new AssessmentException(book.reason(ReasonCode.TIER_MISSING, "pension needs a tier; offered: "
          + terms.tiersYuanFor(person, tiers), offered()));
    }
    long fen = tierYuan * 100L;
    if (!tiers.contains(fen)) {
      throw new AssessmentException(book.reason(ReasonCode.TIER_NOT_OFFERED, "tier " + tierYuan + " is not offered by "
          + book.file() + (ownTiers() ? " in " + phase.id() : "") + "; offered: " + tiers.stream().map(f -> f / 100).toList(), tierYuan, offered()));
    }
    Sourced<Set<Category>> only = terms.restrictedTiers.get(fen);
    if (only != null) {
      if (!person.inAny(only.value())) {
        throw new AssessmentException(book.reason(ReasonCode.TIER_RESTRICTED, "tier " + tierYuan + " is only for "
            + AssessmentRun.describe(only.value()) + " (" + only.source() + "); offered to this person: "
            + terms.tiersYuanFor(person, tiers), tierYuan, AssessmentRun.chineseNames(only.value()), offered()));
      }
      rules.add(new AppliedRule("restricted-tier-" + tierYuan, only.source()));
    }
    rules.add(new AppliedRule("tier-" + tierYuan, ownTiers() ? phase.source() : terms.tiersSource));
    return fen;
  }

  /** The tiers offered to this person, as the refusal's Chinese text lists them. */
  private String offered() {
    return String.join("、", terms.tiersYuanFor(person, tiers).stream().map(String::valueOf).toList());
  }
}
