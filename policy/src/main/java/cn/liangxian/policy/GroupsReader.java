package cn.liangxian.policy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a section's groups (by category, age band or both; a group with neither is everyone else and
 * comes last) and the days of the month payments are taken.
 */
final class GroupsReader {
  private final NoticeSources sources;

  GroupsReader(NoticeSources sources) {
    this.sources = sources;
  }

  /** The declared group a field names, or a load error listing those declared. */
  static Group named(YamlNode id, Map<String, Group> groups) {
    String name = id.string();
    Group g = groups.get(name);
    if (g == null) {
      throw id.error("unknown group '" + name + "'" + (groups.isEmpty() ? ": declare it under 'groups'"
          : " (declared: " + String.join(", ", groups.keySet()) + ")"));
    }
    return g;
  }

  /**
   * The group named, where a person's group decides something (an amount, a choice of tiers): a load error when a group
   * above it takes each of its members first, so that what is given for it would never apply. (An extension for such a
   * group is another matter: it asks whether a person is in the group, not which group is theirs.)
   */
  static Group namedAsTheirs(YamlNode id, Map<String, Group> groups, String what) {
    Group g = named(id, groups);
    String above = hiddenBy(g, groups);
    if (above != null) {
      throw id.error(above + " above take" + (above.contains(" and ") ? "" : "s") + " every member of '" + g.id()
          + "' first, so " + what + " would never apply: put '" + g.id() + "' above it");
    }
    return g;
  }

  /**
   * The group or groups above {@code g} that take each of its members first ("group 'elderly'", "groups 'minors' and
   * 'adults'"), or null: then {@code g} is someone's group.
   */
  static String hiddenBy(Group g, Map<String, Group> groups) {
    List<Group> above = new ArrayList<>();
    for (Group a : groups.values()) {
      if (a == g) {
        break;
      }
      if (takesEveryMemberOf(a, g)) {
        return "group '" + a.id() + "'";
      }
      above.add(a);
    }
    // groups by age alone above it that together take every age it has ("学生儿童" to 17, "成年居民" from 18)
    List<Group> byAge = above.stream().filter(a -> a.categories().isEmpty()).toList();
    if (byAge.size() > 1 && agesTaken(byAge, g.minAge() == null ? 0 : g.minAge(), g.maxAge())) {
      return "groups " + String.join(" and ", byAge.stream().map(a -> "'" + a.id() + "'").toList());
    }
    return null;
  }

  /** Whether the groups by age alone among {@code groups} take every age from {@code from} to {@code to} (null: no end). */
  static boolean agesTaken(java.util.Collection<Group> groups, int from, Integer to) {
    List<int[]> bands = groups.stream().filter(a -> a.categories().isEmpty())
        .map(a -> new int[] {a.minAge() == null ? 0 : a.minAge(), a.maxAge() == null ? Integer.MAX_VALUE : a.maxAge()})
        .sorted(java.util.Comparator.comparingInt(b -> b[0])).toList();
    long next = from; // the first age not yet taken
    long end = to == null ? Integer.MAX_VALUE : to;
    for (int[] b : bands) {
      if (b[0] > next) {
        break;
      }
      next = Math.max(next, (long) b[1] + 1);
      if (next > end) {
        return true;
      }
    }
    return next > end;
  }

  /** Every person in {@code g} is in {@code above}: its categories among those above, its ages within theirs. */
  private static boolean takesEveryMemberOf(Group above, Group g) {
    boolean categories = above.categories().isEmpty() || !g.categories().isEmpty() && above.categories().containsAll(g.categories());
    boolean from = above.minAge() == null || g.minAge() != null && g.minAge() >= above.minAge();
    boolean to = above.maxAge() == null || g.maxAge() != null && g.maxAge() <= above.maxAge();
    return categories && from && to;
  }

  Map<String, Group> groups(YamlNode n, InsuranceTerms.Builder b) {
    Map<String, Group> groups = new LinkedHashMap<>();
    if (!n.has("groups")) {
      return groups;
    }
    Group everyone = null;
    for (YamlNode g : n.field("groups").list()) {
      g.allowOnly("id", "name", "categories", "minAge", "maxAge", "source");
      String id = g.field("id").ruleId();
      if (everyone != null) {
        throw g.error("group '" + everyone.id() + "' above takes everyone not in an earlier group, so '" + id
            + "' would never be reached");
      }
      Set<Category> cats = g.has("categories") ? g.field("categories").categories(b.categories) : Set.of();
      Integer min = g.has("minAge") ? g.field("minAge").age() : null;
      Integer max = g.has("maxAge") ? g.field("maxAge").age() : null;
      if (min != null && max != null && min > max) {
        throw g.field("maxAge").error("maxAge " + max + " is below minAge " + min);
      }
      Group group = new Group(id, g.field("name").string(), cats, min, max, sources.of(g));
      if (groups.put(id, group) != null) {
        throw g.field("id").error("group '" + id + "' is declared twice");
      }
      if (group.everyone()) {
        everyone = group;
      }
    }
    return groups;
  }

  PayingDays payingDays(YamlNode n, InsuranceTerms.Builder b) {
    YamlNode p = n.field("payingDays").allowOnly("daysOfMonth", "closed", "source");
    int first = 1;
    int last = 31;
    if (p.has("daysOfMonth")) {
      YamlNode d = p.field("daysOfMonth").allowOnly("from", "to", "source");
      first = day(d.field("from"));
      last = day(d.field("to"));
      if (last < first) {
        throw d.field("to").error("day " + last + " is before day " + first);
      }
    }
    List<PayingDays.Closed> closed = new ArrayList<>();
    if (p.has("closed")) {
      for (YamlNode c : p.field("closed").list()) {
        c.allowOnly("from", "to", "source");
        LocalDate from = c.field("from").date();
        LocalDate to = c.has("to") ? c.field("to").date() : from;
        if (to.isBefore(from)) {
          throw c.field("to").error("ends (" + to + ") before it starts (" + from + ")");
        }
        closed.add(new PayingDays.Closed(from, to, c.has("source") ? sources.of(c) : sources.of(p)));
      }
    }
    if (!p.has("daysOfMonth") && closed.isEmpty()) {
      throw p.error("give 'daysOfMonth', 'closed' or both");
    }
    return new PayingDays(first, last, closed, sources.of(p));
  }

  private static int day(YamlNode d) {
    int v = d.integer();
    if (v < 1 || v > 31) {
      throw d.error("a day of the month between 1 and 31, got " + v);
    }
    return v;
  }
}
