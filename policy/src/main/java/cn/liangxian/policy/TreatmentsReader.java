package cn.liangxian.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a section's treatments: who each is for (categories and/or an age band), what it does, and
 * that no two age bands looking at the same person overlap.
 */
final class TreatmentsReader {
  private static final String[] PENSION_KINDS = {"governmentYuan", "extraSubsidyYuan"};
  private static final String[] MEDICAL_KINDS = {"exempt", "governmentPercent", "governmentYuan", "laterSubsidyPercent",
      "personalYuan"};

  private final NoticeSources sources;

  /** What a treatment does: its kind and the value the kind reads (percent or fen). */
  private record Measure(Treatment.Kind kind, long value, String notGiven) {
    Measure(Treatment.Kind kind, long value) {
      this(kind, value, null);
    }
  }

  TreatmentsReader(NoticeSources sources) {
    this.sources = sources;
  }

  List<Treatment> read(YamlNode n, InsuranceTerms.Builder b) {
    List<Treatment> out = new ArrayList<>();
    if (!n.has("treatments")) {
      return out;
    }
    Set<String> ids = new HashSet<>();
    Map<Treatment, YamlNode> ageBands = new LinkedHashMap<>();
    for (YamlNode t : n.field("treatments").list()) {
      Treatment tr = treatment(t, b, ids);
      if (tr.ageOnly()) {
        checkNoOverlap(t, tr, ageBands);
        ageBands.put(tr, t);
      }
      out.add(tr);
    }
    return out;
  }

  private Treatment treatment(YamlNode t, InsuranceTerms.Builder b, Set<String> ids) {
    t.allowOnly("id", "categories", "unless", "minAge", "maxAge", "ageOf", "exempt", "governmentPercent",
        "governmentYuan", "extraSubsidyYuan", "laterSubsidyPercent", "personalYuan", "stacks", "windowOnly", "certifiedBy",
        "alsoIn", "source", "note");
    String id = t.field("id").ruleId();
    if (!ids.add(id)) {
      throw t.field("id").error("rule id '" + id + "' is used twice");
    }
    Set<Category> cats = t.has("categories") ? t.field("categories").categories(b.categories) : Set.of();
    Set<Category> unless = t.has("unless") ? t.field("unless").categories(b.categories) : Set.of();
    Integer min = t.has("minAge") ? t.field("minAge").age() : null;
    Integer max = t.has("maxAge") ? t.field("maxAge").age() : null;
    if (cats.isEmpty() && min == null && max == null) {
      throw t.error("a treatment needs 'categories' or an age band ('minAge'/'maxAge')");
    }
    if (min != null && max != null && min > max) {
      throw t.field("maxAge").error("maxAge " + max + " is below minAge " + min);
    }
    for (Category c : unless) {
      if (cats.contains(c)) {
        throw t.field("unless").error(c + " is both in 'categories' and 'unless'");
      }
    }
    // in two categories at once ("低保边缘家庭人口中的重度残疾人"): the person is in one of 'categories' and one of these
    Set<Category> alsoIn = t.has("alsoIn") ? t.field("alsoIn").categories(b.categories) : Set.of();
    if (!alsoIn.isEmpty() && cats.isEmpty()) {
      throw t.field("alsoIn").error("'alsoIn' needs 'categories': it narrows them to those also in these");
    }
    for (Category c : alsoIn) {
      if (cats.contains(c) || unless.contains(c)) {
        throw t.field("alsoIn").error(c + " is also in 'categories' or 'unless'");
      }
    }
    Treatment.AgeOf ageOf = ageOf(t, min != null || max != null);
    Measure m = measure(t, b);
    boolean stacks = stacks(t, m.kind());
    boolean windowOnly = t.has("windowOnly") && t.field("windowOnly").bool();
    java.time.LocalDate certifiedBy = t.has("certifiedBy") ? t.field("certifiedBy").date() : null;
    if (certifiedBy != null && cats.isEmpty()) {
      throw t.field("certifiedBy").error("'certifiedBy' needs 'categories': it says by when they were certified");
    }
    if (certifiedBy != null && certifiedBy.getYear() > b.benefitYear) {
      // a mistyped year: everyone certified would count, whenever certified
      throw t.field("certifiedBy").error("certified by " + certifiedBy + ", after the benefit year " + b.benefitYear);
    }
    return new Treatment(id, cats, unless, min, max, ageOf, m.kind(), m.value(), stacks, windowOnly, m.notGiven(),
        certifiedBy, alsoIn, sources.of(t));
  }

