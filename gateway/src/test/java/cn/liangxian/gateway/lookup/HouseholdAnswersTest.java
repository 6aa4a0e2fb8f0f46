package cn.liangxian.gateway.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.policy.PolicyBook;
import cn.liangxian.policy.RegionBooks;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** What makes a kept answer stale besides the household's rows: the books (a publication replaces them) and the pay date. */
class HouseholdAnswersTest {
  static RegionBooks book() {
    return RegionBooks.of("371312", java.util.List.of(PolicyBook.load(TestGateway.repo().resolve("config/policies/hedong-2020.yaml"))));
  }

  final HouseholdAnswers answers = new HouseholdAnswers(100, new SimpleMeterRegistry());
  final LocalDate day = LocalDate.of(2019, 12, 15);
  final byte[] body = "{}".getBytes();

  @Test
  void servedOnlyForTheStampTheDateAndTheBookItWasAssessedWith() {
    RegionBooks book = book();
    answers.put(null, 7, 3, day, book, body);
    assertThat(answers.get(7, 3, day, book)).isSameAs(body);
    assertThat(answers.get(7, 4, day, book)).as("the household changed").isNull();
    assertThat(answers.get(7, 3, day.plusDays(1), book)).as("another day").isNull();
    assertThat(answers.get(8, 3, day, book)).as("another household").isNull();
  }

  @Test
  void aChangedBookIsNeverAnsweredFromTheOldOne() {
    RegionBooks old = book();
    RegionBooks changed = book();
    answers.put(null, 7, 3, day, old, body);
    assertThat(answers.get(7, 3, day, changed)).isNull();
  }

  @Test
  void anOlderAnswerNeverReplacesANewerOne() {
    RegionBooks book = book();
    byte[] newer = "{\"n\":1}".getBytes();
    answers.put(null, 7, 5, day, book, newer);
    answers.put(null, 7, 4, day, book, body);
    assertThat(answers.get(7, 5, day, book)).isSameAs(newer);
  }

  /** The households asked about last are kept: the one asked about longest ago makes room, however often it was asked. */
  @Test
  void theHouseholdUsedLongestAgoMakesRoom() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    HouseholdAnswers three = new HouseholdAnswers(3, registry);
    RegionBooks book = book();
    for (int id = 1; id <= 3; id++) {
      three.put(null, id, 1, day, book, body);
    }
    for (int i = 0; i < 5; i++) {
      assertThat(three.get(2, 1, day, book)).isNotNull(); // asked often, but not last
    }
    assertThat(three.get(1, 1, day, book)).isNotNull();
    assertThat(three.get(3, 1, day, book)).isNotNull();
    three.put(null, 4, 1, day, book, body); // a new household: kept, never turned away
    assertThat(three.get(4, 1, day, book)).isNotNull();
    assertThat(three.get(2, 1, day, book)).as("used longest ago").isNull();
    assertThat(three.get(1, 1, day, book)).isNotNull();
    assertThat(registry.get("cache.size").tag("cache", "household_answers").gauge().value()).isEqualTo(3);
  }

  /** An answer kept again (the household changed, and was assessed anew) is a use: its household stays. */
  @Test
  void anAnswerKeptAgainIsAUse() {
    HouseholdAnswers two = new HouseholdAnswers(2, new SimpleMeterRegistry());
    RegionBooks book = book();
    two.put(null, 1, 1, day, book, body);
    two.put(null, 2, 1, day, book, body);
    two.put(null, 1, 2, day, book, body); // 1 paid, say: its new answer
    two.put(null, 3, 1, day, book, body);
    assertThat(two.get(1, 2, day, book)).isNotNull();
    assertThat(two.get(2, 1, day, book)).as("used longest ago").isNull();
  }

  @Test
  void aPersonIsLedToTheirHouseholdWhileItsAnswerIsKept() {
    HouseholdAnswers two = new HouseholdAnswers(2, new SimpleMeterRegistry());
    RegionBooks book = book();
    byte[] a = {1};
    byte[] b = {2};
    two.put(a, 7, 1, day, book, body);
    two.remember(b, 7);
    assertThat(two.householdOf(new byte[] {2})).isEqualTo(7L);
    two.put(null, 8, 1, day, book, body);
    two.put(null, 9, 1, day, book, body); // 7 made room
    assertThat(two.householdOf(a)).as("no answer kept to lead to").isNull();
  }

  @Test
  void noneKeptWhenSizedZero() {
    HouseholdAnswers none = new HouseholdAnswers(0, new SimpleMeterRegistry());
    RegionBooks book = book();
    none.put(null, 7, 3, day, book, body);
    assertThat(none.get(7, 3, day, book)).isNull();
  }
}
