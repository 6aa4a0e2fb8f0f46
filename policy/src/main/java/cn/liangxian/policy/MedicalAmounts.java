package cn.liangxian.policy;

import java.util.List;

/** A person's medical amounts: the one standard, or their group's own amount and government share. */
final class MedicalAmounts {
  private final InsuranceTerms terms;
  private final PolicyBook book;
  private final Person person;

  /**
   * @param fullFen personal + government share, or null where it cannot be known
   * @param rules the group rule that decided the amounts, if any
   */
  record Amounts(long personalFen, String personalSource, Long fullFen, String fullSource, String fullNote,
      List<AppliedRule> rules) {}

  MedicalAmounts(InsuranceTerms terms, PolicyBook book, Person person) {
    this.terms = terms;
    this.book = book;
    this.person = person;
  }

  Amounts amounts() {
    Sourced<Long> full = terms.fullFinancingFen;
    if (terms.personalByGroup.isEmpty()) {
      return new Amounts(terms.personalFen.value(), terms.personalFen.source(), full.value(), full.source(), full.note(),
          List.of());
    }
    Group g = terms.groupOf(person);
    GroupAmount amount = g == null ? null
        : terms.personalByGroup.stream().filter(a -> a.group().id().equals(g.id())).findFirst().orElse(null);
    if (amount == null) {
      throw new AssessmentException(book.reason(ReasonCode.NO_GROUP_AMOUNT, book.file() + " gives no personal amount for "
          + (g == null ? "a person in none of its groups" : "group '" + g.id() + "'")));
    }
    List<AppliedRule> rules = List.of(new AppliedRule("group-" + g.id(), g.source()));
    Long gov = amount.governmentFen() != null ? amount.governmentFen() : terms.governmentShareFen.value();
    if (gov == null) {
      // no share of the group's own: the book's full financing amount, where it gives one, is what all owe
      return new Amounts(amount.personalFen(), amount.source(), full.value(), full.source(), full.note(), rules);
    }
    return new Amounts(amount.personalFen(), amount.source(), amount.personalFen() + gov, amount.source(), null, rules);
  }
}
