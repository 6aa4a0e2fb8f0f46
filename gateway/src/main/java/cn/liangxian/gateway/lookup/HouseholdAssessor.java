package cn.liangxian.gateway.lookup;

import cn.liangxian.policy.Assessment;
import cn.liangxian.policy.AssessmentException;
import cn.liangxian.policy.Reason;
import cn.liangxian.policy.ReasonCode;
import cn.liangxian.policy.Insurance;
import cn.liangxian.policy.InsuranceTerms;
import cn.liangxian.policy.Person;
import cn.liangxian.policy.PolicyBook;
import cn.liangxian.policy.PolicyEngine;
import cn.liangxian.policy.RegionBooks;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What each member owes for each insurance and open benefit year their region's books set, and where it stands. Pure. */
public final class HouseholdAssessor {
  /** Refusals of one pension tier only: the member's other tiers may still be offered. */
  private static final Set<String> TIER_REFUSALS = Set.of(ReasonCode.SUBSIDY_NOT_GIVEN.code(), ReasonCode.TIER_NOT_OFFERED.code(),
      ReasonCode.TIER_RESTRICTED.code());
  /** Reasons not to enrol at all, which the engine finds before it looks at the tier. */
  private static final Set<String> WHOEVER_THE_TIER = Set.of(ReasonCode.ENROLLED_ELSEWHERE.code(), ReasonCode.LOCAL_ONLY.code(),
      ReasonCode.MIN_AGE.code(), ReasonCode.MAX_AGE.code(), ReasonCode.EXCLUDED.code());

  /** Reasons not to enrol that mean the person is covered otherwise, with nothing to pay here. */
  private static final Set<String> COVERED_OTHERWISE = Set.of(ReasonCode.ENROLLED_ELSEWHERE.code(), ReasonCode.EXCLUDED.code());

  private HouseholdAssessor() {}

  public enum Status {
    UNPAID("unpaid"), PAID("paid"), PAID_BY_GOVERNMENT("paid-by-government"), IN_PROGRESS("in-progress"),
    NOT_ELIGIBLE("not-eligible"), NOT_AVAILABLE("not-available");

    public final String code;

    Status(String code) {
      this.code = code;
    }
  }

  /**
   * One member and insurance: the status, the assessment (at the lowest tier for pension; for an item paid or being
   * paid, what its order recorded), and the tier options.
   */
  public record Item(Household.Member member, Insurance insurance, int year, Status status, String reason,
      Assessment assessment, List<TierOption> tiers, Reason why) {

    Item(Household.Member member, Insurance insurance, int year, Status status, String reason, Assessment assessment,
        List<TierOption> tiers) {
      this(member, insurance, year, status, reason, assessment, tiers, null);
    }

    /**
     * The status in the resident's words, decided here once for every screen (the kiosk, the phone, a mini-program). An
     * item not to be paid here says whether it need not be paid at all, being covered otherwise (insured elsewhere or as
     * an employee, or a group the scheme leaves out, by the engine's codes; or what an agency said of the person, a note
     * without a code), or cannot be yet (too young, the window not open): never "不在此缴费".
     */
    public String statusText() {
      return switch (status) {
        case UNPAID -> "未缴费";
        case PAID -> "已缴费";
        case PAID_BY_GOVERNMENT -> "政府代缴";
        // held by an order begun elsewhere and not paid: said as not finished, never as paid
        case IN_PROGRESS -> "付款未完成";
        case NOT_ELIGIBLE -> (why == null ? reason != null : COVERED_OTHERWISE.contains(why.code())) ? "无需缴费" : "暂不能参保";
        case NOT_AVAILABLE -> "暂不能缴费";
      };
    }
  }

  public record TierOption(int tierYuan, Assessment assessment) {}

  /** Every member and insurance, for each benefit year open on the pay date, with the books live on it. */
  public static List<Item> assess(Household h, Regions.Entry region, LocalDate payDate, OffsetDateTime now) {
    return assess(h, region.books(payDate), payDate, now);
  }

  /**
   * Every member and insurance, for each benefit year open on the pay date (oldest first), each from the
   * book of its year; where no year is open (before collection starts), the newest year a book sets.
   */
  public static List<Item> assess(Household h, RegionBooks books, LocalDate payDate, OffsetDateTime now) {
    List<Item> out = new ArrayList<>();
    Map<Insurance, List<Integer>> everyone = new java.util.EnumMap<>(Insurance.class);
    for (Insurance ins : Insurance.values()) {
      everyone.put(ins, years(books, ins, payDate));
    }
    for (Household.Member m : h.members()) {
      for (Insurance ins : Insurance.values()) {
        for (int year : withYearOfBirth(everyone.get(ins), books, ins, payDate, m.identity().birthDate())) {
          PolicyBook book = books.book(ins, year).orElseThrow();
          Person p = m.person(payDate, book.categories(), year);
          out.add(item(m, p, ins, book.terms(ins).orElseThrow(), book, payDate, now));
        }
      }
    }
    return out;
  }