  private static Treatment.AgeOf ageOf(YamlNode t, boolean hasBand) {
    if (!t.has("ageOf")) {
      return Treatment.AgeOf.SELF;
    }
    String v = t.field("ageOf").string();
    Treatment.AgeOf ageOf = switch (v) {
      case "self" -> Treatment.AgeOf.SELF;
      case "wife" -> Treatment.AgeOf.WIFE;
      default -> throw t.field("ageOf").error("must be 'self' or 'wife', got '" + v + "'");
    };
    if (!hasBand) {
      throw t.field("ageOf").error("'ageOf' needs an age band");
    }
    return ageOf;
  }

  /**
   * Pension treatments pay towards a tier or add a subsidy; medical ones also exempt, give back later or leave the person
   * a fixed part of the amount.
   */
  private static Measure measure(YamlNode t, InsuranceTerms.Builder b) {
    boolean pension = b.insurance == Insurance.PENSION;
    String kindKey = YamlNode.oneOf(t, pension ? PENSION_KINDS : MEDICAL_KINDS);
    YamlNode kv = t.field(kindKey);
    return switch (kindKey) {
      case "exempt" -> {
        if (!kv.bool()) {
          throw kv.error("write 'exempt: true' or leave the treatment out");
        }
        yield new Measure(Treatment.Kind.EXEMPT, 100);
      }
      case "governmentPercent" -> new Measure(Treatment.Kind.GOVERNMENT_PERCENT, kv.percent());
      case "laterSubsidyPercent" -> new Measure(Treatment.Kind.LATER_SUBSIDY_PERCENT, kv.percent());
      case "governmentYuan" -> {
        if (kv.notGiven()) {
          yield new Measure(Treatment.Kind.GOVERNMENT_FEN, 0, kv.notGivenWhy());
        }
        long value = kv.positiveFen();
        long ceiling = pension ? b.tiersFen.get(b.tiersFen.size() - 1) : b.personalFen.value();
        if (value > ceiling) {
          throw kv.error("the government part is larger than the amount it pays towards");
        }
        yield new Measure(Treatment.Kind.GOVERNMENT_FEN, value);
      }
      case "extraSubsidyYuan" -> new Measure(Treatment.Kind.EXTRA_SUBSIDY_FEN, kv.positiveFen());
      case "personalYuan" -> {
        // what the person still pays ("个人缴费70元，差额由医疗救助资助"); 0 would be 'exempt'
        long value = kv.positiveFen();
        if (!b.tiersFen.isEmpty()) {
          throw kv.error("with medical tiers the notice must say which tier the person's part is of: give the"
              + " government's part ('governmentYuan') instead");
        }
        long amount = b.personalFen.value();
        if (value >= amount) {
          throw kv.error("the person would pay no less than the amount itself (" + BookTables.yuan(amount) + "): leave the"
              + " treatment out");
        }
        yield new Measure(Treatment.Kind.PERSONAL_FEN, value);
      }
      default -> throw new IllegalStateException(kindKey);
    };
  }

  private static boolean stacks(YamlNode t, Treatment.Kind kind) {
    if (!t.has("stacks")) {
      return false;
    }
    if (kind != Treatment.Kind.EXTRA_SUBSIDY_FEN) {
      throw t.field("stacks").error("only an extra subsidy may stack; reductions never do");
    }
    return t.field("stacks").bool();
  }

  private static void checkNoOverlap(YamlNode t, Treatment tr, Map<Treatment, YamlNode> ageBands) {
    for (Map.Entry<Treatment, YamlNode> e : ageBands.entrySet()) {
      Treatment other = e.getKey();
      if (other.ageOf() == tr.ageOf() && overlaps(other, tr)) {
        throw t.error("age band " + band(tr) + " overlaps rule '" + other.id() + "' (" + band(other)
            + ", line " + e.getValue().line() + ")");
      }
    }
  }

  private static boolean overlaps(Treatment a, Treatment b) {
    int aMin = a.minAge() == null ? 0 : a.minAge();
    int aMax = a.maxAge() == null ? Integer.MAX_VALUE : a.maxAge();
    int bMin = b.minAge() == null ? 0 : b.minAge();
    int bMax = b.maxAge() == null ? Integer.MAX_VALUE : b.maxAge();
    return aMin <= bMax && bMin <= aMax;
  }

  private static String band(Treatment t) {
    return (t.minAge() == null ? "" : t.minAge()) + ".." + (t.maxAge() == null ? "" : t.maxAge());
  }
}
