package cn.liangxian.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Tiers a notice gives as a range ("300-4000 元, 按 100 元的整数倍") and subsidies given by band are the same
 * book as the tiers and subsidies listed one by one: same offer, same assessments.
 */
class TierRangeProperties {

  static String book(String tiers, String subsidy) {
    return """
        id: ranges
        notice: "102"
        title: ranges
        inService: false
        regions:
          - {code: "371312", name: 示例县}
        pension:
          benefitYear: 2024
          source: 102 一
          window: {start: 2023-10-01, end: 2023-12-31, source: 102 三}
          ageReferenceDate: {date: 2023-12-31, source: 102 一}
          eligibility:
            minAge: {years: 16, source: 102 一}
            localOnly: {source: 102 一}
            enrolledElsewhere: {source: 102 一}
          tiers: %s
          subsidy:
            source: 102 二
        %s
          late: {refuse: none, source: 102 三}
        """.formatted(tiers, subsidy);
  }

  @Property(tries = 25)
  void aRangeIsTheTiersListed(
      @ForAll @IntRange(min = 1, max = 30) int fromHundreds,
      @ForAll @IntRange(min = 1, max = 5) int stepHundreds,
      @ForAll @IntRange(min = 0, max = 40) int steps,
      @ForAll @IntRange(min = 0, max = 40) int bandSplit) {
    int from = fromHundreds * 100;
    int step = stepHundreds * 100;
    int to = from + steps * step;
    List<Integer> listed = new ArrayList<>();
    for (int t = from; t <= to; t += step) {
      listed.add(t);
    }
    int split = listed.get(Math.min(bandSplit, listed.size() - 1));
    String byTier = listed.stream().map(t -> "      - {tier: " + t + ", yuan: " + (t < split ? 30 : 60) + "}")
        .collect(Collectors.joining("\n", "    byTier:\n", ""));
    String byBand = (split > from ? "    byBand:\n      - {from: " + from + ", to: " + (split - 1) + ", yuan: 30}\n" : "    byBand:\n")
        + "      - {from: " + split + ", yuan: 60}";
    PolicyBook one = PolicyBook.parse("listed.yaml", book("{yuan: " + listed + ", source: 102 二}", byTier));
    PolicyBook gen = PolicyBook.parse("ranges.yaml",
        book("{ranges: [{from: " + from + ", to: " + to + ", step: " + step + "}], source: 102 二}", byBand));

    assertThat(gen.terms(Insurance.PENSION).orElseThrow().tiersYuan())
        .isEqualTo(one.terms(Insurance.PENSION).orElseThrow().tiersYuan()).isEqualTo(listed);
    Person p = Person.of(IdNumber.parse(Ids.man("371312", "1980-01-01")), Set.of());
    for (int tier : listed) {
      assertThat(PolicyEngine.assess(p, Insurance.PENSION, gen, LocalDate.of(2023, 11, 1), tier, Set.of()))
          .isEqualTo(PolicyEngine.assess(p, Insurance.PENSION, one, LocalDate.of(2023, 11, 1), tier, Set.of()));
    }
  }
}
