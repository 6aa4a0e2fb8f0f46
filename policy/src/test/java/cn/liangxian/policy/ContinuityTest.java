package cn.liangxian.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The wait after a break in cover ({@code continuity}): since 2025 a resident who comes back to the medical insurance
 * after a year or more without it waits before cover starts (国办发〔2024〕38号: "未连续参保的…设置参保后固定待遇等待期3个月；
 * 每多断保1年…增加1个月的变动待遇等待期"), counted from the benefit year's first day for a payment in the window, from the payment
 * for a later one; the roster's last covered year says how long the break was.
 */
class ContinuityTest {
  static final String CONTINUITY = "  continuity: {lapsedWaitMonths: 3, perExtraYearMonths: 1, maxWaitMonths: 6, except: [DIBAO],"
      + " source: 000 三(二)3}\n  late:";
  static final PolicyBook BOOK = PolicyBook.parse("continuity.yaml", BadBooksTest.replace(
      "waitingDays: 30, source: 000 三(二)3}\n    - {id: full", "coverage: {afterMonths: 3}, source: 000 三(二)3}\n    - {id: full")
      .replace("  late:\n    - {id: grace", CONTINUITY + "\n    - {id: grace"));

  static Person adult(Integer lastCovered, Category... categories) {
    return new Person(IdNumber.parse(Ids.man("371312", "1980-06-15")), Set.of(categories), true, false, null, Map.of(),
        lastCovered);
  }

  static Assessment medical(Person p, String payDate) {
    return PolicyEngine.assess(p, Insurance.MEDICAL, BOOK, LocalDate.parse(payDate));
  }

  static LocalDate coverFrom(Integer lastCovered, String payDate) {
    return medical(adult(lastCovered), payDate).coverageStart();
  }

  @Test
  void coveredLastYearOrNotKnownIsCoveredFromTheYearsStart() {
    assertThat(coverFrom(2019, "2019-12-20")).isEqualTo(LocalDate.of(2020, 1, 1));
    assertThat(coverFrom(null, "2019-12-20")).as("the roster says nothing").isEqualTo(LocalDate.of(2020, 1, 1));
    assertThat(medical(adult(2019), "2019-12-20").rules()).extracting(AppliedRule::id).doesNotContain("continuity");
  }

  @Test
  void aBreakInTheWindowWaitsFromTheYearsStart_eachFurtherYearAMonthMore_upToTheCap() {
    assertThat(coverFrom(2018, "2019-12-20")).as("one year without cover").isEqualTo(LocalDate.of(2020, 4, 1));
    assertThat(coverFrom(2017, "2019-12-20")).as("two years").isEqualTo(LocalDate.of(2020, 5, 1));
    assertThat(coverFrom(2016, "2019-12-20")).as("three years").isEqualTo(LocalDate.of(2020, 6, 1));
    assertThat(coverFrom(2010, "2019-12-20")).as("nine years: the cap of 6 months").isEqualTo(LocalDate.of(2020, 7, 1));
    Assessment a = medical(adult(2018), "2019-12-20");
    assertThat(a.rules()).contains(new AppliedRule("continuity", "000 三(二)3"));
    assertThat(a.personalFen()).as("the amount is the same: only cover waits").isEqualTo(25000);
  }

  @Test
  void aBreakPaidAfterTheWindowWaitsFromThePayment_theLongerOfItsWaitAndTheLatePhasesHolds() {
    assertThat(coverFrom(2019, "2020-01-15")).as("no break: the late phase's 3 months").isEqualTo(LocalDate.of(2020, 4, 15));
    assertThat(coverFrom(2018, "2020-01-15")).as("one year: 3 months, not 3 and 3").isEqualTo(LocalDate.of(2020, 4, 15));
    assertThat(coverFrom(2016, "2020-01-15")).as("three years: 5 months").isEqualTo(LocalDate.of(2020, 6, 15));
  }

  @Test
  void aSparedCategoryAndAWaitPastTheYearsEnd() {
    Category dibao = BOOK.categories().find("DIBAO").orElseThrow();
    assertThat(medical(adult(2016, dibao), "2019-12-20").coverageStart()).isEqualTo(LocalDate.of(2020, 1, 1));
    // a wait that would end after the year: nothing to buy with this year's contribution, said so
    Assessment late = medical(adult(2010), "2020-09-15");
    assertThat(late.eligible()).isFalse();
    assertThat(late.why().code()).isEqualTo("policy.coverage-after-year");
  }

  @Test
  void theBooksTableSaysTheWait() {
    assertThat(BookTables.of(BOOK)).flatExtracting(BookTables.Table::rows).flatExtracting(row -> row)
        .anySatisfy(cell -> assertThat(cell).startsWith("断保1年及以上的，待遇等待期3个月；每多断保1年，增加1个月；最长6个月").contains("城乡最低生活保障对象除外"));
  }

  @Test
  void aWaitOutsideOneToTwelveMonthsOrACapBelowTheFixedWaitIsRefusedNamingTheKey() {
    for (String[] bad : new String[][] {{"lapsedWaitMonths: 3", "lapsedWaitMonths: 0", "lapsedWaitMonths"},
        {"maxWaitMonths: 6", "maxWaitMonths: 2", "maxWaitMonths"}, {" maxWaitMonths: 6,", "", "maxWaitMonths"}, {"perExtraYearMonths: 1", "perExtraYearMonth: 1", "perExtraYearMonth"}}) {
      String yaml = BadBooksTest.replace("  late:\n    - {id: grace", CONTINUITY.replace(bad[0], bad[1]) + "\n    - {id: grace");
      assertThat(BadBooksTest.loadError(yaml)).as(bad[1]).contains(bad[2]);
    }
  }

  @Test
  void pensionHasNoSuchWait() {
    String yaml = BadBooksTest.replace("  late: {refuse: no rule, source: 000 三(一)2(6)}",
        "  continuity: {lapsedWaitMonths: 3, maxWaitMonths: 3, source: 000 三(一)1}\n  late: {refuse: no rule, source: 000 三(一)2(6)}");
    assertThat(BadBooksTest.loadError(yaml))
        .contains("continuity");
  }
}
