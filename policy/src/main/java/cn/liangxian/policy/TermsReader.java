package cn.liangxian.policy;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads one insurance section of a book (medical or pension) into its terms, section by section. */
final class TermsReader {
  private static final Pattern ADD_ON_CODE = Pattern.compile("[A-Z][A-Z0-9_]*");

  private final NoticeSources sources;
  private final PensionTiersReader tiers;
  private final TreatmentsReader treatments;
  private final LatePhasesReader late;
  private final Categories categories;
  private final GroupsReader groups;

  TermsReader(NoticeSources sources, Categories categories) {
    this.sources = sources;
    this.categories = categories;
    this.tiers = new PensionTiersReader(sources);
    this.treatments = new TreatmentsReader(sources);
    this.late = new LatePhasesReader(sources);
    this.groups = new GroupsReader(sources);
  }

  InsuranceTerms read(Insurance ins, YamlNode n) {
    boolean pension = ins == Insurance.PENSION;
    if (pension) {
      n.allowOnly("benefitYear", "source", "window", "ageReferenceDate", "eligibility", "tiers", "restrictedTiers",
          "subsidy", "treatments", "late", "wholeFamily", "groups", "payingDays");
    } else {
      n.allowOnly("benefitYear", "source", "window", "ageReferenceDate", "eligibility", "personal", "governmentShare",
          "fullFinancing", "tiers",
          "treatments", "late", "newborn", "continuity", "addOns", "wholeFamily", "groups", "payingDays");
    }
    InsuranceTerms.Builder b = new InsuranceTerms.Builder();
    b.categories = categories;
    b.insurance = ins;
    b.benefitYear = n.field("benefitYear").integer();
    if (b.benefitYear < 2000 || b.benefitYear > 2100) {
      throw n.field("benefitYear").error("not a plausible year: " + b.benefitYear);
    }
    b.source = sources.of(n);
    window(n.field("window"), b);
    YamlNode ref = n.field("ageReferenceDate").allowOnly("date", "source", "note");
    b.ageReference = sources.sourced(ref.field("date").date(), ref);
    if (!withinBenefitYearOrTheOneBefore(b.ageReference.value(), b.benefitYear)) {
      // a slip of the year counts every resident older or younger by years: exempt as 70+, or refused as under 16
      throw ref.field("date").error("ages are counted on " + b.ageReference.value() + ", neither in the benefit year "
          + b.benefitYear + " nor in the year before it");
    }
    eligibility(n.field("eligibility"), b, pension);
    b.groups = groups.groups(n, b);
    if (n.field("window").has("earlier")) {
      b.earlyStarts = earlyStarts(n.field("window").field("earlier"), b);
    }
    if (n.has("payingDays")) {
      b.payingDays = groups.payingDays(n, b);
    }
    if (pension) {
      tiers.read(n, b);
    } else {
      medicalAmounts(n, b);
      if (n.has("tiers")) {
        medicalTiers(n.field("tiers"), b);
      }
    }
    b.treatments = treatments.read(n, b);
    late.read(n.field("late"), b);
    if (n.has("newborn")) {
      b.newborn = newborn(n.field("newborn"));
    }
    if (n.has("continuity")) {
      b.continuity = continuity(n.field("continuity"), b);
    }
    if (n.has("addOns")) {
      b.addOns = addOns(n.field("addOns"));
    }
    if (n.has("wholeFamily")) {
      YamlNode wf = n.field("wholeFamily").allowOnly("required", "source", "note");
      b.wholeFamily = sources.sourced(wf.field("required").bool(), wf);
    }
    return new InsuranceTerms(b);
  }

  /**
   * The collection window lies within the benefit year. A start the notice does not give may be
   * {@code notGiven}: payments are then taken up to the end.
   */
  private void window(YamlNode window, InsuranceTerms.Builder b) {
    YamlNode w = window.allowOnly("start", "end", "earlier", "source");
    if (w.field("start").notGiven()) {
      b.windowStartNotGiven = w.field("start").notGivenWhy();
    } else {
      b.windowStart = w.field("start").date();
    }
    b.windowEnd = w.field("end").date();
    b.windowSource = sources.of(w);
    if (b.windowStart != null && b.windowEnd.isBefore(b.windowStart)) {
      throw w.field("end").error("window ends (" + b.windowEnd + ") before it starts (" + b.windowStart + ")");
    }
    if (b.windowEnd.isAfter(LocalDate.of(b.benefitYear, 12, 31))) {
      throw w.field("end").error("window ends after the benefit year " + b.benefitYear);
    }
    // collected in the year before the benefit year or in it: a window years away is a year mistyped
    if (b.windowStart != null && !withinBenefitYearOrTheOneBefore(b.windowStart, b.benefitYear)) {
      throw w.field("start").error("window starts on " + b.windowStart + ", neither in the benefit year " + b.benefitYear
          + " nor in the year before it");
    }
    if (!withinBenefitYearOrTheOneBefore(b.windowEnd, b.benefitYear)) {
      throw w.field("end").error("window ends on " + b.windowEnd + ", neither in the benefit year " + b.benefitYear
          + " nor in the year before it");
    }
  }

