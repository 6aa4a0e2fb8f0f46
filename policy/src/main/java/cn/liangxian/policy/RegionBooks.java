package cn.liangxian.policy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The books one region has live at once, one per insurance and benefit year: next year's collection
 * opens while this year's late payments are still taken. Picks the book of an item by insurance and
 * benefit year, and says which years are open for payment on a day.
 */
public final class RegionBooks {
  private final String regionCode;
  private final List<PolicyBook> books;

  private RegionBooks(String regionCode, List<PolicyBook> books) {
    this.regionCode = regionCode;
    this.books = List.copyOf(books);
  }

  /**
   * @throws IllegalArgumentException when a book does not cover the region, is not in service, or two books
   *     set terms for the same insurance and benefit year
   */
  public static RegionBooks of(String regionCode, List<PolicyBook> books) {
    return of(regionCode, books, true);
  }

  /**
   * Books assessed as if a region had them, whether or not they cover it or are in service (an example of
   * a notice worked through); two books for the same insurance and benefit year are still refused.
   */
  public static RegionBooks examples(String regionCode, List<PolicyBook> books) {
    return of(regionCode, books, false);
  }

  private static RegionBooks of(String regionCode, List<PolicyBook> books, boolean served) {
    List<String> seen = new ArrayList<>();
    for (PolicyBook b : books) {
      if (served && b.regions().stream().noneMatch(r -> r.code().equals(regionCode))) {
        throw new IllegalArgumentException("book " + b.file() + " does not cover region " + regionCode);
      }
      if (served && !b.inService()) {
        throw new IllegalArgumentException("book " + b.file() + " is an example, not in service");
      }
      for (Insurance ins : Insurance.values()) {
        Optional<InsuranceTerms> t = b.terms(ins);
        if (t.isPresent()) {
          String key = ins.code() + " " + t.get().benefitYear();
          if (seen.contains(key)) {
            throw new IllegalArgumentException("region " + regionCode + " has two books for " + key + " (" + b.file() + ")");
          }
          seen.add(key);
        }
      }
    }
    return new RegionBooks(regionCode, books);
  }

  public String regionCode() {
    return regionCode;
  }

  /** The books, in the order given. */
  public List<PolicyBook> books() {
    return books;
  }

  /** Every benefit year of this insurance some book sets terms for, oldest first. */
  public List<Integer> years(Insurance insurance) {
    List<Integer> out = new ArrayList<>();
    for (PolicyBook b : books) {
      b.terms(insurance).ifPresent(t -> out.add(t.benefitYear()));
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  /** The book setting the terms of this insurance for this benefit year. */
  public Optional<PolicyBook> book(Insurance insurance, int benefitYear) {
    return books.stream().filter(b -> b.terms(insurance).map(t -> t.benefitYear() == benefitYear).orElse(false))
        .findFirst();
  }

  /**
   * The benefit years of this insurance open for payment on a day, oldest first: collection has opened
   * (or its start is not given) and the year has not ended, and after the window the book takes late
   * payments at all.
   */
  public List<Integer> openYears(Insurance insurance, LocalDate payDate) {
    List<Integer> out = new ArrayList<>();
    for (PolicyBook b : books) {
      b.terms(insurance).filter(t -> open(t, payDate)).ifPresent(t -> out.add(t.benefitYear()));
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  /**
   * The ended years a person born on {@code birth} may still pay on {@code payDate} as a newborn
   * ({@code newborn.afterYearEnd}): the year of their birth, or none (for nearly everyone, without a list made).
   */
  public List<Integer> yearsOfBirth(Insurance insurance, LocalDate payDate, LocalDate birth) {
    List<Integer> out = List.of();
    for (PolicyBook b : books) {
      Optional<InsuranceTerms> t = b.terms(insurance);
      if (t.isPresent() && t.get().newbornAfterYearEnd(birth, payDate)) {
        out = List.of(t.get().benefitYear());
      }
    }
    return out;
  }

  private static boolean open(InsuranceTerms t, LocalDate payDate) {
    LocalDate first = t.earliestStart();
    if (first != null && payDate.isBefore(first)) {
      return false;
    }
    if (payDate.isAfter(LocalDate.of(t.benefitYear, 12, 31))) {
      // a past year is open while a back-payment of it runs
      return t.backPaymentOn(payDate);
    }
    return !payDate.isAfter(t.windowEnd) || t.lateRefused == null;
  }
}
