package cn.liangxian.policy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads what a section says of payments after the window: phases for everyone that follow each other
 * from the day after the window ends (the last may end early, after which payments are refused),
 * extensions for one group with their own end date and coverage rule, or a refusal with a note when the
 * notice says nothing.
 */
final class LatePhasesReader {
  private final NoticeSources sources;

  LatePhasesReader(NoticeSources sources) {
    this.sources = sources;
  }

  void read(YamlNode l, InsuranceTerms.Builder b) {
    if (l.isMapping()) {
      l.allowOnly("refuse", "source");
      b.lateRefused = new Sourced<>(null, sources.of(l), l.field("refuse").string());
      return;
    }
    List<LatePhase> phases = new ArrayList<>();
    List<LatePhase> general = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    List<YamlNode> nodes = l.list();
    for (YamlNode p : nodes) {
      LatePhase phase = phase(p, b, general, ids);
      phases.add(phase);
      if (phase.group() == null) {
        general.add(phase);
      }
    }
    // a group's extension taken on a day a back-payment at tiers of its own runs would leave that group's members at the
    // year's tiers and subsidies while the lookup offered the back-payment's: the notice is to say which holds
    for (int i = 0; i < phases.size(); i++) {
      LatePhase back = phases.get(i);
      if (back.backPayment() && !back.tiersFen().isEmpty()) {
        for (LatePhase ext : phases) {
          if (ext.group() != null && !ext.from().isAfter(back.until())
              && (ext.until() == null || !ext.until().isBefore(back.from()))) {
            throw nodes.get(i).field("tiers").error("a back-payment at tiers of its own overlaps the extension '" + ext.id()
                + "' for " + ext.group().name() + ": which tiers hold for them is not said");
          }
        }
      }
    }
    // two extensions for one group on one day: which of their amounts and covers holds is not said (the last was taken).
    // One without an end is followed by the next, as the phases for everyone are: listed in the order they start
    for (int i = 0; i < phases.size(); i++) {
      LatePhase later = phases.get(i);
      for (int j = 0; j < i; j++) {
        LatePhase earlier = phases.get(j);
        if (later.group() == null || earlier.group() != later.group()) {
          continue;
        }
        if (!later.from().isAfter(earlier.from())) {
          throw nodes.get(i).field("from").error("the extension '" + later.id() + "' for " + later.group().name()
              + " does not start after its extension '" + earlier.id() + "' above: list a group's extensions in the order"
              + " they start");
        }
        if (earlier.until() != null && !later.from().isAfter(earlier.until())) {
          throw nodes.get(i).field("from").error("the extension '" + later.id() + "' for " + later.group().name()
              + " overlaps its extension '" + earlier.id() + "', which runs until " + earlier.until()
              + ": give each its own days");
        }
      }
    }
    if (phases.isEmpty()) {
      throw l.error("give the late phases, or 'refuse' with a note when the notice says nothing");
    }
    b.late = phases;
  }

