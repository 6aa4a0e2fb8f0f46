package cn.liangxian.policy;

import java.time.LocalDate;
import java.util.Set;

/**
 * A group of residents a section names for its amounts or its extensions (老年居民, 学生儿童, 大学生,
 * 返乡人员 ...): by category, by age band on the book's date, or both. A group with neither is everyone
 * not in a group above it.
 */
record Group(String id, String name, Set<Category> categories, Integer minAge, Integer maxAge, String source) {

  boolean contains(Person person, LocalDate ageReference) {
    if (!categories.isEmpty() && !person.inAny(categories)) {
      return false;
    }
    int age = person.id().ageOn(ageReference);
    return (minAge == null || age >= minAge) && (maxAge == null || age <= maxAge);
  }

  boolean everyone() {
    return categories.isEmpty() && minAge == null && maxAge == null;
  }
}
