package cn.liangxian.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads {@code personal.byGroup}: each group's own personal amount and, where given, its government share. */
final class GroupAmountsReader {
  private final NoticeSources sources;

  GroupAmountsReader(NoticeSources sources) {
    this.sources = sources;
  }

  List<GroupAmount> read(YamlNode personal, InsuranceTerms.Builder b) {
    String fallbackSource = sources.of(personal);
    List<GroupAmount> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (YamlNode row : personal.field("byGroup").list()) {
      row.allowOnly("group", "yuan", "governmentYuan", "source");
      Group g = GroupsReader.namedAsTheirs(row.field("group"), b.groups, "its amount");
      String id = g.id();
      if (!seen.add(id)) {
        throw row.field("group").error("group '" + id + "' has two amounts");
      }
      Long gov = row.has("governmentYuan") ? row.field("governmentYuan").positiveFen() : null;
      out.add(new GroupAmount(g, row.field("yuan").positiveFen(), gov,
          row.has("source") ? sources.of(row) : fallbackSource));
    }
    if (out.isEmpty()) {
      throw personal.field("byGroup").error("must give at least one group's amount");
    }
    // what a person pays is their group's amount: a group without one, or a person in no group, could not pay at all
    for (Group g : b.groups.values()) {
      if (!seen.contains(g.id()) && GroupsReader.hiddenBy(g, b.groups) == null) {
        throw personal.field("byGroup").error("group '" + g.id() + "' has no amount, so its members could not pay: give"
            + " one (a person pays their own group's, the first group above that takes them)");
      }
    }
    if (!GroupsReader.agesTaken(b.groups.values(), 0, null)) {
      throw personal.field("byGroup").error("a person in none of the groups could not pay: declare a last group without"
          + " categories or ages (everyone else), with its amount");
    }
    return out;
  }
}
