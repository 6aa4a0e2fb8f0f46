package cn.liangxian.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A child born late in the year and paid for within the newborn time after the year has ended pays the year of their
 * birth too, where the book says so ({@code newborn.afterYearEnd}: "出生90日内跨年度的，可按出生年度和当年度的个人缴费标准缴纳两个年度"),
 * covered from birth to that year's end; elsewhere that year is closed as for anyone.
 */
class NewbornAcrossTheYearTest {
  static final String NEWBORN = "      source: 000 三(二)2\n  newborn: {withinDays: 90, afterYearEnd: true, source: 000 三(二)3}\n  late:";
  static final PolicyBook BOOK = PolicyBook.parse("newborn.yaml", BadBooksTest.replace("      source: 000 三(二)2\n  late:", NEWBORN));
  static final PolicyBook WITHOUT = PolicyBook.parse("plain.yaml", BadBooksTest.replace("      source: 000 三(二)2\n  late:",
      NEWBORN.replace(", afterYearEnd: true", "")));

  static Person born(String day) {
    return Person.of(IdNumber.parse(Ids.man("371312", day)), Set.of());
  }

  static Assessment medical(PolicyBook book, Person p, String payDate) {
    return PolicyEngine.assess(p, Insurance.MEDICAL, book, LocalDate.parse(payDate));
  }

  @Test
  void bornInNovemberPaidInJanuaryPaysTheYearOfBirthCoveredFromBirth() {
    Assessment a = medical(BOOK, born("2020-11-20"), "2021-01-15");
    assertThat(a.eligible()).as("%s", a.reason()).isTrue();
    assertThat(a.personalFen()).isEqualTo(25_000);
    assertThat(a.coverageStart()).isEqualTo(LocalDate.of(2020, 11, 20));
    assertThat(a.coverageEnd()).isEqualTo(LocalDate.of(2020, 12, 31));
    assertThat(a.rules()).extracting(AppliedRule::id).contains("newborn");
  }

  @Test
  void pastTheNewbornTimeOrBornTheYearBeforeOrWithoutTheRuleTheYearIsClosed() {
    // 2020-11-20 + 90 days is 2021-02-18: the 19th is past it
    for (Object[] c : new Object[][] {{BOOK, "2020-11-20", "2021-02-19"}, {BOOK, "2019-12-20", "2021-01-10"},
        {WITHOUT, "2020-11-20", "2021-01-15"}, {BOOK, "1980-06-15", "2021-01-15"}}) {
      AssessmentException e = catchThrowableOfType(() -> medical((PolicyBook) c[0], born((String) c[1]), (String) c[2]),
          AssessmentException.class);
      assertThat(e).as("born %s, paid %s", c[1], c[2]).isNotNull();
      assertThat(e.reason().code()).isEqualTo("policy.year-ended");
    }
    assertThat(medical(BOOK, born("2020-11-20"), "2021-02-18").eligible()).as("the 90th day").isTrue();
  }

  @Test
  void theYearIsOpenForTheNewbornOnlyAndTheBooksTableSaysSo() {
    RegionBooks books = RegionBooks.examples("371312", List.of(BOOK));
    LocalDate january = LocalDate.of(2021, 1, 15);
    assertThat(books.openYears(Insurance.MEDICAL, january)).isEmpty();
    assertThat(books.yearsOfBirth(Insurance.MEDICAL, january, LocalDate.of(2020, 11, 20))).containsExactly(2020);
    assertThat(books.yearsOfBirth(Insurance.MEDICAL, january, LocalDate.of(1980, 6, 15))).isEmpty();
    assertThat(BookTables.of(BOOK)).flatExtracting(BookTables.Table::rows).flatExtracting(row -> row)
        .anySatisfy(cell -> assertThat(cell).contains("跨年度的，仍可在此期限内按2020年度标准缴纳2020年度"));
  }
}