  /** The benefit years of an insurance shown on a day: those open, else the newest one set (none: not offered). */
  public static List<Integer> years(RegionBooks books, Insurance ins, LocalDate payDate) {
    List<Integer> open = books.openYears(ins, payDate);
    if (!open.isEmpty()) {
      return open;
    }
    List<Integer> all = books.years(ins);
    return all.isEmpty() ? List.of() : List.of(all.get(all.size() - 1));
  }

  /** The years shown for any member of the household: each member's ({@link #years(RegionBooks, Insurance, LocalDate, LocalDate)}). */
  public static List<Integer> years(RegionBooks books, Insurance ins, LocalDate payDate, Household h) {
    List<Integer> out = years(books, ins, payDate);
    for (Household.Member m : h.members()) {
      out = withYearOfBirth(out, books, ins, payDate, m.identity().birthDate());
    }
    return out;
  }

  /**
   * As {@link #years(RegionBooks, Insurance, LocalDate)}, for a member born on {@code birth} (null: not asked): with the
   * ended year of their birth where its book lets a newborn still pay it ({@code newborn.afterYearEnd}).
   */
  public static List<Integer> years(RegionBooks books, Insurance ins, LocalDate payDate, LocalDate birth) {
    return withYearOfBirth(years(books, ins, payDate), books, ins, payDate, birth);
  }

  /** {@code years} (everyone's), with the ended year of a birth on {@code birth} beside them where it may still be paid. */
  private static List<Integer> withYearOfBirth(List<Integer> years, RegionBooks books, Insurance ins, LocalDate payDate,
      LocalDate birth) {
    List<Integer> ofBirth = birth == null ? List.of() : books.yearsOfBirth(ins, payDate, birth);
    if (ofBirth.isEmpty() || years.containsAll(ofBirth)) {
      return years; // nearly every member: nothing made
    }
    java.util.TreeSet<Integer> out = new java.util.TreeSet<>(years);
    out.addAll(ofBirth);
    return List.copyOf(out);
  }

  /** One member and insurance, at a chosen tier (pension) or the standard (medical), from the newest live book. */
  public static Assessment assessOne(Household.Member m, Insurance ins, Regions.Entry region, LocalDate payDate, Integer tier) {
    RegionBooks books = region.books(payDate);
    List<Integer> years = years(books, ins, payDate);
    PolicyBook book = years.isEmpty() ? region.book() : books.book(ins, years.get(years.size() - 1)).orElseThrow();
    return assessOne(m, ins, book, payDate, tier);
  }

  /**
   * What a member would have owed for a payment already made, with the categories on record now: the book of the year
   * paid for, on the day it was paid (its window or late phase as then). {@code paidOn} null: the region's pay date.
   */
  public static Assessment assessAsPaid(Household.Member m, Insurance ins, Regions.Entry region, int year,
      LocalDate paidOn, Integer tier) {
    LocalDate day = region.assessedOn(paidOn);
    PolicyBook book = region.books(day).book(ins, year).or(() -> region.books().book(ins, year))
        .orElseThrow(() -> new IllegalStateException("region " + region.code() + " has no book for " + ins.code() + " " + year));
    return assessOne(m, ins, book, day, tier);
  }

  /** One member and insurance from a given book. */
  public static Assessment assessOne(Household.Member m, Insurance ins, PolicyBook book, LocalDate payDate, Integer tier) {
    int year = book.terms(ins).map(t -> t.benefitYear()).orElse(Integer.MAX_VALUE);
    return PolicyEngine.assess(m.person(payDate, book.categories(), year), ins, book, payDate, tier, Set.of());
  }

  private static Item item(Household.Member m, Person p, Insurance ins, InsuranceTerms t, PolicyBook book,
      LocalDate payDate, OffsetDateTime now) {
    Item assessed = assessed(m, p, ins, t, book, payDate);
    Household.Hold hold = m.hold(ins.code(), t.benefitYear());
    if (hold == null || hold.item() == null || !hold.paid() && assessed.status() != Status.IN_PROGRESS) {
      return assessed;
    }
    // a paid item is what was paid: the tier, amounts and cover its order recorded (less a difference given back), never
    // what the books live now would ask at the lowest tier, nor a waiting period of a late phase it was not paid in; an
    // item being paid is what its order asks, at the tier chosen
    return new Item(m, ins, t.benefitYear(), hold.paid() ? Status.PAID : Status.IN_PROGRESS, null,
        asOrdered(hold.item(), assessed.assessment()), List.of());
  }