  private LatePhase phase(YamlNode p, InsuranceTerms.Builder b, List<LatePhase> before, Set<String> ids) {
    p.allowOnly("id", "from", "until", "group", "amount", "reductions", "reducedFrom", "subsidies", "waitingDays", "coverage",
        "governmentPaidFullYear", "backPayment", "tiers", "source");
    String id = p.field("id").ruleId();
    if (!ids.add(id)) {
      throw p.field("id").error("rule id '" + id + "' is used twice");
    }
    boolean back = backPayment(p, b);
    Group group = p.has("group") ? GroupsReader.named(p.field("group"), b.groups) : null;
    LocalDate from = group == null ? from(p.field("from"), b, before, back) : extensionFrom(p.field("from"), b, back);
    LocalDate until = p.has("until") ? until(p.field("until"), from, b, back) : null;
    boolean full = fullFinancing(p.field("amount"), b.insurance);
    LatePhase.Coverage coverage = coverage(p, b.insurance);
    if (coverage.kind() == LatePhase.Coverage.Kind.FROM_DATE && coverage.date().getYear() != b.benefitYear) {
      // cover of the benefit year starts in it: another year is a mistyped one
      throw p.field("coverage").field("from").error("cover from " + coverage.date() + ", outside the benefit year " + b.benefitYear);
    }
    boolean subsidies = true;
    if (p.has("subsidies")) {
      if (b.insurance != Insurance.PENSION) {
        throw p.field("subsidies").error("only pension has contribution subsidies");
      }
      subsidies = p.field("subsidies").bool();
    }
    boolean govFullYear = p.has("governmentPaidFullYear") && p.field("governmentPaidFullYear").bool();
    List<Long> tiers = List.of();
    if (p.has("tiers")) {
      // a back-payment at other tiers than the year's (the current year's: "应缴未缴年度可选择当年的任一缴费档次进行补缴")
      if (!back) {
        throw p.field("tiers").error("only a back-payment ('backPayment: true') has tiers of its own");
      }
      if (subsidies) {
        throw p.field("tiers").error("the year's subsidies are by its own tiers: a back-payment at other tiers gives none"
            + " ('subsidies: false')");
      }
      tiers = List.copyOf(PensionTiersReader.tiers(p.field("tiers").allowOnly("yuan", "ranges", "note")));
    }
    boolean reductions = p.field("reductions").bool();
    boolean reducedFromFull = false;
    if (p.has("reducedFrom")) {
      // what a reduction is of in a phase that owes the full amount: the personal rate (as in the window) or the full amount
      YamlNode r = p.field("reducedFrom");
      if (!full || !reductions) {
        throw r.error("only a phase with 'amount: full' and 'reductions: true' says what its reductions are of");
      }
      reducedFromFull = switch (r.string()) {
        case "personal" -> false;
        case "full" -> true;
        default -> throw r.error("must be 'personal' or 'full', got '" + r.string() + "'");
      };
    }
    return new LatePhase(id, from, until, group, full, reductions, reducedFromFull, subsidies, coverage, govFullYear, back,
        tiers, sources.of(p));
  }

  /**
   * A pension back-payment (补缴, "可补缴未缴费年度…不享受政府补贴") may run past the benefit year, to its own end; it buys
   * the contribution year, so it takes no waiting time.
   */
  private static boolean backPayment(YamlNode p, InsuranceTerms.Builder b) {
    if (!p.has("backPayment") || !p.field("backPayment").bool()) {
      return false;
    }
    if (b.insurance != Insurance.PENSION) {
      throw p.field("backPayment").error("only pension years are paid back; medical cover cannot start in the past");
    }
    if (!p.has("until")) {
      throw p.error("a back-payment needs its last day ('until')");
    }
    if (p.has("group")) {
      throw p.field("group").error("a back-payment is for everyone who did not pay the year: leave 'group' out");
    }
    if (!p.has("waitingDays") || p.field("waitingDays").notGiven() || p.field("waitingDays").nonNegativeInteger() != 0) {
      throw p.error("a back-payment buys the contribution year: write 'waitingDays: 0'");
    }
    return true;
  }

  /** Phases for everyone follow each other without a gap from the window's end. */
  private static LocalDate from(YamlNode f, InsuranceTerms.Builder b, List<LatePhase> before, boolean back) {
    LocalDate from = f.date();
    LocalDate expected = b.windowEnd.plusDays(1);
    if (before.isEmpty() && !from.equals(expected)) {
      throw f.error("the first late phase must start the day after the window ends ("
          + expected + "), so that no pay date is left without a rule");
    }
    if (!before.isEmpty()) {
      LatePhase last = before.get(before.size() - 1);
      if (!from.isAfter(last.from())) {
        throw f.error("late phases must be in date order and must not overlap");
      }
      if (last.until() != null) {
        throw f.error("phase '" + last.id() + "' ends on " + last.until() + ", so no phase for everyone may follow it");
      }
    }
    return back ? from : checkInYear(f, from, b);
  }

