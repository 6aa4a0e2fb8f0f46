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

  @Test
  void noneKeptWhenSizedZero() {
    HouseholdAnswers none = new HouseholdAnswers(0, new SimpleMeterRegistry());
    RegionBooks book = book();
    none.put(null, 7, 3, day, book, body);
    assertThat(none.get(7, 3, day, book)).isNull();
  }
}
