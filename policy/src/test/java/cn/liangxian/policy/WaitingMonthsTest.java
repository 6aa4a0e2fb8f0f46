package cn.liangxian.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A waiting time in months ({@code coverage: {afterMonths: N}}): since 2025 a resident who enrols outside the
 * collection window waits a fixed three months for cover (国务院办公厅《关于健全基本医疗保险参保长效机制的指导意见》,
 * 国办发〔2024〕38号: "设置参保后固定待遇等待期3个月"), which ninety days only approximates.
 */
class WaitingMonthsTest {
  static final PolicyBook BOOK = PolicyBook.parse("months.yaml", BadBooksTest.replace(
      "waitingDays: 30, source: 000 三(二)3}\n    - {id: full", "coverage: {afterMonths: 3}, source: 000 三(二)3}\n    - {id: full"));
  static final Person ADULT = Person.of(IdNumber.parse(Ids.man("371312", "1980-06-15")), Set.of());

  static LocalDate coverFrom(String payDate) {
    return PolicyEngine.assess(ADULT, Insurance.MEDICAL, BOOK, LocalDate.parse(payDate)).coverageStart();
  }

  @Test
  void coverStartsOnTheSameDayThreeMonthsAfterPayment() {
    assertThat(coverFrom("2020-01-15")).isEqualTo(LocalDate.of(2020, 4, 15));
    assertThat(coverFrom("2020-02-20")).as("not 90 days (2020-05-20 is 90 days on)").isEqualTo(LocalDate.of(2020, 5, 20));
  }

  @Test
  void aPaymentOnAMonthsLastDayWaitsToTheLastDayOfAShorterMonth() {
    assertThat(coverFrom("2020-01-31")).as("1-31 + 3 months: April has 30 days").isEqualTo(LocalDate.of(2020, 4, 30));
  }

  @Test
  void aPaymentInTheWindowIsCoveredFromTheYearsStart() {
    assertThat(coverFrom("2019-12-20")).isEqualTo(LocalDate.of(2020, 1, 1));
  }

  @Test
  void theBooksTableSaysTheWaitInMonths() {
    assertThat(BookTables.of(BOOK)).flatExtracting(BookTables.Table::rows).flatExtracting(row -> row).contains("缴费之日起3个月后");
  }
}
