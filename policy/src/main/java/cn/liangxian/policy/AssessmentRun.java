package cn.liangxian.policy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * One assessment in progress. The steps run in the order the notices decide (pay date, eligibility,
 * collection phase, amounts, add-ons, coverage), each recording the rules it applies.
 */
final class AssessmentRun {
  private final Person person;
  private final InsuranceTerms terms;
  private final PolicyBook book;
  private final LocalDate payDate;
  private final Integer tierYuan;
  private final Set<String> addOns;
  private final LocalDate birth;
  private final LocalDate yearEnd;
  private final List<AppliedRule> rules = new ArrayList<>();

  /** The amount treatments apply to, and the tier subsidy that comes with it (pension). */
  private record Base(long fen, long tierSubsidyFen, TreatmentChoice choice) {}

  AssessmentRun(
      Person person, InsuranceTerms terms, PolicyBook book, LocalDate payDate, Integer tierYuan, Set<String> addOns) {
    this.person = person;
    this.terms = terms;
    this.book = book;
    this.payDate = payDate;
    this.tierYuan = tierYuan;
    this.addOns = addOns;
    this.birth = person.id().birthDate();
    this.yearEnd = LocalDate.of(terms.benefitYear, 12, 31);
  }

  Assessment assess() {
    checkRequest();
    String ineligible = ineligibility();
    if (ineligible != null) {
      return Assessment.notEligible(ineligible, rules);
    }
    boolean newborn = terms.newbornMonths != null && !payDate.isAfter(birth.plusMonths(terms.newbornMonths.value()));
    LatePhase phase = latePhase(newborn);
    if (newborn) {
      rule("newborn", terms.newbornMonths.source());
    }
    boolean reductions = reductions(phase);
    Base base = terms.insurance == Insurance.PENSION ? pensionBase(phase, reductions) : medicalBase(phase, reductions);
    TreatmentChoice.Effect effect = treatmentEffect(base.choice());
    long government = effect.government();
    long later = effect.later();
    long extraSubsidy = phase != null && !phase.subsidies() ? 0 : effect.subsidy();
    long personal = base.fen() - government + addOnsFen();

    LocalDate start = coverageStart(newborn, phase, base.fen() - government == 0);
    if (start.isAfter(yearEnd)) {
      return Assessment.notEligible("paid on " + payDate + ", coverage would start on " + start
          + ", after the " + terms.benefitYear + " year ends", rules);
    }
    long subsidy = base.tierSubsidyFen() + extraSubsidy;
    return new Assessment(true, null, personal, government, subsidy, later, personal + government + subsidy,
        start, yearEnd, rules);
  }

  private void rule(String id, String source) {
    rules.add(new AppliedRule(id, source));
  }

  /** Requests this book cannot answer at all: a tier for medical, a pay date outside the year it covers. */
  private void checkRequest() {
    if (terms.insurance == Insurance.MEDICAL && tierYuan != null) {
      throw new AssessmentException("a tier applies to pension only, not to " + terms.insurance.code());
    }
    if (payDate.isBefore(terms.windowStart)) {
      throw new AssessmentException("collection of " + terms.benefitYear + " " + terms.insurance.code()
          + " contributions opens on " + terms.windowStart + " (" + terms.windowSource + ")");
    }
    if (payDate.isAfter(yearEnd)) {
      throw new AssessmentException("the " + terms.benefitYear + " " + terms.insurance.code()
          + " year ended on " + yearEnd + "; " + book.file() + " does not cover payments on " + payDate);
    }
    if (birth.isAfter(payDate)) {
      throw new AssessmentException("the ID number's birth date " + birth + " is after the pay date " + payDate);
    }
  }

  /** Who may enrol at all: the reason this person may not, or null when they may. */
  private String ineligibility() {
    if (person.enrolledElsewhere()) {
      rule("enrolled-elsewhere", terms.enrolledElsewhereSource);
      return "already insured this year elsewhere or under employee insurance";
    }
    if (!person.local() && terms.localOnlySource != null) {
      rule("local-only", terms.localOnlySource);
      return "only residents registered in " + regionNames() + " may enrol";
    }
    int age = person.id().ageOn(terms.ageReference.value());
    if (terms.minAge != null && age < terms.minAge.value()) {
      rule("min-age", terms.minAge.source());
      return "must be at least " + terms.minAge.value() + " years old on "
          + terms.ageReference.value() + " (is " + Math.max(age, 0) + ")";
    }
    if (terms.excluded != null && person.inAny(terms.excluded.value())) {
      rule("excluded", terms.excluded.source());
      return "not eligible as " + describe(terms.excluded.value());
    }
    return null;
  }

  /** The late phase the pay date falls in, or null within the window and for newborns. */
  private LatePhase latePhase(boolean newborn) {
    if (!payDate.isAfter(terms.windowEnd)) {
      rule("window", terms.windowSource);
      return null;
    }
    if (newborn) {
      return null;
    }
    if (terms.lateRefused != null) {
      throw new AssessmentException("payment on " + payDate + " is after the collection window ("
          + terms.windowStart + ".." + terms.windowEnd + ") and " + book.file() + " has no rule for it: "
          + terms.lateRefused.note() + " (" + terms.lateRefused.source() + ")");
    }
    LatePhase phase = null;
    for (LatePhase p : terms.late) {
      if (!payDate.isBefore(p.from())) {
        phase = p;
      }
    }
    rule(phase.id(), phase.source());
    return phase;
  }