  /**
   * What an order recorded for an item it holds or paid, as an assessment: its cover as recorded (an item ordered
   * before the cover was recorded has the cover of {@code current} where the books still assess it, else none), and
   * what the member paid net of a difference given back since: the personal amount less it, and the total with it
   * (the government's part and the subsidy as recorded; a later subsidy no more than what the member kept paid).
   */
  private static Assessment asOrdered(Household.OrderItem ordered, Assessment current) {
    boolean recorded = ordered.coverageStart() != null && ordered.coverageEnd() != null;
    boolean dated = current != null && current.eligible();
    long refunded = Math.min(Math.max(0, ordered.refundedFen()), ordered.personalFen());
    long personal = ordered.personalFen() - refunded;
    return new Assessment(true, null, null, personal, ordered.governmentFen(), ordered.subsidyFen(),
        Math.min(ordered.laterSubsidyFen(), personal), ordered.totalFen() - refunded,
        recorded ? ordered.coverageStart() : dated ? current.coverageStart() : null,
        recorded ? ordered.coverageEnd() : dated ? current.coverageEnd() : null, ordered.rules());
  }

  /** Why an item has nothing to pay: no tier of the book is one the member may choose. */
  static final String NO_TIER = "本地的缴费档次都不适用于您，请到经办窗口咨询";

  /** One member and insurance assessed with the book (a paid item at the lowest tier, with no tier offered). */
  private static Item assessed(Household.Member m, Person p, Insurance ins, InsuranceTerms t, PolicyBook book,
      LocalDate payDate) {
    int year = t.benefitYear();
    Household.Hold hold = m.hold(ins.code(), year);
    AgencyNote note = m.agencyNote(ins.code(), year);
    if (note != null && (hold == null || !hold.paid())) {
      return new Item(m, ins, year, Status.NOT_ELIGIBLE, note.reason(ins.code(), year), null, List.of());
    }
    boolean paid = hold != null && hold.paid();
    List<TierOption> tiers = new ArrayList<>();
    Assessment a;
    try {
      if (ins == Insurance.PENSION || !t.tiersYuanFor(p, payDate).isEmpty()) {
        // by tier: pension's, or medical's where the book has tiers and the member's group chooses one
        AssessmentException refused = null;
        Assessment ineligible = null;
        for (int tier : t.tiersYuanFor(p, payDate)) {
          try {
            Assessment ta = PolicyEngine.assess(p, ins, book, payDate, tier, Set.of());
            if (ta.eligible()) {
              tiers.add(new TierOption(tier, ta));
              if (paid) {
                break; // no tier is offered to a paid item: it shows what its order recorded (see item)
              }
              continue;
            }
            // a tier the person may not take is not on offer
            ineligible = ineligible == null ? ta : ineligible;
            if (WHOEVER_THE_TIER.contains(ta.why().code())) {
              break; // who may enrol at all is decided before the tier: every other tier would say the same
            }
          } catch (AssessmentException e) {
            // a tier the book cannot decide (its subsidy not given) is left out; the others are still offered
            refused = refused == null ? e : refused;
            if (!TIER_REFUSALS.contains(e.reason().code())) {
              break; // refused whatever the tier (a closed window, a day without payments): the others would be too
            }
          }
        }
        a = tiers.isEmpty() ? ineligible : tiers.get(0).assessment();
        if (a == null && refused != null) {
          throw refused;
        }
        if (a == null) {
          // every tier the book has is for groups the member is not in: said to the resident in Chinese (the screens
          // show an item's reason where it has no code's text)
          return new Item(m, ins, year, Status.NOT_AVAILABLE, NO_TIER, null, List.of());
        }
      } else {
        a = PolicyEngine.assess(p, ins, book, payDate, null, Set.of());
      }
    } catch (AssessmentException e) {
      return new Item(m, ins, year, hold != null && hold.paid() ? Status.PAID : Status.NOT_AVAILABLE, e.getMessage(), null,
          List.of(), e.reason());
    }
    Status s;
    String reason = null;
    Reason why = null;
    if (hold != null && hold.paid()) {
      s = Status.PAID;
    } else if (!a.eligible()) {
      s = Status.NOT_ELIGIBLE;
      reason = a.reason();
      why = a.why();
    } else if (a.personalFen() == 0 && a.governmentFen() > 0) {
      s = Status.PAID_BY_GOVERNMENT;
    } else if (hold != null) {
      // held by an order still paying (or expiring: the channel closes it before the item is free)
      s = Status.IN_PROGRESS;
    } else {
      s = Status.UNPAID;
    }
    // tiers are what one may choose when paying: offered with an unpaid item, and with one the government pays at its
    // lowest tier (a higher tier costs the member the difference); never with a paid, held or refused one
    return new Item(m, ins, year, s, reason, a, s == Status.UNPAID || s == Status.PAID_BY_GOVERNMENT ? tiers : List.of(), why);
  }
}
