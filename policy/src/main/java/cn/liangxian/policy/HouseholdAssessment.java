package cn.liangxian.policy;

import java.util.List;
import java.util.Set;

/**
 * Every member of a household for one insurance, the totals over the eligible members, and whether
 * the family must enrol whole.
 */
public record HouseholdAssessment(
    Insurance insurance, List<Line> lines, boolean wholeFamilyRequired, String wholeFamilySource) {

  /** A member to assess: the pension tier and add-ons they chose, if any. */
  public record Member(Person person, Integer tierYuan, Set<String> addOns) {
    public Member {
      addOns = addOns == null ? Set.of() : Set.copyOf(addOns);
    }

    public static Member of(Person person) {
      return new Member(person, null, Set.of());
    }
  }

  /** One member's result: an assessment, or the reason it could not be made. */
  public record Line(Person person, Assessment assessment, String error) {}

  public HouseholdAssessment {
    lines = List.copyOf(lines);
  }

  public long personalFen() {
    return sum(Assessment::personalFen);
  }

  public long governmentFen() {
    return sum(Assessment::governmentFen);
  }

  public long subsidyFen() {
    return sum(Assessment::subsidyFen);
  }

  public long laterSubsidyFen() {
    return sum(Assessment::laterSubsidyFen);
  }

  public long totalFen() {
    return sum(Assessment::totalFen);
  }

  private long sum(java.util.function.ToLongFunction<Assessment> part) {
    long total = 0;
    for (Line l : lines) {
      if (l.assessment() != null && l.assessment().eligible()) {
        total += part.applyAsLong(l.assessment());
      }
    }
    return total;
  }
}