  /** Whether category and age reductions apply: not in a late phase that drops them, nor to non-locals where barred. */
  private boolean reductions(LatePhase phase) {
    boolean reductions = phase == null || phase.reductions();
    if (!person.local() && terms.nonLocalReductions != null && !terms.nonLocalReductions.value()) {
      reductions = false;
      rule("non-local-no-reductions", terms.nonLocalReductions.source());
    }
    return reductions;
  }

  /** Pension: the chosen tier, with its contribution subsidy unless a late phase withholds it. */
  private Base pensionBase(LatePhase phase, boolean reductions) {
    long tier = tierFen();
    long tierSubsidy = 0;
    if (phase == null || phase.subsidies()) {
      Sourced<Long> s = terms.subsidyByTierFen.get(tier);
      tierSubsidy = s.value();
      rule("subsidy-" + tier / 100, s.source());
    }
    return new Base(tier, tierSubsidy, reductions ? choose(tier) : TreatmentChoice.NONE);
  }

  /** The chosen pension tier in fen, checked against what the book offers this person. */
  private long tierFen() {
    if (tierYuan == null) {
      throw new AssessmentException("pension needs a tier; offered: " + terms.tiersYuanFor(person));
    }
    long fen = tierYuan * 100L;
    if (!terms.tiersFen.contains(fen)) {
      throw new AssessmentException("tier " + tierYuan + " is not offered by " + book.file() + "; offered: "
          + terms.tiersYuan());
    }
    Sourced<Set<Category>> only = terms.restrictedTiers.get(fen);
    if (only != null) {
      if (!person.inAny(only.value())) {
        throw new AssessmentException("tier " + tierYuan + " is only for " + describe(only.value()) + " ("
            + only.source() + "); offered to this person: " + terms.tiersYuanFor(person));
      }
      rule("restricted-tier-" + tierYuan, only.source());
    }
    rule("tier-" + tierYuan, terms.tiersSource);
    return fen;
  }

  /** Medical: the personal standard, or the full financing amount in a phase that charges it. */
  private Base medicalBase(LatePhase phase, boolean reductions) {
    long personal = terms.personalFen.value();
    TreatmentChoice choice = reductions ? choose(personal) : TreatmentChoice.NONE;
    // A full-financing phase that keeps reductions keeps them at the standard rate for the people
    // they apply to (000 三(二)3: special groups are paid for and covered all year); everyone else
    // owes the full amount.
    boolean full = phase != null && phase.fullFinancing() && choice.best() == null;
    if (!full) {
      rule("personal", terms.personalFen.source());
      return new Base(personal, 0, choice);
    }
    if (terms.fullFinancingFen.value() == null) {
      throw new AssessmentException("a payment on " + payDate + " owes the full financing amount, which notice "
          + book.notice() + " does not give (" + terms.fullFinancingFen.note() + ", "
          + terms.fullFinancingFen.source() + ") and " + book.file() + " does not configure");
    }
    long fullFen = terms.fullFinancingFen.value();
    rule("full-financing", terms.fullFinancingFen.source());
    return new Base(fullFen, 0, reductions ? choose(fullFen) : TreatmentChoice.NONE);
  }

  private TreatmentChoice choose(long base) {
    return TreatmentChoice.among(terms.treatments, person, terms.ageReference.value(), base);
  }

  /** Records the treatments chosen (stacking subsidies first) and returns what they do. */
  private TreatmentChoice.Effect treatmentEffect(TreatmentChoice choice) {
    for (Treatment tr : choice.stacked()) {
      rule(tr.id(), tr.source());
    }
    if (choice.best() != null) {
      rule(choice.best().id(), choice.best().source());
    }
    return choice.effect();
  }

  /** The add-ons bought, in code order; an add-on the book does not offer cannot be assessed. */
  private long addOnsFen() {
    long fen = 0;
    for (String code : new TreeSet<>(addOns)) {
      AddOn a = terms.addOns.get(code);
      if (a == null) {
        throw new AssessmentException("add-on '" + code + "' is not offered by " + book.file() + " for "
            + terms.insurance.code()
            + (terms.addOns.isEmpty() ? "" : " (offered: " + String.join(", ", terms.addOns.keySet()) + ")"));
      }
      fen += a.fen();
      rule("add-on-" + code.toLowerCase(Locale.ROOT).replace('_', '-'), a.source());
    }
    return fen;
  }

  /**
   * Coverage: the benefit year, from birth for newborns, after the waiting period for late payers
   * unless the phase keeps the year for those the government pays for in full.
   */
  private LocalDate coverageStart(boolean newborn, LatePhase phase, boolean governmentPaysAll) {
    LocalDate start = LocalDate.of(terms.benefitYear, 1, 1);
    if (newborn && birth.isAfter(start)) {
      start = birth;
    }
    if (phase != null && phase.waitingDays() > 0) {
      boolean keepsYear = phase.governmentPaidFullYear() && governmentPaysAll;
      if (!keepsYear) {
        LocalDate afterWait = payDate.plusDays(phase.waitingDays());
        if (afterWait.isAfter(start)) {
          start = afterWait;
        }
      }
    }
    return start;
  }

  private String regionNames() {
    return String.join(", ", book.regions().stream().map(Region::name).toList());
  }

  private static String describe(Set<Category> categories) {
    return String.join("/", categories.stream().map(c -> c.name() + " " + c.chineseName()).toList());
  }
}
