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
    new PayDateCheck(terms, book, payDate, tierYuan, person).check();
    if (terms.payingDays != null) {
      rule("paying-days", terms.payingDays.source());
    }
    Reason ineligible = ineligibility();
    if (ineligible != null) {
      return Assessment.notEligible(ineligible, rules);
    }
    boolean newborn = terms.newborn != null && terms.newborn.within(birth, payDate);
    // a child paid for after the newborn time, past the window, may have a rule of its own instead of the late phases
    Newborn.Later newbornLater = newborn || terms.newborn == null || !payDate.isAfter(terms.windowEnd) ? null
        : terms.newborn.laterFor(birth, payDate, terms.benefitYear);
    LatePhase phase = latePhase(newborn || newbornLater != null);
    if (newborn) {
      rule("newborn", terms.newborn.source());
    } else if (newbornLater != null) {
      rule("newborn-later", newbornLater.source());
    }
    boolean reductions = reductions(phase);
    Base base = terms.insurance == Insurance.PENSION ? pensionBase(phase, reductions) : medicalBase(phase, reductions);
    TreatmentChoice.Effect effect = treatmentEffect(base.choice());
    long government = effect.government();
    long later = effect.later();
    long extraSubsidy = phase != null && !phase.subsidies() ? 0 : effect.subsidy();
    long personal = base.fen() - government + addOnsFen();

    LocalDate start = newbornLater != null ? waited(LocalDate.of(terms.benefitYear, 1, 1), newbornLater.coverage(),
        "newborn-later", newbornLater.source()) : coverageStart(newborn, phase, base.fen() - government == 0);
    if (terms.continuity != null && !newborn && newbornLater == null) {
      // back after a break in cover: the wait it sets, counted from the year's start or the payment, where later
      LocalDate afterBreak = terms.continuity.start(person, terms.benefitYear, payDate);
      // said only where the break decides the start (a late phase's longer wait is that phase's)
      if (afterBreak != null && !afterBreak.isBefore(start)) {
        rule("continuity", terms.continuity.source());
        start = afterBreak;
      }
    }
    if (start.isAfter(yearEnd)) {
      return Assessment.notEligible(book.reason(ReasonCode.COVERAGE_AFTER_YEAR, "paid on " + payDate
          + ", coverage would start on " + start + ", after the " + terms.benefitYear + " year ends", start,
          terms.benefitYear), rules);
    }
    long subsidy = base.tierSubsidyFen() + extraSubsidy;
    return new Assessment(true, null, null, personal, government, subsidy, later, personal + government + subsidy,
        start, yearEnd, rules);
  }

  private void rule(String id, String source) {
    rules.add(new AppliedRule(id, source));
  }

  /** Who may enrol at all: the reason this person may not, or null when they may. */
  private Reason ineligibility() {
    if (person.enrolledElsewhere()) {
      rule("enrolled-elsewhere", terms.enrolledElsewhereSource);
      return book.reason(ReasonCode.ENROLLED_ELSEWHERE, "already insured this year elsewhere or under employee insurance");
    }
    if (!person.local() && terms.localOnlySource != null) {
      rule("local-only", terms.localOnlySource);
      return book.reason(ReasonCode.LOCAL_ONLY, "only residents registered in " + regionNames() + " may enrol",
          regionNames());
    }
    int age = person.id().ageOn(terms.ageReference.value());
    if (terms.minAge != null && age < terms.minAge.value()) {
      rule("min-age", terms.minAge.source());
      return book.reason(ReasonCode.MIN_AGE, "must be at least " + terms.minAge.value() + " years old on "
          + terms.ageReference.value() + " (is " + Math.max(age, 0) + ")", terms.minAge.value(), terms.ageReference.value());
    }
    if (terms.maxAge != null && age > terms.maxAge.value()) {
      rule("max-age", terms.maxAge.source());
      return book.reason(ReasonCode.MAX_AGE, "may pay up to the age of " + terms.maxAge.value() + " on "
          + terms.ageReference.value() + " (is " + age + ")", terms.maxAge.value() + 1, terms.ageReference.value());
    }
    if (terms.excluded != null && person.inAny(terms.excluded.value())) {
      rule("excluded", terms.excluded.source());
      return book.reason(ReasonCode.EXCLUDED, "not eligible as " + describe(terms.excluded.value()),
          chineseNames(terms.excluded.value()), terms.insurance);
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
    LatePhase phase = LateRules.phaseFor(terms, book, person, payDate);
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
    long tier = new TierChoice(terms, book, person, rules, phase).tierFen(tierYuan);
    long tierSubsidy = 0;
    if (phase == null || phase.subsidies()) {
      Sourced<Long> s = terms.subsidyByTierFen.get(tier);
      if (s.value() == null) {
        throw new AssessmentException(book.reason(ReasonCode.SUBSIDY_NOT_GIVEN, "the subsidy for tier " + tier / 100
            + " is not given by notice " + book.notice() + " (" + s.note() + ", " + s.source() + ")", tier / 100));
      }
      tierSubsidy = s.value();
      rule("subsidy-" + tier / 100, s.source());
    }
    return new Base(tier, tierSubsidy, reductions ? choose(tier, phase) : TreatmentChoice.NONE);
  }

  /** Medical: the personal standard (the group's own where the book has groups), or the full financing amount. */
  private Base medicalBase(LatePhase phase, boolean reductions) {
    MedicalAmounts.Amounts amounts = new MedicalAmounts(terms, book, person).amounts();
    rules.addAll(amounts.rules());
    long standard = amounts.personalFen();
    long personal = medicalTier(standard);
    TreatmentChoice choice = reductions ? choose(personal, phase) : TreatmentChoice.NONE;
    // A full-financing phase that keeps reductions keeps them at the standard rate for the people
    // they apply to (000 三(二)3: special groups are paid for and covered all year), unless the book says
    // they are reductions of the full amount (reducedFrom: full); everyone else owes the full amount.
    boolean full = phase != null && phase.fullFinancing() && (choice.best() == null || phase.reducedFromFull());
    if (!full) {
      rule("personal", amounts.personalSource());
      return new Base(personal, 0, choice);
    }
    if (amounts.fullFen() == null) {
      throw new AssessmentException(book.reason(ReasonCode.FULL_FINANCING_NOT_GIVEN, "a payment on " + payDate
          + " owes the full financing amount, which notice " + book.notice() + " does not give ("
          + amounts.fullNote() + ", " + amounts.fullSource() + ") and " + book.file() + " does not configure"));
    }
    // a higher tier's difference comes on top of the full amount, as on top of the personal one
    long fullFen = amounts.fullFen() + (personal - standard);
    rule("full-financing", amounts.fullSource());
    return new Base(fullFen, 0, reductions ? choose(fullFen, phase) : TreatmentChoice.NONE);
  }

  /** The medical amount at the chosen tier: the standard one when none is chosen, or when the person's group pays its own. */
  private long medicalTier(long standard) {
    if (tierYuan == null) {
      return standard;
    }
    long fen = tierYuan * 100L;
    if (!terms.choosesMedicalTier(person)) {
      if (fen == standard) {
        return standard;
      }
      throw new AssessmentException(book.reason(ReasonCode.TIER_NOT_OFFERED, "tier " + tierYuan + ": this person's group pays "
          + standard / 100.0 + " yuan and chooses no tier", tierYuan, standard % 100 == 0 ? String.valueOf(standard / 100)
          : String.valueOf(standard / 100.0)));
    }
    if (!terms.tiersFen.contains(fen)) {
      throw new AssessmentException(book.reason(ReasonCode.TIER_NOT_OFFERED, "tier " + tierYuan + " is not offered by "
          + book.file() + "; offered: " + terms.tiersYuan(), tierYuan,
          String.join("、", terms.tiersYuan().stream().map(String::valueOf).toList())));
    }
    rule("tier-" + tierYuan, terms.tiersSource);
    return fen;
  }

  /**
   * The treatments for this person against {@code base}: those the book keeps for the window are left out of a
   * late phase, and one whose amount the notice does not give stops the assessment.
   */
  private TreatmentChoice choose(long base, LatePhase phase) {
    List<Treatment> open = phase == null ? terms.treatments
        : terms.treatments.stream().filter(tr -> !tr.windowOnly()).toList();
    for (Treatment tr : open) {
      if (tr.amountNotGiven() != null && tr.appliesTo(person, terms.ageReference.value())) {
        rule(tr.id(), tr.source());
        throw new AssessmentException(book.reason(ReasonCode.AID_NOT_GIVEN, "treatment '" + tr.id() + "' applies, but notice "
            + book.notice() + " does not give its amount (" + tr.amountNotGiven() + ", " + tr.source() + ")",
            tr.categories().isEmpty() ? "您所属人群" : chineseNames(tr.categories())));
      }
    }
    return TreatmentChoice.among(open, person, terms.ageReference.value(), base);
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
        throw new AssessmentException(book.reason(ReasonCode.ADD_ON_NOT_OFFERED, "add-on '" + code
            + "' is not offered by " + book.file() + " for " + terms.insurance.code()
            + (terms.addOns.isEmpty() ? "" : " (offered: " + String.join(", ", terms.addOns.keySet()) + ")"), code));
      }
      fen += a.fen();
      rule("add-on-" + code.toLowerCase(Locale.ROOT).replace('_', '-'), a.source());
    }
    return fen;
  }

  /**
   * Coverage: the benefit year, from birth for newborns; a late payer's medical cover starts as the phase
   * says (N days after payment, 0 being the day of payment; a date; the next month), unless the phase keeps
   * the year for those the government pays for in full. A pension contribution buys its whole year.
   */
  private LocalDate coverageStart(boolean newborn, LatePhase phase, boolean governmentPaysAll) {
    LocalDate start = LocalDate.of(terms.benefitYear, 1, 1);
    if (newborn && (birth.isAfter(start) || terms.newborn.coverBeforeYear())) {
      start = birth;
    }
    if (phase == null || (phase.governmentPaidFullYear() && governmentPaysAll)) {
      return start;
    }
    boolean pension = terms.insurance == Insurance.PENSION;
    if (pension && phase.coverage().fromPayment()) {
      return start;
    }
    return waited(start, phase.coverage(), phase.id(), phase.source());
  }

  /** Cover after a waiting time ({@code coverage}, of rule {@code id}), never before {@code start}. */
  private LocalDate waited(LocalDate start, LatePhase.Coverage coverage, String id, String source) {
    if (coverage.kind() == LatePhase.Coverage.Kind.NOT_GIVEN) {
      throw new AssessmentException(book.reason(ReasonCode.WAITING_NOT_GIVEN, "a payment on " + payDate + " falls in '"
          + id + "', whose waiting time notice " + book.notice() + " does not give (" + coverage.notGivenWhy()
          + ", " + source + ")"));
    }
    LocalDate afterPayment = coverage.start(payDate);
    return afterPayment.isAfter(start) ? afterPayment : start;
  }

  private String regionNames() {
    return String.join(", ", book.regions().stream().map(Region::name).toList());
  }

  static String describe(Set<Category> categories) {
    return String.join("/", categories.stream().map(c -> c.name() + " " + c.chineseName()).toList());
  }

  static String chineseNames(Set<Category> categories) {
    return String.join("、", categories.stream().map(Category::chineseName).toList());
  }
}
