package cn.liangxian.policy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/** Reads a policy book and checks it for consistency; every problem names file, line and field. */
final class BookReader {
  private static final Pattern REGION_CODE = Pattern.compile("[1-8][0-9]{5}");
  private static final Pattern RULE_ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final Pattern ADD_ON_CODE = Pattern.compile("[A-Z][A-Z0-9_]*");

  private final String file;
  private String notice;

  BookReader(String file) {
    this.file = file;
  }

  PolicyBook read(String yaml) {
    Node root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      root = new Yaml(new SafeConstructor(options)).compose(new java.io.StringReader(yaml));
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
      throw new PolicyBookException(file, line, "", "not valid YAML: " + e.getProblem());
    } catch (YAMLException e) {
      throw new PolicyBookException(file, 1, "", "not valid YAML: " + e.getMessage());
    }
    if (root == null) {
      throw new PolicyBookException(file, 1, "", "the book is empty");
    }
    YamlNode book = new YamlNode(file, "", root)
        .allowOnly("id", "notice", "title", "regions", "medical", "pension");
    String id = book.field("id").string();
    notice = book.field("notice").string();
    if (!notice.matches("[0-9]{3}")) {
      throw book.field("notice").error("must be the three-digit notice number, e.g. \"000\"");
    }
    String title = book.field("title").string();
    List<Region> regions = new ArrayList<>();
    Set<String> codes = new HashSet<>();
    for (YamlNode r : book.field("regions").list()) {
      r.allowOnly("code", "name");
      String code = r.field("code").string();
      if (!REGION_CODE.matcher(code).matches()) {
        throw r.field("code").error("must be a six-digit GB/T 2260 region code, got '" + code + "'");
      }
      if (!codes.add(code)) {
        throw r.field("code").error("region " + code + " is listed twice");
      }
      regions.add(new Region(code, r.field("name").string()));
    }
    if (regions.isEmpty()) {
      throw book.field("regions").error("must list at least one region");
    }
    Map<Insurance, InsuranceTerms> terms = new EnumMap<>(Insurance.class);
    for (Insurance ins : Insurance.values()) {
      if (book.has(ins.code())) {
        terms.put(ins, insurance(ins, book.field(ins.code())));
      }
    }
    if (terms.isEmpty()) {
      throw book.error("states neither medical nor pension terms");
    }
    return new PolicyBook(id, file, notice, title, regions, terms);
  }

  private InsuranceTerms insurance(Insurance ins, YamlNode n) {
    boolean pension = ins == Insurance.PENSION;
    if (pension) {
      n.allowOnly("benefitYear", "source", "window", "ageReferenceDate", "eligibility", "tiers", "restrictedTiers",
          "subsidy", "treatments", "late", "wholeFamily");
    } else {
      n.allowOnly("benefitYear", "source", "window", "ageReferenceDate", "eligibility", "personal", "governmentShare",
          "fullFinancing",
          "treatments", "late", "newborn", "addOns", "wholeFamily");
    }
    InsuranceTerms.Builder b = new InsuranceTerms.Builder();
    b.insurance = ins;
    b.benefitYear = n.field("benefitYear").integer();
    if (b.benefitYear < 2000 || b.benefitYear > 2100) {
      throw n.field("benefitYear").error("not a plausible year: " + b.benefitYear);
    }
    b.source = source(n);

    YamlNode w = n.field("window").allowOnly("start", "end", "source");
    b.windowStart = w.field("start").date();
    b.windowEnd = w.field("end").date();
    b.windowSource = source(w);
    if (b.windowEnd.isBefore(b.windowStart)) {
      throw w.field("end").error("window ends (" + b.windowEnd + ") before it starts (" + b.windowStart + ")");
    }
    LocalDate yearEnd = LocalDate.of(b.benefitYear, 12, 31);
    if (b.windowEnd.isAfter(yearEnd)) {
      throw w.field("end").error("window ends after the benefit year " + b.benefitYear);
    }

    YamlNode ref = n.field("ageReferenceDate").allowOnly("date", "source", "note");
    b.ageReference = new Sourced<>(ref.field("date").date(), source(ref), note(ref));

    eligibility(n.field("eligibility"), b, pension);

    if (pension) {
      tiers(n, b);
    } else {
      YamlNode p = n.field("personal").allowOnly("yuan", "source", "note");
      b.personalFen = new Sourced<>(positiveFen(p.field("yuan")), source(p), note(p));
      YamlNode g = n.field("governmentShare").allowOnly("yuan", "notGiven", "source", "note");
      if (YamlNode.oneOf(g, "yuan", "notGiven").equals("yuan")) {
        b.governmentShareFen = new Sourced<>(positiveFen(g.field("yuan")), source(g), note(g));
      } else {
        b.governmentShareFen = new Sourced<>(null, source(g), g.field("notGiven").string());
      }
      if (n.has("fullFinancing")) {
        YamlNode f = n.field("fullFinancing").allowOnly("yuan", "source", "note");
        long full = positiveFen(f.field("yuan"));
        Long share = b.governmentShareFen.value();
        if (share != null && full != b.personalFen.value() + share) {
          throw f.field("yuan").error("full financing " + f.field("yuan").string() + " is not the personal amount plus"
              + " the government share (" + (b.personalFen.value() + share) / 100.0 + " yuan)");
        }
        if (full < b.personalFen.value()) {
          throw f.field("yuan").error("full financing amount is less than the personal amount");
        }
        b.fullFinancingFen = new Sourced<>(full, source(f), note(f));
      } else if (b.governmentShareFen.value() != null) {
        b.fullFinancingFen = new Sourced<>(b.personalFen.value() + b.governmentShareFen.value(),
            b.governmentShareFen.source(), "personal amount plus the government share");
      } else {
        b.fullFinancingFen = new Sourced<>(null, b.governmentShareFen.source(), b.governmentShareFen.note());
      }
    }

    b.treatments = treatments(n, ins, b);
    late(n, b, yearEnd);

    if (n.has("newborn")) {
      YamlNode nb = n.field("newborn").allowOnly("withinMonths", "source", "note");
      int months = nb.field("withinMonths").integer();
      if (months < 1 || months > 12) {
        throw nb.field("withinMonths").error("must be between 1 and 12 months");
      }
      b.newbornMonths = new Sourced<>(months, source(nb), note(nb));
    }

    if (n.has("addOns")) {
      Map<String, AddOn> addOns = new LinkedHashMap<>();
      for (YamlNode a : n.field("addOns").list()) {
        a.allowOnly("code", "name", "yuan", "source", "note");
        String code = a.field("code").string();
        if (!ADD_ON_CODE.matcher(code).matches()) {
          throw a.field("code").error("add-on codes are UPPER_SNAKE_CASE, got '" + code + "'");
        }
        if (addOns.put(code, new AddOn(code, a.field("name").string(), positiveFen(a.field("yuan")), source(a))) != null) {
          throw a.field("code").error("add-on " + code + " is listed twice");
        }
      }
      b.addOns = addOns;
    }

    if (n.has("wholeFamily")) {
      YamlNode wf = n.field("wholeFamily").allowOnly("required", "source", "note");
      b.wholeFamily = new Sourced<>(wf.field("required").bool(), source(wf), note(wf));
    }
    return new InsuranceTerms(b);
  }

  private void eligibility(YamlNode e, InsuranceTerms.Builder b, boolean pension) {
    e.allowOnly("minAge", "excluded", "localOnly", "nonLocal", "enrolledElsewhere");
    if (e.has("minAge")) {
      YamlNode m = e.field("minAge").allowOnly("years", "source", "note");
      int years = m.field("years").integer();
      if (years < 0 || years > 120) {
        throw m.field("years").error("not a plausible age: " + years);
      }
      b.minAge = new Sourced<>(years, source(m), note(m));
    }
    if (e.has("excluded")) {
      YamlNode x = e.field("excluded").allowOnly("categories", "source", "note");
      b.excluded = new Sourced<>(x.field("categories").categories(), source(x), note(x));
    }
    if (e.has("localOnly") == e.has("nonLocal")) {
      throw e.error("state exactly one of 'localOnly' (only registered residents) or 'nonLocal' (who else may enrol)");
    }
    if (e.has("localOnly")) {
      YamlNode l = e.field("localOnly").allowOnly("source", "note");
      b.localOnlySource = source(l);
    } else {
      YamlNode nl = e.field("nonLocal").allowOnly("reductions", "source", "note");
      b.nonLocalReductions = new Sourced<>(nl.field("reductions").bool(), source(nl), note(nl));
    }
    YamlNode el = e.field("enrolledElsewhere").allowOnly("source", "note");
    b.enrolledElsewhereSource = source(el);
    if (pension && b.minAge == null) {
      throw e.error("pension eligibility needs 'minAge'");
    }
  }

  private void tiers(YamlNode n, InsuranceTerms.Builder b) {
    YamlNode t = n.field("tiers").allowOnly("yuan", "source", "note");
    b.tiersSource = source(t);
    TreeSet<Long> tiers = new TreeSet<>();
    for (YamlNode y : t.field("yuan").list()) {
      long fen = positiveFen(y);
      if (!tiers.add(fen)) {
        throw y.error("tier " + y.string() + " is listed twice");
      }
    }
    if (tiers.isEmpty()) {
      throw t.field("yuan").error("must list at least one tier");
    }
    b.tiersFen = List.copyOf(tiers);

    Map<Long, Sourced<Set<Category>>> restricted = new HashMap<>();
    if (n.has("restrictedTiers")) {
      for (YamlNode r : n.field("restrictedTiers").list()) {
        r.allowOnly("tier", "onlyFor", "source", "note");
        long tier = positiveFen(r.field("tier"));
        if (!tiers.contains(tier)) {
          throw r.field("tier").error("tier " + r.field("tier").string() + " is not among the tiers offered");
        }
        if (restricted.put(tier, new Sourced<>(r.field("onlyFor").categories(), source(r), note(r))) != null) {
          throw r.field("tier").error("tier " + r.field("tier").string() + " is restricted twice");
        }
      }
    }
    b.restrictedTiers = restricted;

    YamlNode s = n.field("subsidy").allowOnly("byTier", "source", "note");
    String subsidySource = source(s);
    Map<Long, Sourced<Long>> subsidy = new HashMap<>();
    for (YamlNode row : s.field("byTier").list()) {
      row.allowOnly("tier", "yuan", "note", "source");
      long tier = positiveFen(row.field("tier"));
      if (!tiers.contains(tier)) {
        throw row.field("tier").error("subsidy for tier " + row.field("tier").string() + ", which is not offered");
      }
      long fen = row.field("yuan").yuanAsFen();
      if (fen > tier) {
        throw row.field("yuan").error("subsidy is larger than the tier itself");
      }
      String src = row.has("source") ? source(row) : subsidySource;
      if (subsidy.put(tier, new Sourced<>(fen, src, note(row))) != null) {
        throw row.field("tier").error("tier " + row.field("tier").string() + " has two subsidy amounts");
      }
    }
    for (long tier : tiers) {
      if (!subsidy.containsKey(tier)) {
        throw s.field("byTier").error("no subsidy configured for tier " + tier / 100
            + " (if the notice gives none, configure it with a note saying so)");
      }
    }
    b.subsidyByTierFen = subsidy;
  }

  private List<Treatment> treatments(YamlNode n, Insurance ins, InsuranceTerms.Builder b) {
    List<Treatment> out = new ArrayList<>();
    if (!n.has("treatments")) {
      return out;
    }
    Set<String> ids = new HashSet<>();
    String[] kinds = ins == Insurance.PENSION
        ? new String[] {"governmentYuan", "extraSubsidyYuan"}
        : new String[] {"exempt", "governmentPercent", "governmentYuan", "laterSubsidyPercent"};
    Map<Treatment, YamlNode> ageBands = new LinkedHashMap<>();
    for (YamlNode t : n.field("treatments").list()) {
      t.allowOnly("id", "categories", "unless", "minAge", "maxAge", "ageOf", "exempt", "governmentPercent",
          "governmentYuan", "extraSubsidyYuan", "laterSubsidyPercent", "stacks", "source", "note");
      String id = ruleId(t.field("id"));
      if (!ids.add(id)) {
        throw t.field("id").error("rule id '" + id + "' is used twice");
      }
      Set<Category> cats = t.has("categories") ? t.field("categories").categories() : Set.of();
      Set<Category> unless = t.has("unless") ? t.field("unless").categories() : Set.of();
      Integer min = t.has("minAge") ? age(t.field("minAge")) : null;
      Integer max = t.has("maxAge") ? age(t.field("maxAge")) : null;
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
      Treatment.AgeOf ageOf = Treatment.AgeOf.SELF;
      if (t.has("ageOf")) {
        String v = t.field("ageOf").string();
        ageOf = switch (v) {
          case "self" -> Treatment.AgeOf.SELF;
          case "wife" -> Treatment.AgeOf.WIFE;
          default -> throw t.field("ageOf").error("must be 'self' or 'wife', got '" + v + "'");
        };
        if (min == null && max == null) {
          throw t.field("ageOf").error("'ageOf' needs an age band");
        }
      }
      String kindKey = YamlNode.oneOf(t, kinds);
      YamlNode kv = t.field(kindKey);
      Treatment.Kind kind;
      long value;
      switch (kindKey) {
        case "exempt" -> {
          if (!kv.bool()) {
            throw kv.error("write 'exempt: true' or leave the treatment out");
          }
          kind = Treatment.Kind.EXEMPT;
          value = 100;
        }
        case "governmentPercent" -> {
          kind = Treatment.Kind.GOVERNMENT_PERCENT;
          value = percent(kv);
        }
        case "laterSubsidyPercent" -> {
          kind = Treatment.Kind.LATER_SUBSIDY_PERCENT;
          value = percent(kv);
        }
        case "governmentYuan" -> {
          kind = Treatment.Kind.GOVERNMENT_FEN;
          value = positiveFen(kv);
          long ceiling = ins == Insurance.PENSION ? b.tiersFen.get(b.tiersFen.size() - 1) : b.personalFen.value();
          if (value > ceiling) {
            throw kv.error("the government part is larger than the amount it pays towards");
          }
        }
        case "extraSubsidyYuan" -> {
          kind = Treatment.Kind.EXTRA_SUBSIDY_FEN;
          value = positiveFen(kv);
        }
        default -> throw new IllegalStateException(kindKey);
      }
      boolean stacks = false;
      if (t.has("stacks")) {
        if (kind != Treatment.Kind.EXTRA_SUBSIDY_FEN) {
          throw t.field("stacks").error("only an extra subsidy may stack; reductions never do");
        }
        stacks = t.field("stacks").bool();
      }
      Treatment tr = new Treatment(id, cats, unless, min, max, ageOf, kind, value, stacks, source(t));
      if (tr.ageOnly()) {
        for (Map.Entry<Treatment, YamlNode> e : ageBands.entrySet()) {
          Treatment other = e.getKey();
          if (other.ageOf() == tr.ageOf() && overlaps(other, tr)) {
            throw t.error("age band " + band(tr) + " overlaps rule '" + other.id() + "' (" + band(other)
                + ", line " + e.getValue().line() + ")");
          }
        }
        ageBands.put(tr, t);
      }
      out.add(tr);
    }
    return out;
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

  private void late(YamlNode n, InsuranceTerms.Builder b, LocalDate yearEnd) {
    YamlNode l = n.field("late");
    if (l.isMapping()) {
      l.allowOnly("refuse", "source");
      b.lateRefused = new Sourced<>(null, source(l), l.field("refuse").string());
      return;
    }
    List<LatePhase> phases = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    LocalDate expected = b.windowEnd.plusDays(1);
    for (YamlNode p : l.list()) {
      p.allowOnly("id", "from", "amount", "reductions", "subsidies", "waitingDays", "governmentPaidFullYear",
          "source", "note");
      String id = ruleId(p.field("id"));
      if (!ids.add(id)) {
        throw p.field("id").error("rule id '" + id + "' is used twice");
      }
      LocalDate from = p.field("from").date();
      if (phases.isEmpty() && !from.equals(expected)) {
        throw p.field("from").error("the first late phase must start the day after the window ends ("
            + expected + "), so that no pay date is left without a rule");
      }
      if (!phases.isEmpty() && !from.isAfter(phases.get(phases.size() - 1).from())) {
        throw p.field("from").error("late phases must be in date order and must not overlap");
      }
      if (from.isAfter(yearEnd)) {
        throw p.field("from").error("starts after the benefit year ends");
      }
      String amount = p.field("amount").string();
      boolean full;
      switch (amount) {
        case "personal" -> full = false;
        case "full" -> {
          if (b.insurance == Insurance.PENSION) {
            throw p.field("amount").error("pension has no full financing amount; use 'personal'");
          }
          full = true;
        }
        default -> throw p.field("amount").error("must be 'personal' or 'full', got '" + amount + "'");
      }
      int waiting = p.field("waitingDays").nonNegativeInteger();
      boolean subsidies = true;
      if (p.has("subsidies")) {
        if (b.insurance != Insurance.PENSION) {
          throw p.field("subsidies").error("only pension has contribution subsidies");
        }
        subsidies = p.field("subsidies").bool();
      }
      boolean govFullYear = p.has("governmentPaidFullYear") && p.field("governmentPaidFullYear").bool();
      phases.add(new LatePhase(id, from, full, p.field("reductions").bool(), subsidies, waiting, govFullYear, source(p)));
    }
    if (phases.isEmpty()) {
      throw l.error("give the late phases, or 'refuse' with a note when the notice says nothing");
    }
    b.late = phases;
  }

  private String source(YamlNode n) {
    YamlNode s = n.field("source");
    String v = s.string();
    if (!v.startsWith(notice + " ") || v.length() <= notice.length() + 1) {
      throw s.error("a source cites this book's notice and its clause, e.g. '" + notice + " 三(二)2', got '" + v + "'");
    }
    return v;
  }

  private static String note(YamlNode n) {
    return n.has("note") ? n.field("note").string() : null;
  }

  private static String ruleId(YamlNode n) {
    String id = n.string();
    if (!RULE_ID.matcher(id).matches()) {
      throw n.error("rule ids are lower-case-with-dashes, got '" + id + "'");
    }
    return id;
  }

  private static long positiveFen(YamlNode n) {
    long fen = n.yuanAsFen();
    if (fen == 0) {
      throw n.error("must be more than zero");
    }
    return fen;
  }

  private static int percent(YamlNode n) {
    int p = n.integer();
    if (p < 1 || p > 100) {
      throw n.error("a percentage between 1 and 100, got " + p);
    }
    return p;
  }

  private static int age(YamlNode n) {
    int a = n.integer();
    if (a < 0 || a > 120) {
      throw n.error("not a plausible age: " + a);
    }
    return a;
  }
}
