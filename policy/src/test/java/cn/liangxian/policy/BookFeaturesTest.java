package cn.liangxian.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What books can say beyond the five seed notices, on the two example books (not in service). Figures:
 * 医保发〔2023〕24号 (个人缴费 380 元, 财政补助不低于 640 元) and a 2024-year county notice as quoted in the press
 * (集中缴费期 2023-09-01..12-31, 期外 1020 元 and 90 days' wait); "101 x" / "102 x" are the examples' clauses.
 */
class BookFeaturesTest {
  static final String FEATURES = "example-features-2024";
  static final String TIERS = "example-pension-tiers-2024";
  static final String REGION = "371312";

  static PolicyBook book(String id) {
    return Books.get(id);
  }

  static Person person(String book, String born, String... categories) {
    Set<Category> cats = Arrays.stream(categories).map(c -> book(book).categories().find(c).orElseThrow())
        .collect(Collectors.toSet());
    return Person.of(IdNumber.parse(Ids.man(REGION, born)), cats);
  }

  static Assessment medical(Person p, String payDate) {
    return PolicyEngine.assess(p, Insurance.MEDICAL, book(FEATURES), LocalDate.parse(payDate));
  }

  static AssessmentException refusedMedical(Person p, String payDate) {
    return catchThrowableOfType(AssessmentException.class, () -> medical(p, payDate));
  }

  static Assessment pension(Person p, String payDate, int tier) {
    return PolicyEngine.assess(p, Insurance.PENSION, book(TIERS), LocalDate.parse(payDate), tier, Set.of());
  }

  // ---- 1. categories a book declares, with sub-classes mapped to national groups ----

  @Test
  void declaredSubClassOfDibaoGetsItsOwnHelp_101_2_2() {
    Assessment full = medical(person(FEATURES, "1980-06-15", "DIBAO_1_2"), "2023-10-10");
    assertThat(full.personalFen()).isZero();
    assertThat(full.governmentFen()).isEqualTo(38000);
    Assessment part = medical(person(FEATURES, "1980-06-15", "DIBAO_3_4"), "2023-10-10");
    assertThat(part.governmentFen()).isEqualTo(26600);
    assertThat(part.personalFen()).isEqualTo(11400);
    assertThat(part.rules()).extracting(AppliedRule::id).contains("dibao-3-4-and-monitored");
  }

  @Test
  void aSubClassIsInItsNationalGroup() {
    Categories known = book(FEATURES).categories();
    Category dibao34 = known.find("DIBAO_3_4").orElseThrow();
    assertThat(dibao34.isIn(Category.DIBAO)).isTrue();
    assertThat(dibao34.isIn(Category.TEKUN)).isFalse();
    assertThat(dibao34.department()).contains("民政");
    assertThat(known.find("MONITORED").orElseThrow().group()).contains(Category.POVERTY_LIFTED);
    assertThat(Person.of(IdNumber.parse(Ids.man(REGION, "1980-01-01")), Set.of(dibao34)).in(Category.DIBAO)).isTrue();
    assertThat(known.find("NO_SUCH")).isEmpty();
    assertThat(book("hedong-2020").categories().find("DIBAO_3_4")).as("declared by another book only").isEmpty();
  }

  // ---- 2. personal amounts and government shares per group (age band on the book's date, or category) ----

  @Test
  void eachGroupPaysItsOwnAmount_101_2_1() {
    assertThat(medical(person(FEATURES, "2004-05-01", "UNIVERSITY_STUDENT"), "2023-10-10").personalFen()).isEqualTo(20000);
    assertThat(medical(person(FEATURES, "2006-01-01"), "2023-10-10").personalFen()).as("17 on 2023-12-31").isEqualTo(30000);
    Assessment adult = medical(person(FEATURES, "2005-12-31"), "2023-10-10");
    assertThat(adult.personalFen()).as("18 on 2023-12-31").isEqualTo(38000);
    assertThat(adult.rules()).extracting(AppliedRule::id).contains("group-others");
    assertThat(medical(person(FEATURES, "1963-12-31"), "2023-10-10").rules()).extracting(AppliedRule::id)
        .as("60 on 2023-12-31").contains("group-elderly");
  }

  @Test
  void lateFullAmountIsTheGroupsOwnPersonalPlusShare_101_3_1() {
    assertThat(medical(person(FEATURES, "2004-05-01", "UNIVERSITY_STUDENT"), "2024-03-05").personalFen()).isEqualTo(84000);
    assertThat(medical(person(FEATURES, "2010-05-01"), "2024-03-05").personalFen()).isEqualTo(100000);
    Assessment other = medical(person(FEATURES, "1980-05-01"), "2024-03-05");
    assertThat(other.personalFen()).as("期外缴费 1020 元").isEqualTo(102000);
    assertThat(other.coverageStart()).as("缴费之日 90 天后").isEqualTo(LocalDate.of(2024, 6, 3));
  }

  // ---- 3. paying days inside the window: refused with the next day a payment can be made ----

  @Test
  void aDayAfterThe25thIsRefusedWithTheNextPayingDay_101_3_3() {
    AssessmentException e = refusedMedical(person(FEATURES, "1980-05-01"), "2023-10-26");
    assertThat(e.getMessage()).contains("next day a payment can be made is 2023-11-01");
    assertThat(e.reason().code()).isEqualTo("policy.not-a-paying-day");
    assertThat(e.reason().text()).as("the book's own wording").isEqualTo("2023年10月26日不办理缴费（每月1日至25日办理），请于2023年11月1日再来");
  }

  @Test
  void aClosedDateSkipsToTheNextOpenDay_101_3_3() {
    AssessmentException e = refusedMedical(person(FEATURES, "1980-05-01"), "2023-12-25");
    assertThat(e.getMessage()).contains("2024-01-01");
    assertThat(medical(person(FEATURES, "1980-05-01"), "2023-12-24").rules()).extracting(AppliedRule::id)
        .contains("paying-days");
    AssessmentException none = refusedMedical(person(FEATURES, "1980-05-01"), "2024-12-28");
    assertThat(none.reason().code()).isEqualTo("policy.no-paying-day-left");
  }

  // ---- 4. an extension for one group, with its own end date and coverage rule ----

  @Test
  void returningWorkersPayThePersonalRateUntilFebruary28_coveredFromNextMonth_101_3_2() {
    Assessment a = medical(person(FEATURES, "1985-03-01", "RETURNING_WORKER"), "2024-02-10");
    assertThat(a.personalFen()).isEqualTo(38000);
    assertThat(a.coverageStart()).isEqualTo(LocalDate.of(2024, 3, 1));
    assertThat(a.rules()).extracting(AppliedRule::id).contains("returning-workers-until-2-28");
  }

  @Test
  void othersMayNotUseTheExtension_andItEndsOnFebruary28_101_3_2() {
    Assessment other = medical(person(FEATURES, "1985-03-01"), "2024-02-10");
    assertThat(other.personalFen()).isEqualTo(102000);
    assertThat(other.coverageStart()).isEqualTo(LocalDate.of(2024, 5, 10));
    Assessment afterEnd = medical(person(FEATURES, "1985-03-01", "RETURNING_WORKER"), "2024-03-01");
    assertThat(afterEnd.personalFen()).isEqualTo(102000);
    assertThat(afterEnd.rules()).extracting(AppliedRule::id).contains("after-window-full-amount");
  }

  // ---- 6. generated tiers, subsidies by tier band, a floor ----

  @Test
  void tiersFromARangeWithSubsidiesByBand_102_2() {
    assertThat(book(TIERS).terms(Insurance.PENSION).orElseThrow().tiersYuan()).hasSize(39).startsWith(200, 300, 400)
        .endsWith(3900, 4000);
    Person p = person(TIERS, "1980-06-15");
    assertThat(pension(p, "2024-03-01", 300).subsidyFen()).isEqualTo(4000);
    assertThat(pension(p, "2024-03-01", 900).subsidyFen()).isEqualTo(6000);
    assertThat(pension(p, "2024-03-01", 4000).subsidyFen()).isEqualTo(10000);
    AssessmentException e = catchThrowableOfType(AssessmentException.class, () -> pension(p, "2024-03-01", 4100));
    assertThat(e.reason().code()).isEqualTo("policy.tier-not-offered");
  }

  @Test
  void aFloorIsNotAnAmount_medicalShareUnknownButFullAmountGiven_101_2_1() {
    InsuranceTerms t = book(FEATURES).terms(Insurance.MEDICAL).orElseThrow();
    assertThat(t.governmentShareFen()).isEmpty();
    assertThat(t.governmentShareFloorFen).isEqualTo(64000);
  }

  // ---- 7. notGiven: the engine refuses only what it cannot decide ----

  @Test
  void aSubsidyNotGivenRefusesOnlyThatTier_102_2_2() {
    Person dibao = person(TIERS, "1980-06-15", "DIBAO");
    AssessmentException e = catchThrowableOfType(AssessmentException.class, () -> pension(dibao, "2024-03-01", 200));
    assertThat(e.reason().code()).isEqualTo("policy.subsidy-not-given");
    assertThat(e.reason().text()).contains("200元档次");
    assertThat(pension(dibao, "2024-03-01", 300).governmentFen()).isEqualTo(20000);
  }

  @Test
  void aWindowStartNotGivenTakesPaymentsUpToTheEnd_102_3() {
    assertThat(pension(person(TIERS, "1980-06-15"), "2023-07-01", 500).eligible()).isTrue();
    assertThat(book(TIERS).terms(Insurance.PENSION).orElseThrow().firstPayDate()).isEqualTo(LocalDate.of(2024, 12, 20));
  }

  // ---- 8. what other cities' notices say: an age ceiling, newborns in days, window-only help, values not given ----

  @Test
  void noYearlyPensionFromSixty_102_1() {
    Assessment refused = pension(person(TIERS, "1963-12-31"), "2024-03-01", 500);
    assertThat(refused.eligible()).as("60 on 2023-12-31").isFalse();
    assertThat(refused.why().code()).isEqualTo("policy.max-age");
    assertThat(refused.why().text()).isEqualTo("年满60周岁后不能再按年缴费（按2023年12月31日计算），请到经办窗口咨询");
    assertThat(pension(person(TIERS, "1964-01-01"), "2024-03-01", 500).eligible()).as("59 on 2023-12-31").isTrue();
  }

  @Test
  void aNewbornWithinNinetyDaysIncludedPaysThePersonalRateAndIsCoveredFromBirthBeforeTheYear_101_2_3() {
    Assessment bornBefore = medical(person(FEATURES, "2023-11-15"), "2023-12-10");
    assertThat(bornBefore.coverageStart()).as("自出生之日起, before the benefit year").isEqualTo(LocalDate.of(2023, 11, 15));
    assertThat(bornBefore.rules()).extracting(AppliedRule::id).contains("newborn");
    Assessment dayNinety = medical(person(FEATURES, "2024-01-20"), "2024-04-19");
    assertThat(dayNinety.personalFen()).as("day 90 included: the minors' personal rate, not the late amount").isEqualTo(30000);
    assertThat(dayNinety.coverageStart()).isEqualTo(LocalDate.of(2024, 1, 20));
    Assessment dayNinetyOne = medical(person(FEATURES, "2024-01-19"), "2024-04-19");
    assertThat(dayNinetyOne.personalFen()).as("day 91: a late payer").isEqualTo(100000);
    assertThat(dayNinetyOne.rules()).extracting(AppliedRule::id).doesNotContain("newborn");
  }

  @Test
  void helpKeptForTheWindowIsNotGivenLate_andOtherHelpStays_101_2_2() {
    Assessment inWindow = medical(person(FEATURES, "1985-03-01", "RETURNING_WORKER"), "2023-10-10");
    assertThat(inWindow.governmentFen()).isEqualTo(5000);
    assertThat(inWindow.personalFen()).isEqualTo(33000);
    Assessment late = medical(person(FEATURES, "1985-03-01", "RETURNING_WORKER"), "2024-02-10");
    assertThat(late.governmentFen()).isZero();
    assertThat(late.personalFen()).isEqualTo(38000);
    assertThat(late.rules()).extracting(AppliedRule::id).doesNotContain("returning-workers-window-help");
    Assessment exempt = medical(person(FEATURES, "1985-03-01", "RETURNING_WORKER", "DIBAO_1_2"), "2024-02-10");
    assertThat(exempt.personalFen()).as("the exemption is not kept for the window").isZero();
  }

  @Test
  void studentsMayPayBeforeTheWindowOpensForEveryoneElse_101_3_1() {
    Assessment student = medical(person(FEATURES, "2004-05-01", "UNIVERSITY_STUDENT"), "2023-08-10");
    assertThat(student.personalFen()).isEqualTo(20000);
    assertThat(student.coverageStart()).isEqualTo(LocalDate.of(2024, 1, 1));
    AssessmentException other = refusedMedical(person(FEATURES, "1980-05-01"), "2023-08-10");
    assertThat(other.reason().code()).isEqualTo("policy.window-not-open");
    assertThat(other.reason().text()).contains("2023年9月1日");
    AssessmentException tooEarly = refusedMedical(person(FEATURES, "2004-05-01", "UNIVERSITY_STUDENT"), "2023-07-20");
    assertThat(tooEarly.reason().text()).contains("2023年8月1日");
    InsuranceTerms t = book(FEATURES).terms(Insurance.MEDICAL).orElseThrow();
    assertThat(t.firstPayDate()).as("the first day everyone may pay: the CLI's default").isEqualTo(LocalDate.of(2023, 9, 1));
    assertThat(RegionBooks.examples(REGION, java.util.List.of(book(FEATURES))).openYears(Insurance.MEDICAL,
        LocalDate.of(2023, 8, 10))).as("the year is open to those who may pay").containsExactly(2024);
  }

  static Assessment medicalAtTier(Person p, String payDate, Integer tier) {
    return PolicyEngine.assess(p, Insurance.MEDICAL, book(FEATURES), LocalDate.parse(payDate), tier, Set.of());
  }

  @Test
  void adultsChooseAMedicalTierAndHelpFixedInYuanLeavesTheRest_101_2_1() {
    Person adult = person(FEATURES, "1980-05-01");
    InsuranceTerms t = book(FEATURES).terms(Insurance.MEDICAL).orElseThrow();
    assertThat(t.tiersYuanFor(adult)).containsExactly(380, 500);
    assertThat(medicalAtTier(adult, "2023-10-10", null).personalFen()).as("no tier: the first").isEqualTo(38000);
    Assessment second = medicalAtTier(adult, "2023-10-10", 500);
    assertThat(second.personalFen()).isEqualTo(50000);
    assertThat(second.rules()).extracting(AppliedRule::id).contains("tier-500");
    AssessmentException other = catchThrowableOfType(AssessmentException.class, () -> medicalAtTier(adult, "2023-10-10", 450));
    assertThat(other.reason().code()).isEqualTo("policy.tier-not-offered");
    assertThat(other.reason().text()).isEqualTo("本地不设450元档次，可选：380、500元");
    // 70% of the chosen tier for 三、四类低保; late, the full amount at the higher tier
    assertThat(medicalAtTier(person(FEATURES, "1980-05-01", "DIBAO_3_4"), "2023-10-10", 500).personalFen()).isEqualTo(15000);
    assertThat(medicalAtTier(adult, "2024-03-05", 500).personalFen()).as("1020 + the 120 of the second tier").isEqualTo(114000);
    // students pay their group's own amount and choose nothing
    Person student = person(FEATURES, "2004-05-01", "UNIVERSITY_STUDENT");
    assertThat(t.tiersYuanFor(student)).isEmpty();
    assertThat(medicalAtTier(student, "2023-10-10", 200).personalFen()).isEqualTo(20000);
    AssessmentException notForStudents = catchThrowableOfType(AssessmentException.class,
        () -> medicalAtTier(student, "2023-10-10", 500));
    assertThat(notForStudents.reason().text()).isEqualTo("本地不设500元档次，可选：200元");
    // a book without medical tiers still refuses one
    AssessmentException none = catchThrowableOfType(AssessmentException.class, () -> PolicyEngine.assess(
        Person.of(IdNumber.parse(Ids.man("371312", "1980-05-01")), Set.of()), Insurance.MEDICAL, book("hedong-2020"),
        LocalDate.parse("2019-12-15"), 250, Set.of()));
    assertThat(none.reason().code()).isEqualTo("policy.tier-for-medical");
  }

  @Test
  void anAidWhoseAmountIsNotGivenRefusesThoseItAppliesTo_only_101_2_2() {
    AssessmentException e = refusedMedical(person(FEATURES, "1970-03-01", "PRIORITY_CARE"), "2023-10-10");
    assertThat(e.reason().code()).isEqualTo("policy.aid-not-given");
    assertThat(e.reason().text()).isEqualTo("通知没有公布重点优抚对象的资助金额，暂时不能缴费，请到经办窗口咨询");
    assertThat(e.getMessage()).contains("priority-care-fixed-aid");
    assertThat(medical(person(FEATURES, "1970-03-01"), "2023-10-10").personalFen()).isEqualTo(38000);
    assertThat(medical(person(FEATURES, "1970-03-01", "PRIORITY_CARE"), "2024-02-10").personalFen())
        .as("late, without reductions: the aid does not matter").isEqualTo(102000);
  }

  @Test
  void aLatePhaseWhoseWaitingTimeIsNotGivenRefusesItsPayments_101_3_2() {
    AssessmentException e = refusedMedical(person(FEATURES, "1985-03-01", "RETURNING_WORKER"), "2024-04-10");
    assertThat(e.reason().code()).isEqualTo("policy.waiting-not-given");
    assertThat(e.getMessage()).contains("late-returners-in-april");
    assertThat(medical(person(FEATURES, "1985-03-01"), "2024-04-10").coverageStart()).as("others: the general phase")
        .isEqualTo(LocalDate.of(2024, 7, 9));
  }

  @Test
  void aPastYearIsPaidBackWithoutItsSubsidyUntilTheBackPaymentEnds_102_3() {
    Person p = person(TIERS, "1980-06-15");
    Assessment back = pension(p, "2026-03-01", 500);
    assertThat(back.eligible()).isTrue();
    assertThat(back.personalFen()).isEqualTo(50000);
    assertThat(back.subsidyFen()).as("补缴的不享受政府缴费补贴").isZero();
    assertThat(back.coverageStart()).isEqualTo(LocalDate.of(2024, 1, 1));
    assertThat(back.rules()).extracting(AppliedRule::id).contains("back-payment");
    assertThat(RegionBooks.examples(REGION, java.util.List.of(book(TIERS))).openYears(Insurance.PENSION,
        LocalDate.of(2026, 3, 1))).as("the past year is open while it may be paid back").containsExactly(2024);
    AssessmentException over = catchThrowableOfType(AssessmentException.class, () -> pension(p, "2030-01-02", 500));
    assertThat(over.reason().code()).isEqualTo("policy.late-closed");
    assertThat(over.reason().text()).contains("2029年12月31日");
    assertThat(RegionBooks.examples(REGION, java.util.List.of(book(TIERS))).openYears(Insurance.PENSION,
        LocalDate.of(2030, 1, 2))).isEmpty();
  }

  @Test
  void examplesAreMarkedNotInService() {
    assertThat(book(FEATURES).inService()).isFalse();
    assertThat(book(TIERS).inService()).isFalse();
    assertThat(book("hedong-2020").inService()).isTrue();
  }
}
