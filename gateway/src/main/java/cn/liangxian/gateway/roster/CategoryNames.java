package cn.liangxian.gateway.roster;

import cn.liangxian.policy.Categories;
import cn.liangxian.policy.Category;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A special group as the departments' lists and the agencies' changes name it: by its code (any case), its Chinese name,
 * or a name the departments use for it (低保, 低保对象, 最低生活保障对象, 特困供养人员 ...), among the categories a book knows.
 * Names are compared as a spreadsheet may write them: full-width brackets and digits are the same, spaces count for
 * nothing.
 */
public final class CategoryNames {
  private static final Map<String, Category> OTHER_NAMES = Map.ofEntries(Map.entry("低保", Category.DIBAO),
      Map.entry("低保对象", Category.DIBAO), Map.entry("最低生活保障对象", Category.DIBAO), Map.entry("特困", Category.TEKUN),
      Map.entry("特困供养人员", Category.TEKUN), Map.entry("五保", Category.WUBAO), Map.entry("五保户", Category.WUBAO),
      Map.entry("建档立卡", Category.POVERTY), Map.entry("农村贫困人口", Category.POVERTY), Map.entry("扶贫户", Category.POVERTY),
      // the notices' own words for those lifted out of poverty who keep its policies (000 三(一)2(4), 002 四(一))
      Map.entry("已脱贫享受政策人口", Category.POVERTY_LIFTED), Map.entry("已脱贫仍享受脱贫政策人口", Category.POVERTY_LIFTED),
      Map.entry("重度残疾", Category.SEVERE_DISABLED),
      Map.entry("重度残疾人", Category.SEVERE_DISABLED), Map.entry("残疾", Category.DISABLED), Map.entry("残疾人", Category.DISABLED),
      Map.entry("优抚", Category.PRIORITY_CARE), Map.entry("优抚对象", Category.PRIORITY_CARE), Map.entry("孤儿", Category.ORPHAN));

  private static final java.util.regex.Pattern SPACES = java.util.regex.Pattern.compile("\\s+");

  private CategoryNames() {}

  /** The text as names are compared: NFKC (full-width to half-width), without spaces, codes in upper case. */
  static String normal(String text) {
    return text == null ? "" : SPACES.matcher(Normalizer.normalize(text, Normalizer.Form.NFKC)).replaceAll("").toUpperCase(Locale.ROOT);
  }

  /** The category {@code text} names among those {@code known}, or empty. */
  public static Optional<Category> find(Categories known, String text) {
    if (text == null) {
      return Optional.empty();
    }
    String t = normal(text);
    for (Category c : known.all()) {
      if (normal(c.code()).equals(t) || normal(c.chineseName()).equals(t)) {
        return Optional.of(c);
      }
    }
    Category national = OTHER_NAMES.get(t);
    return national == null ? Optional.empty() : known.find(national.code());
  }

  /** The other names the departments use, and the national group each stands for. */
  static Map<String, Category> otherNames() {
    return OTHER_NAMES;
  }
}
