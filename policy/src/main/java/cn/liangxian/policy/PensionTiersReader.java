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
    YamlNode t = n.field("tiers").allowOnly("yuan", "source", "note");
    b.tiersSource = sources.of(t);
    TreeSet<Long> tiers = tiers(t);
    b.tiersFen = List.copyOf(tiers);
    b.restrictedTiers = n.has("restrictedTiers") ? restricted(n.field("restrictedTiers"), tiers) : new HashMap<>();
    b.subsidyByTierFen = subsidies(n.field("subsidy"), tiers);
  }

  private static TreeSet<Long> tiers(YamlNode t) {
    TreeSet<Long> tiers = new TreeSet<>();
    for (YamlNode y : t.field("yuan").list()) {
      long fen = y.positiveFen();
      if (!tiers.add(fen)) {
        throw y.error("tier " + y.string() + " is listed twice");
      }
    }
    if (tiers.isEmpty()) {
      throw t.field("yuan").error("must list at least one tier");
    }
    return tiers;
  }

  private Map<Long, Sourced<Set<Category>>> restricted(YamlNode list, Set<Long> tiers) {
    Map<Long, Sourced<Set<Category>>> restricted = new HashMap<>();
    for (YamlNode r : list.list()) {
      r.allowOnly("tier", "onlyFor", "source", "note");
      long tier = r.field("tier").positiveFen();
      if (!tiers.contains(tier)) {
        throw r.field("tier").error("tier " + r.field("tier").string() + " is not among the tiers offered");
      }
      if (restricted.put(tier, sources.sourced(r.field("onlyFor").categories(), r)) != null) {
        throw r.field("tier").error("tier " + r.field("tier").string() + " is restricted twice");
      }
    }
    return restricted;
  }

  /** Every tier needs a subsidy row; a row may cite its own clause instead of the table's. */
  private Map<Long, Sourced<Long>> subsidies(YamlNode subsidyNode, Set<Long> tiers) {
    YamlNode s = subsidyNode.allowOnly("byTier", "source", "note");
    String subsidySource = sources.of(s);
    Map<Long, Sourced<Long>> subsidy = new HashMap<>();
    for (YamlNode row : s.field("byTier").list()) {
      row.allowOnly("tier", "yuan", "note", "source");
      long tier = row.field("tier").positiveFen();
      if (!tiers.contains(tier)) {
        throw row.field("tier").error("subsidy for tier " + row.field("tier").string() + ", which is not offered");
      }
      long fen = row.field("yuan").yuanAsFen();
      if (fen > tier) {
        throw row.field("yuan").error("subsidy is larger than the tier itself");
      }
      String src = row.has("source") ? sources.of(row) : subsidySource;
      if (subsidy.put(tier, new Sourced<>(fen, src, NoticeSources.note(row))) != null) {
        throw row.field("tier").error("tier " + row.field("tier").string() + " has two subsidy amounts");
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
}
