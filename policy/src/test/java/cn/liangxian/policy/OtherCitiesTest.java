package cn.liangxian.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Other cities' notices, each as a book under test resources {@code notices/}, and persons assessed as the notice's text
 * says they owe. Each book's head names the notice, who published it and where it was read.
 */
class OtherCitiesTest {

  static Person person(PolicyBook book, String born, String... categories) {
    Set<Category> cats = Arrays.stream(categories).map(c -> book.categories().find(c).orElseThrow())
        .collect(Collectors.toSet());
    return Person.of(IdNumber.parse(Ids.man(book.regions().get(0).code(), born)), cats);
  }

  static Assessment medical(PolicyBook book, Person p, String payDate) {
    return PolicyEngine.assess(p, Insurance.MEDICAL, book, LocalDate.parse(payDate));
  }

  static void owes(Assessment a, long personalYuan, long governmentYuan) {
    assertThat(a.eligible()).as("eligible (%s)", a.reason()).isTrue();
    assertThat(a.personalFen()).as("personal").isEqualTo(personalYuan * 100);
    assertThat(a.governmentFen()).as("government").isEqualTo(governmentYuan * 100);
  }

  /** 曾都区人民政府, 城乡居民医保 2023 年度参保资助 (district portal, 2022-12-23): what the government pays, by group. */
  @Nested
  class Zengdu2023 {
    final PolicyBook book = NoticeFixtures.get("zengdu-2023");

    Assessment assess(String... categories) {
      return medical(book, person(book, "1975-04-01", categories), "2022-12-01");
    }

    @Test
    void item1_tekunAndOrphansPayNothing() {
      owes(assess("TEKUN"), 0, 350);
      owes(assess("ORPHAN"), 0, 350);
    }

    @Test
    void item1_disabledUnableToWorkSevereMentalDisorderAndFamilyPlanningHardshipPayNothing_otherDisabledPayAll() {
      owes(assess("DISABLED_UNABLE_TO_WORK"), 0, 350);
      owes(assess("SEVERE_MENTAL_DISORDER"), 0, 350);
      owes(assess("FP_HARDSHIP_FAMILY"), 0, 350);
      owes(assess("DISABLED"), 350, 0);
    }

    @Test
    void item2_dibaoAndReturnedToPovertyGet320AndPay30() {
      owes(assess("DIBAO"), 30, 320);
      owes(assess("RETURNED_TO_POVERTY"), 30, 320);
    }

    @Test
    void item3_monitoredGet175AndPay175() {
      Assessment a = assess("MONITORED");
      owes(a, 175, 175);
      assertThat(a.rules()).extracting(AppliedRule::id).contains("monitored-175");
    }

    @Test
    void item4_stablePovertyLiftedNotMonitoredGet70AndPay280_monitoredTakeItem3() {
      owes(assess("POVERTY_LIFTED"), 280, 70);
      Assessment monitored = assess("POVERTY_LIFTED", "MONITORED");
      owes(monitored, 175, 175);
      assertThat(monitored.rules()).extracting(AppliedRule::id).doesNotContain("stable-lifted-70");
    }

    @Test
    void twoGroupsTakeTheBetterHelpOnly_andOthersPayTheWhole350() {
      owes(assess("DIBAO", "MONITORED"), 30, 320);
      owes(assess(), 350, 0);
    }
  }

  /**
   * 运城市 2023 年度城乡居民医保 特殊人群缴费标准 (运城医保, restated by 运城本地宝 on 2022-09-07): the notice gives what the
   * person still pays ("个人缴费70元，差额由医疗救助资助"), written as {@code personalYuan}.
   */
  @Nested
  class Yuncheng2023 {
    final PolicyBook book = NoticeFixtures.get("yuncheng-2023");

    Assessment assess(String... categories) {
      return medical(book, person(book, "1968-09-30", categories), "2022-10-10");
    }