  private static boolean withinBenefitYearOrTheOneBefore(LocalDate day, int benefitYear) {
    return day.getYear() == benefitYear || day.getYear() == benefitYear - 1;
  }

  /** Groups that may pay before the window opens: each names a declared group and a start before the window's. */
  private java.util.List<EarlyStart> earlyStarts(YamlNode list, InsuranceTerms.Builder b) {
    java.util.List<EarlyStart> out = new java.util.ArrayList<>();
    for (YamlNode e : list.list()) {
      e.allowOnly("group", "start", "source", "note");
      Group g = GroupsReader.named(e.field("group"), b.groups);
      LocalDate start = e.field("start").date();
      if (b.windowStart == null || !start.isBefore(b.windowStart)) {
        throw e.field("start").error("an earlier start must be before the window's start (" + b.windowStart + ")");
      }
      if (start.isBefore(LocalDate.of(b.benefitYear - 1, 1, 1))) {
        throw e.field("start").error("not within the year before the benefit year " + b.benefitYear);
      }
      out.add(new EarlyStart(g, start, sources.of(e)));
    }
    return out;
  }

  /** Who may enrol: a minimum age (required for pension), exclusions, and exactly one rule for non-locals. */
  private void eligibility(YamlNode e, InsuranceTerms.Builder b, boolean pension) {
    e.allowOnly("minAge", "maxAge", "excluded", "localOnly", "nonLocal", "enrolledElsewhere");
    if (e.has("minAge")) {
      YamlNode m = e.field("minAge").allowOnly("years", "source", "note");
      b.minAge = sources.sourced(m.field("years").age(), m);
    }
    if (e.has("maxAge")) {
      YamlNode m = e.field("maxAge").allowOnly("years", "source", "note");
      b.maxAge = sources.sourced(m.field("years").age(), m);
      if (b.minAge != null && b.maxAge.value() < b.minAge.value()) {
        throw m.field("years").error("maxAge " + b.maxAge.value() + " is below minAge " + b.minAge.value());
      }
    }
    if (e.has("excluded")) {
      YamlNode x = e.field("excluded").allowOnly("categories", "source", "note");
      b.excluded = sources.sourced(x.field("categories").categories(b.categories), x);
    }
    if (e.has("localOnly") == e.has("nonLocal")) {
      throw e.error("state exactly one of 'localOnly' (only registered residents) or 'nonLocal' (who else may enrol)");
    }
    if (e.has("localOnly")) {
      b.localOnlySource = sources.of(e.field("localOnly").allowOnly("source", "note"));
    } else {
      YamlNode nl = e.field("nonLocal").allowOnly("reductions", "source", "note");
      b.nonLocalReductions = sources.sourced(nl.field("reductions").bool(), nl);
    }
    b.enrolledElsewhereSource = sources.of(e.field("enrolledElsewhere").allowOnly("source", "note"));
    if (pension && b.minAge == null) {
      throw e.error("pension eligibility needs 'minAge'");
    }
  }

