package cn.liangxian.policy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The treatments a person gets against a base amount: the single most favourable reduction (reductions
 * never stack, DOMAIN decision 1) plus the extra subsidies a book marks as stacking.
 *
 * @param best the reduction chosen, or null when none applies
 * @param effect what the chosen reduction and the stacking subsidies do together
 * @param stacked the stacking subsidies that apply
 */
record TreatmentChoice(Treatment best, Effect effect, List<Treatment> stacked) {
  static final TreatmentChoice NONE = new TreatmentChoice(null, Effect.NONE, List.of());

  /** What treatments do to a base amount, in fen. */
  record Effect(long government, long later, long subsidy) {
    static final Effect NONE = new Effect(0, 0, 0);

    /** What the person gains: paid for them now, given back later, or credited. */
    long benefit() {
      return government + later + subsidy;
    }

    static Effect of(Treatment tr, long base) {
      return switch (tr.kind()) {
        case EXEMPT -> new Effect(base, 0, 0);
        case GOVERNMENT_PERCENT -> new Effect(percentOf(base, tr.value()), 0, 0);
        case GOVERNMENT_FEN -> new Effect(Math.min(base, tr.value()), 0, 0);
        case EXTRA_SUBSIDY_FEN -> new Effect(0, 0, tr.value());
        case LATER_SUBSIDY_PERCENT -> new Effect(0, percentOf(base, tr.value()), 0);
        case PERSONAL_FEN -> new Effect(Math.max(0, base - tr.value()), 0, 0);
      };
    }
  }

  /** Chooses among the treatments that apply to the person; on equal benefit, more paid now wins. */
  static TreatmentChoice among(List<Treatment> treatments, Person person, LocalDate ageReference, long base) {
    Treatment best = null;
    Effect bestEffect = Effect.NONE;
    long stackedSubsidy = 0;
    List<Treatment> stacked = new ArrayList<>();
    for (Treatment tr : treatments) {
      if (!tr.appliesTo(person, ageReference)) {
        continue;
      }
      if (tr.stacks()) {
        stacked.add(tr);
        stackedSubsidy += tr.value();
        continue;
      }
      Effect e = Effect.of(tr, base);
      if (best == null || e.benefit() > bestEffect.benefit()
          || (e.benefit() == bestEffect.benefit() && e.government > bestEffect.government)) {
        best = tr;
        bestEffect = e;
      }
    }
    Effect total = new Effect(bestEffect.government, bestEffect.later, bestEffect.subsidy + stackedSubsidy);
    return new TreatmentChoice(best, total, stacked);
  }

  /** A percentage of an amount in fen, rounded half up to the fen. */
  static long percentOf(long fen, long percent) {
    return (fen * percent + 50) / 100;
  }
}