    @Test
    void item1_tekunOrphansAndUnsupportedChildrenPayNothing() {
      owes(assess("TEKUN"), 0, 350);
      owes(assess("UNSUPPORTED_CHILD"), 0, 350);
    }

    @Test
    void item2_dibaoUnstableAndEdgeOfPovertyPay70_theRestFromMedicalAssistance() {
      Assessment dibao = assess("DIBAO");
      owes(dibao, 70, 280);
      assertThat(dibao.rules()).extracting(AppliedRule::id).contains("dibao-and-unstable-pay-70");
      owes(assess("UNSTABLE_LIFTED"), 70, 280);
      owes(assess("EDGE_OF_POVERTY"), 70, 280);
    }

    @Test
    void item3_severelyDisabledPay175() {
      owes(assess("SEVERE_DISABLED"), 175, 175);
      owes(assess("SEVERE_DISABLED", "DIBAO"), 70, 280);
    }

    @Test
    void stablePovertyLiftedAndEveryoneElsePayTheWhole350() {
      owes(assess("POVERTY_LIFTED"), 350, 0);
      owes(assess(), 350, 0);
    }

    @Test
    void theNoticesTablesSayWhatThePersonPays() {
      String text = BookTables.of(book).stream().flatMap(t -> t.rows().stream()).flatMap(r -> r.stream())
          .collect(Collectors.joining("\n"));
      assertThat(text).contains("个人缴费70元，差额由政府资助", "个人缴费175元，差额由政府资助");
    }
  }

  /**
   * 咸阳市 2022 年度新生儿参保 ("咸阳新生儿参与居民医保去哪办?准备什么", 2022-09-16): within 90 days of birth, covered from
   * birth; later in the year of birth, the same 320 yuan and cover from the month after payment.
   */
  @Nested
  class Xianyang2022 {
    final PolicyBook book = NoticeFixtures.get("xianyang-2022");

    Assessment child(String born, String paid) {
      return medical(book, person(book, born), paid);
    }

    @Test
    void item1_paidWithin90DaysOfBirth_coveredFromBirth() {
      Assessment a = child("2022-03-01", "2022-05-20");
      owes(a, 320, 0);
      assertThat(a.coverageStart()).isEqualTo(LocalDate.of(2022, 3, 1));
      assertThat(a.rules()).extracting(AppliedRule::id).contains("newborn");
      assertThat(child("2022-03-01", "2022-05-30").coverageStart()).as("day 90").isEqualTo(LocalDate.of(2022, 3, 1));
    }

    @Test
    void item2_paidAfter90Days_sameAmount_coveredFromTheNextMonth() {
      Assessment a = child("2022-03-01", "2022-05-31");
      owes(a, 320, 0);
      assertThat(a.coverageStart()).isEqualTo(LocalDate.of(2022, 6, 1));
      assertThat(a.coverageEnd()).isEqualTo(LocalDate.of(2022, 12, 31));
      assertThat(a.rules()).extracting(AppliedRule::id).contains("newborn-later").doesNotContain("newborn");
      assertThat(child("2022-01-05", "2022-11-15").coverageStart()).isEqualTo(LocalDate.of(2022, 12, 1));
    }

    @Test
    void item2_isForAChildBornInTheYear_anAdultOrAChildBornBeforeItHasNoLateRule() {
      AssessmentException adult = catchThrowableOfType(AssessmentException.class,
          () -> medical(book, person(book, "1990-01-01"), "2022-05-31"));
      assertThat(adult.reason().code()).isEqualTo("policy.late-refused");
      AssessmentException bornBefore = catchThrowableOfType(AssessmentException.class, () -> child("2021-09-01", "2022-05-31"));
      assertThat(bornBefore.reason().code()).isEqualTo("policy.late-refused");
      assertThat(child("2021-12-01", "2022-02-20").coverageStart()).as("within 90 days: the year from its start")
          .isEqualTo(LocalDate.of(2022, 1, 1));
    }

