package cn.liangxian.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.time.api.Dates;

/** Whatever the person, book, date and choice: never negative, the parts add up, or a clear refusal. */
class AssessmentProperties {
  private static final List<String> BOOKS =
      List.of("hedong-2020", "zhangshanzi-2020", "yicheng-2022", "lengshuitan-2020", "rugao-2020");

  record Input(String book, Insurance insurance, LocalDate birth, boolean female, Set<Category> categories,
      boolean local, int tierIndex, int payOffsetDays, boolean addOn, LocalDate spouseBirth) {}

  @Provide
  Arbitrary<Input> inputs() {
    Arbitrary<String> book = Arbitraries.of(BOOKS);
    Arbitrary<Insurance> insurance = Arbitraries.of(Insurance.values());
    Arbitrary<LocalDate> birth = Dates.dates().between(LocalDate.of(1920, 1, 1), LocalDate.of(2022, 12, 31));
    Arbitrary<Set<Category>> categories = Arbitraries.of(Category.values()).set().ofMaxSize(4)
        .map(Set::copyOf);
    Arbitrary<Integer> tierIndex = Arbitraries.integers().between(0, 13);
    Arbitrary<Integer> payOffset = Arbitraries.integers().between(0, 420);
    Arbitrary<LocalDate> spouse = Dates.dates().between(LocalDate.of(1930, 1, 1), LocalDate.of(2000, 12, 31))
        .injectNull(0.5);
    return Combinators.combine(book, insurance, birth, Arbitraries.of(true, false), categories,
            Arbitraries.of(true, false), tierIndex, payOffset)
        .as((b, i, d, f, c, l, t, p) -> new Input(b, i, d, f, c, l, t, p, false, null))
        .flatMap(in -> Combinators.combine(Arbitraries.of(true, false), spouse)
            .as((a, s) -> new Input(in.book(), in.insurance(), in.birth(), in.female(), in.categories(), in.local(),
                in.tierIndex(), in.payOffsetDays(), a, s)));
  }

  @Property(tries = 2000)
  void neverNegativeAndThePartsAddUp(@ForAll("inputs") Input in) {
    PolicyBook book = Books.get(in.book());
    InsuranceTerms terms = book.terms(in.insurance()).orElse(null);
    if (terms == null) {
      return;
    }
    String region = book.regions().get(0).code();
    Person person = new Person(
        IdNumber.parse(in.female() ? Ids.woman(region, in.birth().toString()) : Ids.man(region, in.birth().toString())),
        in.categories(), in.local(), false,
        in.spouseBirth() == null ? null : IdNumber.parse(Ids.woman(region, in.spouseBirth().toString())));
    Integer tier = in.insurance() == Insurance.PENSION
        ? terms.tiersYuan().get(in.tierIndex() % terms.tiersYuan().size()) : null;
    Set<String> addOns = in.addOn() && !terms.addOns().isEmpty() ? Set.of(terms.addOns().get(0).code()) : Set.of();
    LocalDate payDate = terms.windowStart().plusDays(in.payOffsetDays());
    Assessment a;
    try {
      a = PolicyEngine.assess(person, in.insurance(), book, payDate, tier, addOns);
    } catch (AssessmentException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    assertThat(a.personalFen()).isNotNegative();
    assertThat(a.governmentFen()).isNotNegative();
    assertThat(a.subsidyFen()).isNotNegative();
    assertThat(a.laterSubsidyFen()).isNotNegative().isLessThanOrEqualTo(a.personalFen());
    assertThat(a.totalFen()).isEqualTo(a.personalFen() + a.governmentFen() + a.subsidyFen());
    assertThat(a.rules()).isNotEmpty().allSatisfy(r -> assertThat(r.source()).startsWith(book.notice() + " "));
    if (a.eligible()) {
      assertThat(a.reason()).isNull();
      assertThat(a.coverageStart()).isBeforeOrEqualTo(a.coverageEnd());
      assertThat(a.coverageEnd().getYear()).isEqualTo(terms.benefitYear());
      if (in.insurance() == Insurance.MEDICAL) {
        // what the person pays plus what is paid for them is the contribution (plus add-ons bought)
        long addOnFen = addOns.isEmpty() ? 0 : terms.addOns().get(0).fen();
        assertThat(a.personalFen() - addOnFen + a.governmentFen()).isPositive();
      } else {
        assertThat(a.personalFen() + a.governmentFen()).isEqualTo(tier * 100L);
      }
    } else {
      assertThat(a.reason()).isNotBlank();
      assertThat(a.totalFen()).isZero();
    }
  }

  /** The birth date and sex kept beside an encrypted number assess exactly like the number itself. */
  @Property(tries = 500)
  void storedIdentityAssessesLikeTheNumber(@ForAll("inputs") Input in) {
    PolicyBook book = Books.get(in.book());
    InsuranceTerms terms = book.terms(in.insurance()).orElse(null);
    if (terms == null) {
      return;
    }
    String region = book.regions().get(0).code();
    IdNumber id = IdNumber.parse(in.female() ? Ids.woman(region, in.birth().toString()) : Ids.man(region, in.birth().toString()));
    IdNumber spouse = in.spouseBirth() == null ? null : IdNumber.parse(Ids.woman(region, in.spouseBirth().toString()));
    Person byNumber = new Person(id, in.categories(), in.local(), false, spouse);
    Person stored = new Person(Identity.of(id.birthDate(), id.sex(), id.masked()), in.categories(), in.local(), false,
        spouse == null ? null : Identity.of(spouse.birthDate(), spouse.sex(), spouse.masked()));
    Integer tier = in.insurance() == Insurance.PENSION
        ? terms.tiersYuan().get(in.tierIndex() % terms.tiersYuan().size()) : null;
    LocalDate payDate = terms.windowStart().plusDays(in.payOffsetDays());
    Object expected;
    Object actual;
    try {
      expected = PolicyEngine.assess(byNumber, in.insurance(), book, payDate, tier, Set.of());
    } catch (AssessmentException refused) {
      expected = refused.getMessage();
    }
    try {
      actual = PolicyEngine.assess(stored, in.insurance(), book, payDate, tier, Set.of());
    } catch (AssessmentException refused) {
      actual = refused.getMessage();
    }
    assertThat(actual).isEqualTo(expected);
  }
}
