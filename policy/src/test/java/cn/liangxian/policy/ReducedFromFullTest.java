package cn.liangxian.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.LocalDate;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A phase that owes the full financing amount and keeps reductions: by default those a reduction applies to keep the
 * personal rate with it (河东 000 三(二)3, whose special groups are paid for as in the window); a notice that halves the
 * full amount instead ("享受减半的按筹资总额的50%") says {@code reducedFrom: full}.
 */
class ReducedFromFullTest {
  static final String HALF = "    - id: age-60-69-half\n      minAge: 60\n      maxAge: 69\n      governmentPercent: 50\n"
      + "      source: 000 三(二)2\n  late:";
  static final String FULL_PHASE = "{id: full, from: 2020-03-01, amount: full, reductions: false,";

  static PolicyBook book(String reducedFrom) {
    String yaml = BadBooksTest.replace("      source: 000 三(二)2\n  late:", "      source: 000 三(二)2\n" + HALF);
    return PolicyBook.parse("reduced.yaml", yaml.replace(FULL_PHASE, "{id: full, from: 2020-03-01, amount: full, reductions: true,"
        + (reducedFrom == null ? "" : " reducedFrom: " + reducedFrom + ",")));
  }

  static long owes(PolicyBook book, String born) {
    Assessment a = PolicyEngine.assess(Person.of(IdNumber.parse(Ids.man("371312", born)), Set.of()), Insurance.MEDICAL, book,
        LocalDate.parse("2020-04-01"));
    assertThat(a.eligible()).isTrue();
    return a.personalFen();
  }

  @Test
  void byDefaultAReductionKeepsThePersonalRateWithIt() {
    PolicyBook book = book(null);
    assertThat(owes(book, "1980-06-15")).as("40: the full 800").isEqualTo(80_000);
    assertThat(owes(book, "1955-06-15")).as("64: half of the personal 250").isEqualTo(12_500);
    assertThat(owes(book("personal"), "1955-06-15")).isEqualTo(12_500);
  }

  @Test
  void reducedFromFullHalvesTheFullAmount() {
    PolicyBook book = book("full");
    assertThat(owes(book, "1980-06-15")).as("40: the full 800").isEqualTo(80_000);
    assertThat(owes(book, "1955-06-15")).as("64: half of the full 800").isEqualTo(40_000);
    assertThat(owes(book, "1945-06-15")).as("74: exempt, of the full amount too").isZero();
  }

  @Test
  void reducedFromOnlyWhereThePhaseOwesTheFullAmountWithReductions() {
    String yaml = BadBooksTest.replace("{id: grace, from: 2020-01-01, amount: personal, reductions: true,",
        "{id: grace, from: 2020-01-01, amount: personal, reductions: true, reducedFrom: full,");
    PolicyBookException e = catchThrowableOfType(PolicyBookException.class, () -> PolicyBook.parse("bad.yaml", yaml));
    assertThat(e).isNotNull();
    assertThat(e.field()).isEqualTo("medical.late[0].reducedFrom");
    assertThat(e.getMessage()).contains("only a phase with 'amount: full' and 'reductions: true'");
  }
}
