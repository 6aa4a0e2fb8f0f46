package cn.liangxian.policy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Reads a pension section's tiers, the tiers kept for some groups, and the subsidy for each tier. */
final class PensionTiersReader {
  private final NoticeSources sources;

  PensionTiersReader(NoticeSources sources) {
    this.sources = sources;
  }

  void read(YamlNode n, InsuranceTerms.Builder b) {
    YamlNode t = n.field("tiers").allowOnly("yuan", "ranges", "source");
    b.tiersSource = sources.of(t);
    TreeSet<Long> tiers = tiers(t);
    b.tiersFen = List.copyOf(tiers);
    b.restrictedTiers = n.has("restrictedTiers") ? restricted(n.field("restrictedTiers"), tiers, b) : new HashMap<>();
    b.subsidyByTierFen = subsidies(n.field("subsidy"), tiers);
  }

  /** Tiers listed one by one, generated from ranges ("300-4000 元, 按 100 元的整数倍"), or both; whole yuan each. */
  static TreeSet<Long> tiers(YamlNode t) {
    TreeSet<Long> tiers = new TreeSet<>();
    if (!t.has("yuan") && !t.has("ranges")) {
      throw t.error("give the tiers as 'yuan' (a list), 'ranges' (from, to, step) or both");
    }
    if (t.has("yuan")) {
      for (YamlNode y : t.field("yuan").list()) {
        long fen = y.positiveFen();
        if (fen % 100 != 0) {
          throw y.error("tier " + y.string() + " is not a whole number of yuan: a tier is chosen and ordered in whole yuan");
        }
        if (!tiers.add(fen)) {
          throw y.error("tier " + y.string() + " is listed twice");
        }
      }
    }
    if (t.has("ranges")) {
      for (YamlNode r : t.field("ranges").list()) {
        for (long fen : TierRange.read(r).tiersFen()) {
          if (!tiers.add(fen)) {
            throw r.error("tier " + fen / 100 + " is listed twice (by this range and before it)");
          }
        }
      }
    }
    if (tiers.isEmpty()) {
      throw t.field("yuan").error("must list at least one tier");
    }
    for (long fen : tiers) {
      if (fen % 100 != 0) {
        throw t.field("ranges").error("tier " + fen / 100.0 + " is not a whole number of yuan: a tier is chosen and ordered in whole yuan");
      }
    }
    return tiers;
  }

  private Map<Long, Sourced<Set<Category>>> restricted(YamlNode list, Set<Long> tiers, InsuranceTerms.Builder b) {
    Map<Long, Sourced<Set<Category>>> restricted = new HashMap<>();
    for (YamlNode r : list.list()) {
      r.allowOnly("tier", "onlyFor", "source", "note");
      long tier = r.field("tier").positiveFen();
      if (!tiers.contains(tier)) {
        throw r.field("tier").error("tier " + r.field("tier").string() + " is not among the tiers offered");
      }
      if (restricted.put(tier, sources.sourced(r.field("onlyFor").categories(b.categories), r)) != null) {
        throw r.field("tier").error("tier " + r.field("tier").string() + " is restricted twice");
      }
    }
    return restricted;
  }

  /**
   * Every tier needs a subsidy: a row per tier, or a band of tiers (from, to) with one amount; a row may
   * cite its own clause instead of the table's, or say the notice gives no figure ({@code notGiven}).
   */
  private Map<Long, Sourced<Long>> subsidies(YamlNode subsidyNode, Set<Long> tiers) {
    YamlNode s = subsidyNode.allowOnly("byTier", "byBand", "source");
    String subsidySource = sources.of(s);
    Map<Long, Sourced<Long>> subsidy = new HashMap<>();
    if (s.has("byTier")) {
      for (YamlNode row : s.field("byTier").list()) {
        row.allowOnly("tier", "yuan", "source");
        long tier = row.field("tier").positiveFen();
        if (!tiers.contains(tier)) {
          throw row.field("tier").error("subsidy for tier " + row.field("tier").string() + ", which is not offered");
        }
        put(subsidy, tier, amount(row, tier, subsidySource), row.field("tier"));
      }
    }
    if (s.has("byBand")) {
      for (YamlNode band : s.field("byBand").list()) {
        band.allowOnly("from", "to", "yuan", "source");
        long from = band.field("from").positiveFen();
        long to = band.has("to") ? band.field("to").positiveFen() : Long.MAX_VALUE;
        if (to < from) {
          throw band.field("to").error("band ends below where it starts");
        }
        List<Long> inBand = tiers.stream().filter(x -> x >= from && x <= to).toList();
        if (inBand.isEmpty()) {
          throw band.error("no tier offered lies in this band");
        }
        for (long tier : inBand) {
          put(subsidy, tier, amount(band, tier, subsidySource), band);
        }
      }
    }
    for (long tier : tiers) {
      if (!subsidy.containsKey(tier)) {
        throw s.field("byTier").error("no subsidy configured for tier " + tier / 100
            + " (if the notice gives none, configure it with a note saying so)");
      }
    }
    return subsidy;
  }

  private Sourced<Long> amount(YamlNode row, long tier, String tableSource) {
    String src = row.has("source") ? sources.of(row) : tableSource;
    if (row.field("yuan").notGiven()) {
      return new Sourced<>(null, src, row.field("yuan").notGivenWhy());
    }
    long fen = row.field("yuan").yuanAsFen();
    if (fen > tier) {
      throw row.field("yuan").error("subsidy is larger than the tier itself");
    }
    return new Sourced<>(fen, src, NoticeSources.note(row));
  }

  private static void put(Map<Long, Sourced<Long>> subsidy, long tier, Sourced<Long> amount, YamlNode where) {
    if (subsidy.put(tier, amount) != null) {
      throw where.error("tier " + tier / 100 + " has two subsidy amounts");
    }
  }
}