  /** An extension for one group starts after the window, whenever the notice says. */
  private static LocalDate extensionFrom(YamlNode f, InsuranceTerms.Builder b, boolean back) {
    LocalDate from = f.date();
    if (!from.isAfter(b.windowEnd)) {
      throw f.error("an extension starts after the window ends (" + b.windowEnd + ")");
    }
    return back ? from : checkInYear(f, from, b);
  }

  private static LocalDate until(YamlNode u, LocalDate from, InsuranceTerms.Builder b, boolean back) {
    LocalDate until = u.date();
    if (until.isBefore(from)) {
      throw u.error("ends (" + until + ") before it starts (" + from + ")");
    }
    if (back && until.isAfter(LocalDate.of(b.benefitYear + 30, 12, 31))) {
      throw u.error("a back-payment of " + b.benefitYear + " ending after " + (b.benefitYear + 30) + " is not plausible");
    }
    return back ? until : checkInYear(u, until, b);
  }

  private static LocalDate checkInYear(YamlNode f, LocalDate d, InsuranceTerms.Builder b) {
    if (d.isAfter(LocalDate.of(b.benefitYear, 12, 31))) {
      throw f.error("is after the benefit year ends");
    }
    return d;
  }

  /**
   * Exactly one of {@code waitingDays} (cover that many days after payment) or {@code coverage}: a late phase's, or a
   * newborn's later rule's.
   */
  static LatePhase.Coverage coverage(YamlNode p, Insurance insurance) {
    String key = YamlNode.oneOf(p, "waitingDays", "coverage");
    if (key.equals("waitingDays")) {
      YamlNode w = p.field("waitingDays");
      if (w.notGiven()) {
        if (insurance == Insurance.PENSION) {
          throw w.error("pension buys a contribution year, not cover: write 'waitingDays: 0'");
        }
        return new LatePhase.Coverage(LatePhase.Coverage.Kind.NOT_GIVEN, 0, null, w.notGivenWhy());
      }
      return LatePhase.Coverage.afterDays(w.nonNegativeInteger());
    }
    YamlNode c = p.field("coverage");
    if (insurance == Insurance.PENSION) {
      throw c.error("pension buys a contribution year, not cover: use 'waitingDays'");
    }
    String kind = YamlNode.oneOf(c.allowOnly("afterDays", "afterMonths", "from", "nextMonth"), "afterDays", "afterMonths", "from",
        "nextMonth");
    return switch (kind) {
      case "afterDays" -> LatePhase.Coverage.afterDays(c.field("afterDays").nonNegativeInteger());
      case "afterMonths" -> {
        int months = c.field("afterMonths").nonNegativeInteger();
        if (months == 0 || months > 12) {
          throw c.field("afterMonths").error("a waiting time of 1-12 months; for cover from the day of payment write 'waitingDays: 0'");
        }
        yield new LatePhase.Coverage(LatePhase.Coverage.Kind.AFTER_MONTHS, months, null, null);
      }
      case "from" -> new LatePhase.Coverage(LatePhase.Coverage.Kind.FROM_DATE, 0, c.field("from").date(), null);
      default -> {
        if (!c.field("nextMonth").bool()) {
          throw c.field("nextMonth").error("write 'nextMonth: true' or choose another rule");
        }
        yield new LatePhase.Coverage(LatePhase.Coverage.Kind.NEXT_MONTH, 0, null, null);
      }
    };
  }

  /** Whether the phase charges the full financing amount, which only medical has. */
  private static boolean fullFinancing(YamlNode a, Insurance insurance) {
    String amount = a.string();
    return switch (amount) {
      case "personal" -> false;
      case "full" -> {
        if (insurance == Insurance.PENSION) {
          throw a.error("pension has no full financing amount; use 'personal'");
        }
        yield true;
      }
      default -> throw a.error("must be 'personal' or 'full', got '" + amount + "'");
    };
  }
}
