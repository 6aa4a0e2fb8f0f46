package cn.liangxian.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.LocalDate;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A pension back-payment at tiers of its own (新疆生产建设兵团: "应缴未缴年度可选择当年的任一缴费档次进行补缴"): the missed year is
 * paid at the tiers the back-payment phase lists (the current year's), without the year's subsidy; in the window the
 * year's own tiers stand.
 */
class BackPaymentTiersTest {
  static final String BACK = "  late:\n    - {id: back, from: 2020-01-01, until: 2024-12-31, amount: personal, reductions: false,"
      + " subsidies: false, waitingDays: 0, backPayment: true, tiers: {yuan: [200, 500, 1000]}, source: 000 三(一)2(6)}";
  static final PolicyBook BOOK = PolicyBook.parse("back.yaml", BadBooksTest.replace("  late: {refuse: no rule, source: 000 三(一)2(6)}",
      BACK));
  static final Person ADULT = Person.of(IdNumber.parse(Ids.man("371312", "1980-06-15")), Set.of());

  static Assessment pension(int tier, String payDate) {
    return PolicyEngine.assess(ADULT, Insurance.PENSION, BOOK, LocalDate.parse(payDate), tier, Set.of());
  }

  @Test
  void theMissedYearIsPaidAtThePhasesTiersWithoutTheYearsSubsidy() {
    Assessment a = pension(500, "2021-03-01");
    assertThat(a.eligible()).as("%s", a.reason()).isTrue();
    assertThat(a.personalFen()).isEqualTo(50_000);
    assertThat(a.subsidyFen()).isZero();
    AssessmentException old = catchThrowableOfType(() -> pension(300, "2021-03-01"), AssessmentException.class);
    assertThat(old.reason().code()).isEqualTo("policy.tier-not-offered");
    assertThat(old.reason().text()).contains("200、500、1000");
    InsuranceTerms t = BOOK.terms(Insurance.PENSION).orElseThrow();
    assertThat(t.tiersYuanFor(ADULT, LocalDate.parse("2021-03-01"))).containsExactly(200, 500, 1000);
  }

  @Test
  void inTheWindowTheYearsOwnTiersStand() {
    assertThat(pension(300, "2019-12-20").subsidyFen()).isEqualTo(3_000);
    assertThat(catchThrowableOfType(() -> pension(500, "2019-12-20"), AssessmentException.class).reason().code())
        .isEqualTo("policy.tier-not-offered");
    assertThat(BOOK.terms(Insurance.PENSION).orElseThrow().tiersYuanFor(ADULT, LocalDate.parse("2019-12-20")))
        .containsExactly(100, 300);
  }

  @Test
  void theBooksTableListsThePhasesTiers() {
    assertThat(BookTables.of(BOOK)).flatExtracting(BookTables.Table::rows).flatExtracting(row -> row)
        .anySatisfy(cell -> assertThat(cell).isEqualTo("个人缴费标准（补缴），可选档次：200元、500元、1000元"));
  }

  /** A group's extension on the days of such a back-payment: which tiers hold for that group is not said, so refused. */
  @Test
  void aGroupsExtensionOverlappingItIsRefused() {
    String yaml = BadBooksTest.GOOD.replace("  late: {refuse: no rule, source: 000 三(一)2(6)}",
        "  groups:\n    - {id: hardship, name: 低保对象, categories: [DIBAO], source: 000 三(一)2(6)}\n" + BACK
            + "\n    - {id: hardship-until-march, group: hardship, from: 2020-01-01, until: 2020-03-31, amount: personal,"
            + " reductions: true, waitingDays: 0, source: 000 三(一)2(6)}");
    assertThat(BadBooksTest.loadError(yaml)).contains("pension.late[0].tiers", "overlaps the extension 'hardship-until-march'");
  }

  @Test
  void tiersOfItsOwnOnlyForABackPaymentThatGivesNoSubsidy() {
    for (String[] bad : new String[][] {{"subsidies: false, ", "", "subsidies: false"},
        {"backPayment: true, ", "", "only a back-payment"}}) {
      String phase = BACK.replace(bad[0], bad[1]);
      String yaml = BadBooksTest.replace("  late: {refuse: no rule, source: 000 三(一)2(6)}",
          phase.contains("backPayment") ? phase : phase.replace("until: 2024-12-31", "until: 2020-06-30"));
      assertThat(BadBooksTest.loadError(yaml)).as(bad[2]).contains(bad[2]);
    }
  }
}
