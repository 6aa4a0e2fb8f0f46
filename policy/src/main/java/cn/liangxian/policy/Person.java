package cn.liangxian.policy;

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
 */
public record Person(Identity id, Set<Category> categories, boolean local, boolean enrolledElsewhere, Identity spouse) {
  public Person {
    Objects.requireNonNull(id, "id");
    categories = categories == null || categories.isEmpty() ? Set.of() : Set.copyOf(categories);
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
