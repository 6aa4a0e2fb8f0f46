package cn.liangxian.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Help for those in two categories at once ({@code alsoIn}): 贵阳 2024 aids "低保边缘家庭人口中…重度残疾人" with 114 元, which
 * neither the 低保边缘 family nor a disabled person outside one gets.
 */
class AlsoInTest {
  static final String HELP = "    - id: marginal-and-severely-disabled\n      categories: [LOW_INCOME]\n      alsoIn: [SEVERE_DISABLED]\n"
      + "      governmentYuan: 114\n      source: 000 三(二)2\n  late:";
  static final PolicyBook BOOK = PolicyBook.parse("also-in.yaml", BadBooksTest.replace("      source: 000 三(二)2\n  late:",
      "      source: 000 三(二)2\n" + HELP));

  static long government(String... categories) {
    Set<Category> cats = Arrays.stream(categories).map(c -> BOOK.categories().find(c).orElseThrow()).collect(Collectors.toSet());
    Assessment a = PolicyEngine.assess(Person.of(IdNumber.parse(Ids.man("371312", "1980-06-15")), cats), Insurance.MEDICAL, BOOK,
        LocalDate.parse("2019-12-20"));
    assertThat(a.eligible()).isTrue();
    return a.governmentFen();
  }

  @Test
  void onlyThoseInBothAreHelped() {
    assertThat(government("LOW_INCOME", "SEVERE_DISABLED")).isEqualTo(11_400);
    assertThat(government("LOW_INCOME")).as("低保边缘 alone").isZero();
    assertThat(government("SEVERE_DISABLED")).as("disabled alone").isZero();
    assertThat(government()).isZero();
  }

  @Test
  void theBooksTableNamesBoth() {
    assertThat(BookTables.of(BOOK)).flatExtracting(BookTables.Table::rows).flatExtracting(row -> row)
        .anySatisfy(cell -> assertThat(cell).isEqualTo("建档立卡低收入户中的重度残疾人(一、二级)"));
  }

  @Test
  void alsoInNeedsCategoriesAndOthersOfItsOwn() {
    for (String[] bad : new String[][] {{"      categories: [LOW_INCOME]\n", "      minAge: 60\n", "needs 'categories'"},
        {"alsoIn: [SEVERE_DISABLED]", "alsoIn: [LOW_INCOME]", "also in 'categories'"}}) {
      String yaml = BadBooksTest.replace("      source: 000 三(二)2\n  late:", "      source: 000 三(二)2\n" + HELP.replace(bad[0], bad[1]));
      assertThat(BadBooksTest.loadError(yaml)).as(bad[2]).contains(bad[2]);
    }
  }
}
