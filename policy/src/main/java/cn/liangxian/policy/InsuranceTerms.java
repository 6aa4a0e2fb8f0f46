package cn.liangxian.policy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** One insurance as a book states it: the year, the window, the amounts and the rules, each with its clause. */
public final class InsuranceTerms {
  final Insurance insurance;
  final int benefitYear;
  final String source;
  final LocalDate windowStart;
  final LocalDate windowEnd;
  final String windowSource;
  /** Groups that may pay before {@link #windowStart}, each from its own day. */
  final List<EarlyStart> earlyStarts;
  final Sourced<LocalDate> ageReference;

  // eligibility
  final Sourced<Integer> minAge;
  /** The oldest age at which a person may still pay (年满 N 周岁后不再按年缴费), or null. */
  final Sourced<Integer> maxAge;
  final Sourced<Set<Category>> excluded;
  final String localOnlySource;
  final Sourced<Boolean> nonLocalReductions;
  final String enrolledElsewhereSource;

  // medical amounts
  final Sourced<Long> personalFen;
  /** The government's share per person (财政补助); a null value with a note where the notice does not give it. */
  final Sourced<Long> governmentShareFen;
  /** Personal + government share (筹资总额); a null value with a note where it cannot be known. */
  final Sourced<Long> fullFinancingFen;

  // pension tiers
  final List<Long> tiersFen;
  final String tiersSource;
  final Map<Long, Sourced<Set<Category>>> restrictedTiers;
  final Map<Long, Sourced<Long>> subsidyByTierFen;
  /** Medical tiers (一档 / 二档): the groups whose members choose one; empty with tiers: everyone chooses. */
  final Set<String> medicalTierGroups;

  final List<Treatment> treatments;
  final List<LatePhase> late;
  final Sourced<Void> lateRefused;
  final Newborn newborn;
  /** The wait after a break in cover (medical), or null: a break makes no one wait. */
  final Continuity continuity;
  final Map<String, AddOn> addOns;
  final Sourced<Boolean> wholeFamily;

  /** Why the notice gives no start of the window (then {@link #windowStart} is null and payments open at once). */
  final String windowStartNotGiven;
  /** The section's groups in book order: a person is in the first that takes them. */
  final Map<String, Group> groups;
  /** Personal amounts per group; empty when one amount applies to all. */
  final List<GroupAmount> personalByGroup;
  /** The floor of the government share where the notice gives only that (不低于). */
  final Long governmentShareFloorFen;
  final PayingDays payingDays;

