package cn.liangxian.policy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads what a section says of payments after the window: phases that follow each other from the day
 * after the window ends, or a refusal with a note when the notice says nothing.
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
    Set<String> ids = new HashSet<>();
    for (YamlNode p : l.list()) {
      phases.add(phase(p, b, phases, ids));
    }
    if (phases.isEmpty()) {
      throw l.error("give the late phases, or 'refuse' with a note when the notice says nothing");
    }
    b.late = phases;
  }

  private LatePhase phase(YamlNode p, InsuranceTerms.Builder b, List<LatePhase> before, Set<String> ids) {
    p.allowOnly("id", "from", "amount", "reductions", "subsidies", "waitingDays", "governmentPaidFullYear",
        "source", "note");
    String id = p.field("id").ruleId();
    if (!ids.add(id)) {
      throw p.field("id").error("rule id '" + id + "' is used twice");
    }
    LocalDate from = from(p.field("from"), b, before);
    boolean full = fullFinancing(p.field("amount"), b.insurance);
    int waiting = p.field("waitingDays").nonNegativeInteger();
    boolean subsidies = true;
    if (p.has("subsidies")) {
      if (b.insurance != Insurance.PENSION) {
        throw p.field("subsidies").error("only pension has contribution subsidies");
      }
      subsidies = p.field("subsidies").bool();
    }
    boolean govFullYear = p.has("governmentPaidFullYear") && p.field("governmentPaidFullYear").bool();
    return new LatePhase(id, from, full, p.field("reductions").bool(), subsidies, waiting, govFullYear,
        sources.of(p));
  }

  /** Phases follow each other without a gap from the window's end, so no pay date is left without a rule. */
  private static LocalDate from(YamlNode f, InsuranceTerms.Builder b, List<LatePhase> before) {
    LocalDate from = f.date();
    LocalDate expected = b.windowEnd.plusDays(1);
    if (before.isEmpty() && !from.equals(expected)) {
      throw f.error("the first late phase must start the day after the window ends ("
          + expected + "), so that no pay date is left without a rule");
    }
    if (!before.isEmpty() && !from.isAfter(before.get(before.size() - 1).from())) {
      throw f.error("late phases must be in date order and must not overlap");
    }
    if (from.isAfter(LocalDate.of(b.benefitYear, 12, 31))) {
      throw f.error("starts after the benefit year ends");
    }
    return from;
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
