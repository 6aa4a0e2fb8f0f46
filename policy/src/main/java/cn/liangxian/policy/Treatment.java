package cn.liangxian.policy;

import java.time.LocalDate;
import java.util.Set;

/**
 * A reduction or subsidy for a group of people: who it is for (categories and/or an age band) and what
 * it does. Treatments never stack, except an extra subsidy a book marks as stacking (DOMAIN decision 1).
 *
 * @param windowOnly whether only payments within the collection window get it (泽州 2025: "集中征缴期内参加…的普通居民…进行财政补贴")
 * @param amountNotGiven why the notice gives no amount (a fixed amount, 定额资助), or null: the person it applies to
 *     cannot be assessed (DOMAIN decision 4)
 * @param certifiedBy for those certified in its categories on or before this date only (null: whenever)
 */
record Treatment(
    String id,
    Set<Category> categories,
    Set<Category> unless,
    Integer minAge,
    Integer maxAge,
    AgeOf ageOf,
    Kind kind,
    long value,
    boolean stacks,
    boolean windowOnly,
    String amountNotGiven,
    LocalDate certifiedBy,
    Set<Category> alsoIn,
    String source) {

  enum Kind {
    /** government pays the whole personal amount (代缴 / 免缴) */
    EXEMPT,
    /** government pays {@code value} percent of the personal amount */
    GOVERNMENT_PERCENT,
    /** government pays a fixed amount of {@code value} fen on the person's behalf */
    GOVERNMENT_FEN,
    /** an extra subsidy of {@code value} fen credited to the pension account */
    EXTRA_SUBSIDY_FEN,
    /** paid in full now, {@code value} percent given back afterwards (先征后补) */
    LATER_SUBSIDY_PERCENT,
    /** the person pays {@code value} fen and the government the rest (运城 2023: "个人缴费70元，差额由医疗救助资助") */
    PERSONAL_FEN
  }

  /** Whose age the age band looks at. */
  enum AgeOf {
    SELF,
    /** the wife's age: the person's own when female, the spouse's when male (002 四(一)) */
    WIFE
  }

  boolean appliesTo(Person person, LocalDate ageReference) {
    if (!categories.isEmpty() && !(certifiedBy == null ? person.inAny(categories) : person.inAnyBy(categories, certifiedBy))) {
      return false;
    }
    if (person.inAny(unless)) {
      return false;
    }
    // both at once ("低保边缘家庭人口中…重度残疾人"): in one of the categories and in one of these too
    if (!alsoIn.isEmpty() && !person.inAny(alsoIn)) {
      return false;
    }
    if (minAge == null && maxAge == null) {
      return true;
    }
    Identity whose = person.id();
    if (ageOf == AgeOf.WIFE && whose.sex() == Sex.MALE) {
      whose = person.spouse();
      if (whose == null || whose.sex() != Sex.FEMALE) {
        return false;
      }
    }
    int age = whose.ageOn(ageReference);
    return (minAge == null || age >= minAge) && (maxAge == null || age <= maxAge);
  }

  boolean ageOnly() {
    return categories.isEmpty() && (minAge != null || maxAge != null);
  }
}
