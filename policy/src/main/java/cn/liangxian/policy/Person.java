package cn.liangxian.policy;

import java.time.LocalDate;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the engine needs to know of a resident.
 *
 * @param id who the resident is: their ID number, or the birth date and sex stored beside it
 * @param categories special groups the resident is certified in (empty for most people); a sub-class a
 *     book declares counts as its group too
 * @param local has household registration (户籍) in the book's region
 * @param enrolledElsewhere already insured this year elsewhere or under employee insurance
 * @param spouse the spouse's identity when known (002's family-planning subsidy looks at the wife's age)
 * @param since when the resident was certified in each category, where known (a category absent: not known); a
 *     treatment for those certified by a date reads it (000: "2019 年 12 月 31 日前获得认定的…")
 * @param lastMedicalYear the last benefit year before the one assessed in which the resident had medical cover (the
 *     agency's roster, a payment, or the agency's word of cover elsewhere or under employee insurance), or null where
 *     nothing says: a break in cover makes them wait ({@code continuity})
 */
public record Person(Identity id, Set<Category> categories, boolean local, boolean enrolledElsewhere, Identity spouse,
    Map<Category, LocalDate> since, Integer lastMedicalYear) {
  public Person {
    Objects.requireNonNull(id, "id");
    categories = categories == null || categories.isEmpty() ? Set.of() : Set.copyOf(categories);
    since = since == null || since.isEmpty() ? Map.of() : Map.copyOf(since);
  }

  public Person(Identity id, Set<Category> categories, boolean local, boolean enrolledElsewhere, Identity spouse,
      Map<Category, LocalDate> since) {
    this(id, categories, local, enrolledElsewhere, spouse, since, null);
  }

  public Person(Identity id, Set<Category> categories, boolean local, boolean enrolledElsewhere, Identity spouse) {
    this(id, categories, local, enrolledElsewhere, spouse, Map.of());
  }

  /** A local resident, not insured elsewhere, with no spouse on record. */
  public static Person of(Identity id, Set<Category> categories) {
    return new Person(id, categories, true, false, null);
  }

  public boolean in(Category category) {
    for (Category c : categories) {
      if (c.isIn(category)) {
        return true;
      }
    }
    return false;
  }

  /**
   * In one of {@code any} by a category certified on or before {@code by}. A category whose start is not known counts:
   * a department's list of standing members need not say since when.
   */
  public boolean inAnyBy(Set<Category> any, LocalDate by) {
    for (Category c : categories) {
      LocalDate from = since.get(c);
      if ((from == null || !from.isAfter(by)) && any.stream().anyMatch(c::isIn)) {
        return true;
      }
    }
    return false;
  }

  public boolean inAny(Set<Category> any) {
    for (Category c : any) {
      if (in(c)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "Person[" + id.masked() + ", " + categories + (local ? "" : ", non-local") + "]";
  }
}
