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
    InsuranceTerms t = book.terms(insurance).orElseThrow(() -> new AssessmentException(
        book.file() + " sets no " + insurance.code() + " terms"));
    return new Run(person, t, book, payDate, tierYuan, addOns == null ? Set.of() : addOns).assess();
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
    InsuranceTerms t = book.terms(insurance).orElseThrow(() -> new AssessmentException(
        book.file() + " sets no " + insurance.code() + " terms"));
    return new HouseholdAssessment(insurance, lines, t.wholeFamilyRequired(), t.wholeFamilySource().orElse(null));
  }

  /** One assessment in progress. */
  private static final class Run {
    private final Person person;
    private final InsuranceTerms t;
    private final PolicyBook book;
    private final LocalDate payDate;
    private final Integer tierYuan;
    private final Set<String> addOns;
    private final List<AppliedRule> rules = new ArrayList<>();

    Run(Person person, InsuranceTerms t, PolicyBook book, LocalDate payDate, Integer tierYuan, Set<String> addOns) {
      this.person = person;
      this.t = t;
      this.book = book;
      this.payDate = payDate;
      this.tierYuan = tierYuan;
      this.addOns = addOns;
    }

    private void rule(String id, String source) {
      rules.add(new AppliedRule(id, source));
    }

    Assessment assess() {
      LocalDate yearStart = LocalDate.of(t.benefitYear, 1, 1);
      LocalDate yearEnd = LocalDate.of(t.benefitYear, 12, 31);
      if (t.insurance == Insurance.MEDICAL && tierYuan != null) {
        throw new AssessmentException("a tier applies to pension only, not to " + t.insurance.code());
      }
      if (payDate.isBefore(t.windowStart)) {
        throw new AssessmentException("collection of " + t.benefitYear + " " + t.insurance.code()
            + " contributions opens on " + t.windowStart + " (" + t.windowSource + ")");
      }
      if (payDate.isAfter(yearEnd)) {
        throw new AssessmentException("the " + t.benefitYear + " " + t.insurance.code()
            + " year ended on " + yearEnd + "; " + book.file() + " does not cover payments on " + payDate);
      }
      LocalDate birth = person.id().birthDate();
      if (birth.isAfter(payDate)) {
        throw new AssessmentException("the ID number's birth date " + birth + " is after the pay date " + payDate);
      }

      // Eligibility first: who may enrol at all.
      if (person.enrolledElsewhere()) {
        rule("enrolled-elsewhere", t.enrolledElsewhereSource);
        return Assessment.notEligible("already insured this year elsewhere or under employee insurance", rules);
      }
      if (!person.local() && t.localOnlySource != null) {
        rule("local-only", t.localOnlySource);
        return Assessment.notEligible("only residents registered in " + regionNames() + " may enrol", rules);
      }
      int age = person.id().ageOn(t.ageReference.value());
      if (t.minAge != null && age < t.minAge.value()) {
        rule("min-age", t.minAge.source());
        return Assessment.notEligible("must be at least " + t.minAge.value() + " years old on "
            + t.ageReference.value() + " (is " + Math.max(age, 0) + ")", rules);
      }
      if (t.excluded != null && person.inAny(t.excluded.value())) {
        rule("excluded", t.excluded.source());
        return Assessment.notEligible("not eligible as " + describe(t.excluded.value()), rules);
      }

      // What phase of collection the pay date falls in.
      boolean newborn = t.newbornMonths != null && !payDate.isAfter(birth.plusMonths(t.newbornMonths.value()));
      LatePhase phase = null;
      if (payDate.isAfter(t.windowEnd) && !newborn) {
        if (t.lateRefused != null) {
          throw new AssessmentException("payment on " + payDate + " is after the collection window ("
              + t.windowStart + ".." + t.windowEnd + ") and " + book.file() + " has no rule for it: "
              + t.lateRefused.note() + " (" + t.lateRefused.source() + ")");
        }
        for (LatePhase p : t.late) {
          if (!payDate.isBefore(p.from())) {
            phase = p;
          }
        }
        rule(phase.id(), phase.source());
      } else if (!payDate.isAfter(t.windowEnd)) {
        rule("window", t.windowSource);
      }
      if (newborn) {
        rule("newborn", t.newbornMonths.source());
      }

      boolean reductions = phase == null || phase.reductions();
      if (!person.local() && t.nonLocalReductions != null && !t.nonLocalReductions.value()) {
        reductions = false;
        rule("non-local-no-reductions", t.nonLocalReductions.source());
      }

      // The base amount: the chosen tier, the personal standard, or the full financing amount.
      long base;
      long tierSubsidy = 0;
      Choice choice = Choice.NONE;
      if (t.insurance == Insurance.PENSION) {
        base = tier();
        if (phase == null || phase.subsidies()) {
          Sourced<Long> s = t.subsidyByTierFen.get(base);
          tierSubsidy = s.value();
          rule("subsidy-" + base / 100, s.source());
        }
        if (reductions) {
          choice = choose(base);
        }
      } else {
        base = t.personalFen.value();
        if (reductions) {
          choice = choose(base);
        }
        // A full-financing phase that keeps reductions keeps them at the standard rate for the people
        // they apply to (000 三(二)3: special groups are paid for and covered all year); everyone else
        // owes the full amount.
        boolean full = phase != null && phase.fullFinancing() && choice.best == null;
        if (full) {
          if (t.fullFinancingFen.value() == null) {
            throw new AssessmentException("a payment on " + payDate + " owes the full financing amount, which notice "
                + book.notice() + " does not give (" + t.fullFinancingFen.note() + ", "
                + t.fullFinancingFen.source() + ") and " + book.file() + " does not configure");
          }
          base = t.fullFinancingFen.value();
          rule("full-financing", t.fullFinancingFen.source());
          choice = reductions ? choose(base) : Choice.NONE;
        } else {
          rule("personal", t.personalFen.source());
        }
      }
      for (Treatment tr : choice.stacked) {
        rule(tr.id(), tr.source());
      }
      if (choice.best != null) {
        rule(choice.best.id(), choice.best.source());
      }
      long government = choice.effect.government;
      long later = choice.effect.later;
      long extraSubsidy = choice.effect.subsidy;
      if (phase != null && !phase.subsidies()) {
        extraSubsidy = 0;
      }
      long personal = base - government;

      for (String code : new java.util.TreeSet<>(addOns)) {
        AddOn a = t.addOns.get(code);
        if (a == null) {
          throw new AssessmentException("add-on '" + code + "' is not offered by " + book.file() + " for "
              + t.insurance.code() + (t.addOns.isEmpty() ? "" : " (offered: " + String.join(", ", t.addOns.keySet()) + ")"));
        }
        personal += a.fen();
        rule("add-on-" + code.toLowerCase(java.util.Locale.ROOT).replace('_', '-'), a.source());
      }

      // Coverage: the benefit year, from birth for newborns, after the waiting period for late payers.
      LocalDate start = yearStart;
      if (newborn && birth.isAfter(start)) {
        start = birth;
      }
      if (phase != null && phase.waitingDays() > 0) {
        boolean keepsYear = phase.governmentPaidFullYear() && base - government == 0;
        if (!keepsYear) {
          LocalDate afterWait = payDate.plusDays(phase.waitingDays());
          if (afterWait.isAfter(start)) {
            start = afterWait;
          }
        }
      }
      if (start.isAfter(yearEnd)) {
        return Assessment.notEligible("paid on " + payDate + ", coverage would start on " + start
            + ", after the " + t.benefitYear + " year ends", rules);
      }
      long subsidy = tierSubsidy + extraSubsidy;
      return new Assessment(true, null, personal, government, subsidy, later, personal + government + subsidy,
          start, yearEnd, rules);
    }

    /** The single most favourable treatment (reductions never stack), plus extra subsidies marked as stacking. */
    private Choice choose(long base) {
      Treatment best = null;
      Effect bestEffect = Effect.NONE;
      long stackedSubsidy = 0;
      List<Treatment> stacked = new ArrayList<>();
      for (Treatment tr : t.treatments) {
        if (!tr.appliesTo(person, t.ageReference.value())) {
          continue;
        }
        if (tr.stacks()) {
          stacked.add(tr);
          stackedSubsidy += tr.value();
          continue;
        }
        Effect e = effect(tr, base);
        if (best == null || e.benefit() > bestEffect.benefit()
            || (e.benefit() == bestEffect.benefit() && e.government > bestEffect.government)) {
          best = tr;
          bestEffect = e;
        }
      }
      Effect total = new Effect(bestEffect.government, bestEffect.later, bestEffect.subsidy + stackedSubsidy);
      return new Choice(best, total, stacked);
    }

    private long tier() {
      if (tierYuan == null) {
        throw new AssessmentException("pension needs a tier; offered: " + t.tiersYuanFor(person));
      }
      long fen = tierYuan * 100L;
      if (!t.tiersFen.contains(fen)) {
        throw new AssessmentException("tier " + tierYuan + " is not offered by " + book.file() + "; offered: "
            + t.tiersYuan());
      }
      Sourced<Set<Category>> only = t.restrictedTiers.get(fen);
      if (only != null) {
        if (!person.inAny(only.value())) {
          throw new AssessmentException("tier " + tierYuan + " is only for " + describe(only.value()) + " ("
              + only.source() + "); offered to this person: " + t.tiersYuanFor(person));
        }
        rule("restricted-tier-" + tierYuan, only.source());
      }
      rule("tier-" + tierYuan, t.tiersSource);
      return fen;
    }

    private String regionNames() {
      return String.join(", ", book.regions().stream().map(Region::name).toList());
    }
  }

  private record Effect(long government, long later, long subsidy) {
    static final Effect NONE = new Effect(0, 0, 0);

    /** What the person gains: paid for them now, given back later, or credited. */
    long benefit() {
      return government + later + subsidy;
    }
  }

  private record Choice(Treatment best, Effect effect, List<Treatment> stacked) {
    static final Choice NONE = new Choice(null, Effect.NONE, List.of());
  }

  private static Effect effect(Treatment tr, long base) {
    return switch (tr.kind()) {
      case EXEMPT -> new Effect(base, 0, 0);
      case GOVERNMENT_PERCENT -> new Effect(percentOf(base, tr.value()), 0, 0);
      case GOVERNMENT_FEN -> new Effect(Math.min(base, tr.value()), 0, 0);
      case EXTRA_SUBSIDY_FEN -> new Effect(0, 0, tr.value());
      case LATER_SUBSIDY_PERCENT -> new Effect(0, percentOf(base, tr.value()), 0);
    };
  }

  /** A percentage of an amount in fen, rounded half up to the fen. */
  static long percentOf(long fen, long percent) {
    return (fen * percent + 50) / 100;
  }

  private static String describe(Set<Category> categories) {
    return String.join("/", categories.stream().map(c -> c.name() + " " + c.chineseName()).toList());
  }
}
