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
    return out;
  }
}
