package cn.liangxian.policy;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What the engine needs to know of a resident.
 *
 * @param id who the resident is: their ID number, or the birth date and sex stored beside it
 * @param categories special groups the resident is certified in (empty for most people)
 * @param local has household registration (户籍) in the book's region
 * @param enrolledElsewhere already insured this year elsewhere or under employee insurance
 * @param spouse the spouse's identity when known (002's family-planning subsidy looks at the wife's age)
 */
public record Person(Identity id, Set<Category> categories, boolean local, boolean enrolledElsewhere, Identity spouse) {
  public Person {
    Objects.requireNonNull(id, "id");
    categories = categories == null || categories.isEmpty()
        ? Set.of()
        : Set.copyOf(EnumSet.copyOf(categories));
  }

  /** A local resident, not insured elsewhere, with no spouse on record. */
  public static Person of(Identity id, Set<Category> categories) {
    return new Person(id, categories, true, false, null);
  }

  public boolean in(Category category) {
    return categories.contains(category);
  }

  public boolean inAny(Set<Category> any) {
    for (Category c : any) {
      if (categories.contains(c)) {
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