    @Test
    void theNoticesTablesShowTheLaterRule() {
      String text = BookTables.of(book).stream().flatMap(t -> t.rows().stream()).flatMap(r -> r.stream())
          .collect(Collectors.joining("\n"));
      assertThat(text).contains("出生后90天后（限当年出生的）参保缴费，按个人缴费标准，缴费次月1日起享受待遇");
    }
  }

  /**
   * 城镇居民社会养老保险实施办法 (a city's; ask.fsou.com), 第十二条 tiers 100-1000 paid yearly to 60, 第十五条 subsidy 30 and 5
   * more a tier up to 500, 第十六条 一至二级重度残疾人 80 paid for them beside the subsidy.
   */
  @Nested
  class Chengjubao {
    final PolicyBook book = NoticeFixtures.get("chengjubao-100-1000");

    Assessment pension(Person p, int tier) {
      return PolicyEngine.assess(p, Insurance.PENSION, book, LocalDate.parse("2013-06-01"), tier, Set.of());
    }

    @Test
    void article15_subsidyRisesBy5ATierUpTo500() {
      Person p = person(book, "1970-02-02");
      assertThat(book.terms(Insurance.PENSION).orElseThrow().tiersYuan()).containsExactly(100, 200, 300, 400, 500, 600, 700,
          800, 900, 1000);
      assertThat(pension(p, 100).subsidyFen()).isEqualTo(3000);
      assertThat(pension(p, 200).subsidyFen()).isEqualTo(3500);
      assertThat(pension(p, 400).subsidyFen()).isEqualTo(4500);
      assertThat(pension(p, 500).subsidyFen()).isEqualTo(5000);
      assertThat(pension(p, 1000).subsidyFen()).as("选择500元以上档次的，不予增加补贴").isEqualTo(5000);
      assertThat(pension(p, 300).personalFen()).isEqualTo(30000);
    }

    @Test
    void article16_severelyDisabledHave80PaidAndKeepTheSubsidy() {
      Assessment a = pension(person(book, "1970-02-02", "SEVERE_DISABLED"), 100);
      owes(a, 20, 80);
      assertThat(a.subsidyFen()).isEqualTo(3000);
      Assessment higher = pension(person(book, "1970-02-02", "SEVERE_DISABLED"), 500);
      owes(higher, 420, 80);
      assertThat(higher.subsidyFen()).isEqualTo(5000);
      owes(pension(person(book, "1970-02-02", "DISABLED"), 100), 100, 0);
    }

    @Test
    void article12_yearlyPaymentUpTo60() {
      assertThat(pension(person(book, "1953-01-01"), 100).eligible()).as("59 on 2012-12-31").isTrue();
      Assessment sixty = pension(person(book, "1952-12-31"), 100);
      assertThat(sixty.eligible()).isFalse();
      assertThat(sixty.why().code()).isEqualTo("policy.max-age");
    }

    @Test
    void article17_noRuleForPayingAYearAfterIt() {
      AssessmentException e = catchThrowableOfType(AssessmentException.class, () -> PolicyEngine.assess(
          person(book, "1970-02-02"), Insurance.PENSION, book, LocalDate.parse("2014-01-10"), 100, Set.of()));
      assertThat(e.reason().code()).isEqualTo("policy.year-ended");
    }
  }

  @Test
  void theFixturesAreNotInService_andEveryRuleAppliedCitesItsNotice() {
    for (String id : new String[] {"zengdu-2023", "yuncheng-2023", "xianyang-2022"}) {
      PolicyBook book = NoticeFixtures.get(id);
      assertThat(book.inService()).as(id).isFalse();
      Assessment a = medical(book, person(book, "2000-01-01"), book.terms(Insurance.MEDICAL).orElseThrow().windowEnd().toString());
      assertThat(a.rules()).isNotEmpty().allSatisfy(r -> assertThat(r.source()).startsWith(book.notice() + " "));
    }
  }
}