  InsuranceTerms(Builder b) {
    this.insurance = b.insurance;
    this.benefitYear = b.benefitYear;
    this.source = b.source;
    this.windowStart = b.windowStart;
    this.windowEnd = b.windowEnd;
    this.windowSource = b.windowSource;
    this.earlyStarts = List.copyOf(b.earlyStarts);
    this.ageReference = b.ageReference;
    this.minAge = b.minAge;
    this.maxAge = b.maxAge;
    this.excluded = b.excluded;
    this.localOnlySource = b.localOnlySource;
    this.nonLocalReductions = b.nonLocalReductions;
    this.enrolledElsewhereSource = b.enrolledElsewhereSource;
    this.personalFen = b.personalFen;
    this.governmentShareFen = b.governmentShareFen;
    this.fullFinancingFen = b.fullFinancingFen;
    this.tiersFen = List.copyOf(b.tiersFen);
    this.tiersSource = b.tiersSource;
    this.restrictedTiers = Map.copyOf(b.restrictedTiers);
    this.subsidyByTierFen = Map.copyOf(b.subsidyByTierFen);
    this.medicalTierGroups = Set.copyOf(b.medicalTierGroups);
    this.treatments = List.copyOf(b.treatments);
    this.late = List.copyOf(b.late);
    this.lateRefused = b.lateRefused;
    this.newborn = b.newborn;
    this.continuity = b.continuity;
    this.addOns = Map.copyOf(b.addOns);
    this.wholeFamily = b.wholeFamily;
    this.windowStartNotGiven = b.windowStartNotGiven;
    this.groups = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(b.groups));
    this.personalByGroup = List.copyOf(b.personalByGroup);
    this.governmentShareFloorFen = b.governmentShareFloorFen;
    this.payingDays = b.payingDays;
  }

  /** The first group (in book order) that takes this person, or null. */
  Group groupOf(Person person) {
    for (Group g : groups.values()) {
      if (g.contains(person, ageReference.value())) {
        return g;
      }
    }
    return null;
  }

  /**
   * The first day everyone may pay: the window's start, or its end when the notice gives no start (a group that may pay
   * earlier is not everyone: {@link #earliestStart()}).
   */
  public LocalDate firstPayDate() {
    return windowStart != null ? windowStart : windowEnd;
  }

  /**
   * Whether a child born on {@code birth} may pay this year on {@code payDate}, after the year has ended, as a newborn
   * (the book's {@code newborn.afterYearEnd}).
   */
  public boolean newbornAfterYearEnd(LocalDate birth, LocalDate payDate) {
    return newborn != null && newborn.paysAfterYearEnd(birth, payDate, benefitYear);
  }

  /** Whether a back-payment of this year takes a payment on {@code day} (after the year has ended). */
  boolean backPaymentOn(LocalDate day) {
    return late.stream().anyMatch(p -> p.backPayment() && p.covers(day));
  }

  /**
   * The pension tiers offered for a payment on {@code day}, in fen: a back-payment phase's own ("应缴未缴年度可选择当年的任一
   * 缴费档次进行补缴") where one with its own tiers covers the day, else the year's.
   */
  List<Long> tiersFenOn(LocalDate day) {
    return late.stream().filter(p -> p.backPayment() && !p.tiersFen().isEmpty() && p.covers(day)).findFirst()
        .map(LatePhase::tiersFen).orElse(tiersFen);
  }

  /** The first day anyone may pay: the window's start or a group's earlier start; null when the notice gives none. */
  LocalDate earliestStart() {
    return startFor(null);
  }

  /** The first day this person may pay (null: anyone): the window's start, or the earliest start of a group that takes them. */
  LocalDate startFor(Person person) {
    LocalDate first = windowStart;
    for (EarlyStart e : earlyStarts) {
      if ((person == null || e.group().contains(person, ageReference.value())) && (first == null || e.start().isBefore(first))) {
        first = e.start();
      }
    }
    return first;
  }

  public Insurance insurance() {
    return insurance;
  }

  /** The year the contribution buys (医保待遇年度 / 养老缴费年度). */
  public int benefitYear() {
    return benefitYear;
  }

  public LocalDate windowStart() {
    return windowStart;
  }

  public LocalDate windowEnd() {
    return windowEnd;
  }

  /** The date ages are counted on (DOMAIN decision 2). */
  public LocalDate ageReferenceDate() {
    return ageReference.value();
  }

  /** The standard personal amount in fen (medical); empty for pension, which is paid by tier. */
  public Optional<Long> standardPersonalFen() {
    return personalFen == null ? Optional.empty() : Optional.of(personalFen.value());
  }

  /** The government's share per insured person in fen (medical), where the notice gives it. */
  public Optional<Long> governmentShareFen() {
    return governmentShareFen == null ? Optional.empty() : Optional.ofNullable(governmentShareFen.value());
  }

  /** All tiers in yuan, ascending (pension); empty for medical. */
  public List<Integer> tiersYuan() {
    return tiersFen.stream().map(f -> (int) (f / 100)).toList();
  }

  /**
   * The tiers this person may choose (some are only for hardship groups), ascending, in yuan; for medical, the
   * tiers when the book has them and the person's group chooses (others pay their group's amount).
   */
  public List<Integer> tiersYuanFor(Person person) {
    return tiersYuanFor(person, tiersFen);
  }

  /** As {@link #tiersYuanFor(Person)}, for a payment on {@code day} (null: the year's own tiers): see {@link #tiersFenOn}. */
  public List<Integer> tiersYuanFor(Person person, LocalDate day) {
    return tiersYuanFor(person, day == null ? tiersFen : tiersFenOn(day));
  }

  /** Of {@code tiers} (in fen), those this person may choose, in yuan (the year's restrictions hold for the same amount). */
  List<Integer> tiersYuanFor(Person person, List<Long> tiers) {
    List<Integer> out = new ArrayList<>();
    if (insurance == Insurance.MEDICAL && !choosesMedicalTier(person)) {
      return out;
    }
    for (long tier : tiers) {
      Sourced<Set<Category>> only = restrictedTiers.get(tier);
      if (only == null || person.inAny(only.value())) {
        out.add((int) (tier / 100));
      }
    }
    return out;
  }

  /** Whether this person chooses a medical tier: the book has tiers, and they are for everyone or for the person's group. */
  boolean choosesMedicalTier(Person person) {
    if (tiersFen.isEmpty()) {
      return false;
    }
    if (medicalTierGroups.isEmpty()) {
      return true;
    }
    Group g = groupOf(person);
    return g != null && medicalTierGroups.contains(g.id());
  }

  public List<AddOn> addOns() {
    return List.copyOf(addOns.values());
  }

  /** Whether the whole household must enrol together (以家庭为单位). */
  public boolean wholeFamilyRequired() {
    return wholeFamily != null && wholeFamily.value();
  }

  /** The clause of the whole-family rule, if the book states one. */
  public Optional<String> wholeFamilySource() {
    return wholeFamily == null ? Optional.empty() : Optional.of(wholeFamily.source());
  }

  static final class Builder {
    Categories categories = Categories.national();
    Insurance insurance;
    int benefitYear;
    String source;
    LocalDate windowStart;
    LocalDate windowEnd;
    String windowSource;
    List<EarlyStart> earlyStarts = List.of();
    Sourced<LocalDate> ageReference;
    Sourced<Integer> minAge;
    Sourced<Integer> maxAge;
    Sourced<Set<Category>> excluded;
    String localOnlySource;
    Sourced<Boolean> nonLocalReductions;
    String enrolledElsewhereSource;
    Sourced<Long> personalFen;
    Sourced<Long> governmentShareFen;
    Sourced<Long> fullFinancingFen;
    List<Long> tiersFen = List.of();
    String tiersSource;
    Map<Long, Sourced<Set<Category>>> restrictedTiers = Map.of();
    Map<Long, Sourced<Long>> subsidyByTierFen = Map.of();
    Set<String> medicalTierGroups = Set.of();
    List<Treatment> treatments = List.of();
    List<LatePhase> late = List.of();
    String windowStartNotGiven;
    Map<String, Group> groups = new java.util.LinkedHashMap<>();
    List<GroupAmount> personalByGroup = List.of();
    Long governmentShareFloorFen;
    PayingDays payingDays;
    Sourced<Void> lateRefused;
    Newborn newborn;
    Continuity continuity;
    Map<String, AddOn> addOns = Map.of();
    Sourced<Boolean> wholeFamily;
  }
}
