package cn.liangxian.gateway.lookup;

import cn.liangxian.policy.Category;
import cn.liangxian.policy.Identity;
import cn.liangxian.policy.Person;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A household as stored: its members with their categories and what orders hold or have paid, and the
 * stamp its rows carried when read (bumped by every change to them, see V9).
 */
public record Household(long id, UUID ref, String regionCode, String township, String village, long stamp,
    List<Member> members) {

  /** A category as a department supplied it, with its validity. */
  public record CategoryRow(Category category, LocalDate validFrom, LocalDate validTo) {
    boolean validOn(LocalDate d) {
      return (validFrom == null || !d.isBefore(validFrom)) && (validTo == null || !d.isAfter(validTo));
    }
  }

  /** A person-insurance-year an order holds or has paid. */
  public record Hold(String insurance, int year, boolean paid, OffsetDateTime heldUntil, UUID orderId) {}

  /** A member as the engine and the API need them: the identity stored beside the encrypted number, never the number. */
  public record Member(long id, UUID ref, Identity identity, String name, boolean local, boolean enrolledElsewhere,
      List<CategoryRow> categories, List<Hold> holds) {

    /** The person as the engine sees them on a date: only categories valid that day count. */
    public Person person(LocalDate on) {
      Set<Category> cats = EnumSet.noneOf(Category.class);
      for (CategoryRow c : categories) {
        if (c.validOn(on)) {
          cats.add(c.category());
        }
      }
      return new Person(identity, cats, local, enrolledElsewhere, null);
    }

    public Hold hold(String insurance, int year) {
      return holds.stream().filter(h -> h.insurance().equals(insurance) && h.year() == year).findFirst().orElse(null);
    }
  }

  public Member member(UUID ref) {
    return members.stream().filter(m -> m.ref().equals(ref)).findFirst().orElse(null);
  }
}
