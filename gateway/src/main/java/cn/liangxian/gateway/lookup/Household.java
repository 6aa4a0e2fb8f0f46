package cn.liangxian.gateway.lookup;

import cn.liangxian.policy.AppliedRule;
import cn.liangxian.policy.Categories;
import cn.liangxian.policy.Category;
import cn.liangxian.policy.Identity;
import cn.liangxian.policy.Person;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A household as stored: its members with their categories and what orders hold or have paid, and the
 * stamp its rows carried when read (bumped by every change to them, see V9).
 */
public record Household(long id, UUID ref, String regionCode, String township, String village, long stamp,
    List<Member> members) {

  /** A category code as a department supplied it (national or declared by the region's book), with its validity. */
  public record CategoryRow(String code, LocalDate validFrom, LocalDate validTo) {
    boolean validOn(LocalDate d) {
      return (validFrom == null || !d.isBefore(validFrom)) && (validTo == null || !d.isAfter(validTo));
    }
  }

  /**
   * A person-insurance-year an order holds or has paid ({@code paidAt}: when, for a paid one; {@code item}: what the
   * order recorded for it).
   */
  public record Hold(String insurance, int year, boolean paid, OffsetDateTime heldUntil, UUID orderId, OffsetDateTime paidAt,
      OrderItem item) {}

  /**
   * What is paid, or being paid, for an item, as its order recorded it when it was made: the tier chosen (null without tiers), the
   * amounts in fen, the clauses that decided them and the cover it was assessed with ({@code coverageStart} and
   * {@code coverageEnd} null for an item ordered before the cover was recorded); {@code refundedFen}: the difference
   * given back since (a category that arrived late), once the channel confirmed it, else 0. What an item paid or
   * being paid shows, whatever the books say now.
   */
  public record OrderItem(Integer tierYuan, long personalFen, long governmentFen, long subsidyFen, long laterSubsidyFen,
      long totalFen, List<AppliedRule> rules, LocalDate coverageStart, LocalDate coverageEnd, long refundedFen) {
    public OrderItem {
      rules = List.copyOf(rules);
    }
  }

  /** A member as the engine and the API need them: the identity stored beside the encrypted number, never the number. */
  /**
   * {@code spouse}: what the roster says of the member's spouse (birth date and sex), or null when it names none;
   * {@code medicalLastYear}: the last benefit year the agency's roster says the member had resident medical cover, or null.
   */
  public record Member(long id, UUID ref, Identity identity, String name, boolean local, boolean enrolledElsewhere,
      List<CategoryRow> categories, List<Hold> holds, List<AgencyNote> agency, Identity spouse, Integer medicalLastYear) {

    public Member(long id, UUID ref, Identity identity, String name, boolean local, boolean enrolledElsewhere,
        List<CategoryRow> categories, List<Hold> holds, List<AgencyNote> agency, Identity spouse) {
      this(id, ref, identity, name, local, enrolledElsewhere, categories, holds, agency, spouse, null);
    }

    public Member(long id, UUID ref, Identity identity, String name, boolean local, boolean enrolledElsewhere,
        List<CategoryRow> categories, List<Hold> holds, List<AgencyNote> agency) {
      this(id, ref, identity, name, local, enrolledElsewhere, categories, holds, agency, null);
    }

    /** The agency's note that settles this insurance and year, if any. */
    public AgencyNote agencyNote(String insurance, int year) {
      return agency.stream().filter(a -> a.covers(insurance, year)).findFirst().orElse(null);
    }

    /**
     * The person as the engine sees them on a date under a book: only categories valid that day and known
     * to the book count (a code the book does not declare was refused at import, or belongs to another year's book);
     * cover known before {@code benefitYear}, the year assessed, says how long a break in cover was.
     */
    public Person person(LocalDate on, Categories known, int benefitYear) {
      Set<Category> cats = new HashSet<>();
      // since when each is held, by the earliest row valid that day; a row that does not say makes it not known
      java.util.Map<Category, LocalDate> since = new java.util.HashMap<>();
      Set<Category> sinceUnknown = new HashSet<>();
      for (CategoryRow c : categories) {
        if (c.validOn(on)) {
          known.find(c.code()).ifPresent(cat -> {
            cats.add(cat);
            if (c.validFrom() == null) {
              sinceUnknown.add(cat);
            } else {
              since.merge(cat, c.validFrom(), (a, b) -> a.isBefore(b) ? a : b);
            }
          });
        }
      }
      since.keySet().removeAll(sinceUnknown);
      return new Person(identity, cats, local, enrolledElsewhere, spouse, since, lastCoveredBefore(benefitYear));
    }

    /** The agency's notes that say a person had medical cover in the note's year. */
    static final Set<String> COVER = Set.of("INSURED_ELSEWHERE", "PAID_ELSEWHERE", "EMPLOYEE_INSURANCE");

    /**
     * The last year of medical cover known before {@code benefitYear}: the roster's, a later year paid here (a payment the
     * agency's roster does not show yet is cover all the same), or one the agency says was insured or paid elsewhere, or
     * covered by employee medical insurance (国办发〔2024〕38号: moving between the employees' and the residents' schemes is
     * no break), for medical or for every insurance (a note naming none). A year paid at or after the one assessed says
     * nothing of a break before it (a family paying two open years at once). A note's year counts whole: the agency
     * says a year where the cover ran to its end.
     */
    Integer lastCoveredBefore(int benefitYear) {
      Integer last = medicalLastYear != null && medicalLastYear < benefitYear ? medicalLastYear : null;
      for (Hold h : holds) {
        if (h.paid() && "medical".equals(h.insurance()) && h.year() < benefitYear && (last == null || h.year() > last)) {
          last = h.year();
        }
      }
      for (AgencyNote a : agency) {
        boolean cover = COVER.contains(a.kind());
        if (cover && (a.insurance() == null || "medical".equals(a.insurance())) && a.year() != null && a.year() < benefitYear
            && (last == null || a.year() > last)) {
          last = a.year();
        }
      }
      return last;
    }

    public Hold hold(String insurance, int year) {
      return holds.stream().filter(h -> h.insurance().equals(insurance) && h.year() == year).findFirst().orElse(null);
    }
  }

  public Member member(UUID ref) {
    return members.stream().filter(m -> m.ref().equals(ref)).findFirst().orElse(null);
  }
}