  /**
   * Medical: the personal amount (one, or one per group), the government share where the notice gives it
   * (or only a floor, 不低于), and their sum.
   */
  private void medicalAmounts(YamlNode n, InsuranceTerms.Builder b) {
    YamlNode p = n.field("personal").allowOnly("yuan", "byGroup", "source");
    if (YamlNode.oneOf(p, "yuan", "byGroup").equals("yuan")) {
      b.personalFen = sources.sourced(p.field("yuan").positiveFen(), p);
    } else {
      b.personalByGroup = new GroupAmountsReader(sources).read(p, b);
      b.personalFen = sources.sourced(b.personalByGroup.stream().mapToLong(GroupAmount::personalFen).max().orElseThrow(), p);
    }
    YamlNode g = n.field("governmentShare").allowOnly("yuan", "floorYuan", "notGiven", "source");
    switch (YamlNode.oneOf(g, "yuan", "floorYuan", "notGiven")) {
      case "yuan" -> b.governmentShareFen = sources.sourced(g.field("yuan").positiveFen(), g);
      case "floorYuan" -> {
        b.governmentShareFloorFen = g.field("floorYuan").positiveFen();
        b.governmentShareFen = new Sourced<>(null, sources.of(g), "the notice gives only a floor (不低于 "
            + g.field("floorYuan").string() + " 元), not the amount");
      }
      default -> b.governmentShareFen = new Sourced<>(null, sources.of(g), g.field("notGiven").string());
    }
    if (n.has("fullFinancing")) {
      b.fullFinancingFen = fullFinancing(n.field("fullFinancing"), b);
    } else if (b.governmentShareFen.value() != null) {
      b.fullFinancingFen = new Sourced<>(b.personalFen.value() + b.governmentShareFen.value(),
          b.governmentShareFen.source(), "personal amount plus the government share");
    } else {
      b.fullFinancingFen = new Sourced<>(null, b.governmentShareFen.source(), b.governmentShareFen.note());
    }
  }

  /**
   * Medical tiers (泰安 2026: "个人缴费标准设定两个档次：一档…390元，二档…530元"): whole yuan, the lowest being the
   * standard personal amount of everyone who chooses ({@code groups}: the groups that do; none named: everyone).
   */
  private void medicalTiers(YamlNode tiersNode, InsuranceTerms.Builder b) {
    YamlNode t = tiersNode.allowOnly("yuan", "groups", "source", "note");
    b.tiersSource = sources.of(t);
    java.util.TreeSet<Long> tiers = PensionTiersReader.tiers(t);
    if (tiers.size() < 2) {
      throw t.field("yuan").error("medical tiers are a choice: list at least two");
    }
    java.util.Set<String> groupIds = new java.util.LinkedHashSet<>();
    if (t.has("groups")) {
      for (YamlNode g : t.field("groups").list()) {
        String id = GroupsReader.namedAsTheirs(g, b.groups, "its choice of tiers").id();
        groupIds.add(id);
        long own = b.personalByGroup.stream().filter(a -> a.group().id().equals(id)).mapToLong(GroupAmount::personalFen)
            .findFirst().orElse(b.personalFen.value());
        if (own != tiers.first()) {
          throw g.error("group '" + id + "' pays " + own / 100.0 + " yuan, not the lowest tier (" + tiers.first() / 100 + ")");
        }
      }
    } else if (!b.personalByGroup.isEmpty()) {
      throw t.error("the book has groups with amounts of their own: say which choose a tier ('groups')");
    } else if (b.personalFen.value() != tiers.first()) {
      throw t.field("yuan").error("the lowest tier (" + tiers.first() / 100 + ") is not the personal amount ("
          + b.personalFen.value() / 100.0 + " yuan)");
    }
    b.tiersFen = java.util.List.copyOf(tiers);
    b.medicalTierGroups = groupIds;
  }

  /** A full financing amount given outright must agree with the personal amount and the share. */
  private Sourced<Long> fullFinancing(YamlNode fullNode, InsuranceTerms.Builder b) {
    YamlNode f = fullNode.allowOnly("yuan", "source", "note");
    long full = f.field("yuan").positiveFen();
    Long share = b.governmentShareFen.value();
    if (share != null && full != b.personalFen.value() + share) {
      throw f.field("yuan").error("full financing " + f.field("yuan").string() + " is not the personal amount plus"
          + " the government share (" + (b.personalFen.value() + share) / 100.0 + " yuan)");
    }
    if (full < b.personalFen.value()) {
      throw f.field("yuan").error("full financing amount is less than the personal amount");
    }
    if (b.governmentShareFloorFen != null && full < b.personalFen.value() + b.governmentShareFloorFen) {
      throw f.field("yuan").error("full financing " + f.field("yuan").string() + " is less than the personal amount"
          + " plus the floor of the government share (" + (b.personalFen.value() + b.governmentShareFloorFen) / 100
          + " yuan)");
    }
    return sources.sourced(full, f);
  }

  /**
   * Within months or days of birth ("出生后6个月内", "出生后90天(含)内"), whether cover may start before the year, and what a
   * child paid for after that time gets ({@code later}).
   */
  private Newborn newborn(YamlNode newborn) {
    YamlNode nb = newborn.allowOnly("withinMonths", "withinDays", "coverBeforeYear", "later", "afterYearEnd", "source", "note");
    int[] time = newbornTime(nb, true);
    boolean beforeYear = nb.has("coverBeforeYear") && nb.field("coverBeforeYear").bool();
    Newborn.Later later = null;
    if (nb.has("later")) {
      YamlNode l = nb.field("later").allowOnly("withinMonths", "withinDays", "waitingDays", "coverage", "source", "note");
      int[] until = newbornTime(l, false);
      boolean sameUnit = (time[0] > 0) == (until[0] > 0);
      if ((until[0] > 0 || until[1] > 0) && sameUnit && until[0] <= time[0] && until[1] <= time[1]) {
        throw l.field(until[0] > 0 ? "withinMonths" : "withinDays").error("ends no later than the newborn time ("
            + Newborn.chinese(time[0], time[1]) + "), so it would never apply");
      }
      later = new Newborn.Later(until[0], until[1], LatePhasesReader.coverage(l, Insurance.MEDICAL), sources.of(l));
    }
    boolean afterYearEnd = nb.has("afterYearEnd") && nb.field("afterYearEnd").bool();
    return new Newborn(time[0], time[1], beforeYear, later, afterYearEnd, sources.of(nb));
  }

  /**
   * The wait after a break in cover ("未连续参保的…固定待遇等待期3个月；每多断保1年…增加1个月"): months for a break of a year, what
   * each further year adds, the most in all where the notice caps it, and the categories it spares.
   */
  private Continuity continuity(YamlNode node, InsuranceTerms.Builder b) {
    YamlNode c = node.allowOnly("lapsedWaitMonths", "perExtraYearMonths", "maxWaitMonths", "except", "source", "note");
    int lapsed = c.field("lapsedWaitMonths").integer();
    if (lapsed < 1 || lapsed > 12) {
      throw c.field("lapsedWaitMonths").error("must be between 1 and 12 months");
    }
    int perYear = c.has("perExtraYearMonths") ? c.field("perExtraYearMonths").integer() : 0;
    if (perYear < 0 || perYear > 12) {
      throw c.field("perExtraYearMonths").error("must be between 0 and 12 months");
    }
    // required: without a cap a break of many years waits past the year's end, and the payment is refused
    int max = c.field("maxWaitMonths").integer();
    if (max < lapsed || max > 12) {
      throw c.field("maxWaitMonths").error("must be between lapsedWaitMonths (" + lapsed + ") and 12 months");
    }
    Set<Category> except = c.has("except") ? c.field("except").categories(b.categories) : Set.of();
    return new Continuity(lapsed, perYear, max, except, sources.of(c));
  }

  /** {months, days} after birth: exactly one of the two where {@code required}, else at most one (both 0 when absent). */
  private static int[] newbornTime(YamlNode nb, boolean required) {
    if (!required && !nb.has("withinMonths") && !nb.has("withinDays")) {
      return new int[] {0, 0};
    }
    if (YamlNode.oneOf(nb, "withinMonths", "withinDays").equals("withinMonths")) {
      int months = nb.field("withinMonths").integer();
      if (months < 1 || months > 12) {
        throw nb.field("withinMonths").error("must be between 1 and 12 months");
      }
      return new int[] {months, 0};
    }
    int days = nb.field("withinDays").integer();
    if (days < 1 || days > 366) {
      throw nb.field("withinDays").error("must be between 1 and 366 days");
    }
    return new int[] {0, days};
  }

  private Map<String, AddOn> addOns(YamlNode list) {
    Map<String, AddOn> addOns = new LinkedHashMap<>();
    for (YamlNode a : list.list()) {
      a.allowOnly("code", "name", "yuan", "source", "note");
      String code = a.field("code").string();
      if (!ADD_ON_CODE.matcher(code).matches()) {
        throw a.field("code").error("add-on codes are UPPER_SNAKE_CASE, got '" + code + "'");
      }
      AddOn addOn = new AddOn(code, a.field("name").string(), a.field("yuan").positiveFen(), sources.of(a));
      if (addOns.put(code, addOn) != null) {
        throw a.field("code").error("add-on " + code + " is listed twice");
      }
    }
    return addOns;
  }
}
