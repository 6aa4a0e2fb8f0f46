package cn.liangxian.gateway.roster;

import cn.liangxian.policy.Categories;
import cn.liangxian.policy.Category;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A special group as the departments' lists and the agencies' changes name it: by its code (any case), its Chinese name,
 * or the short name the departments use (低保, 特困 ...), among the categories a region's book knows.
 */
public final class CategoryNames {
  private static final Map<String, Category> SHORT = Map.of("低保", Category.DIBAO, "特困", Category.TEKUN, "五保", Category.WUBAO,
      "建档立卡", Category.POVERTY, "重度残疾", Category.SEVERE_DISABLED, "残疾", Category.DISABLED, "优抚", Category.PRIORITY_CARE,
      "孤儿", Category.ORPHAN);

  private CategoryNames() {}

  /** The category {@code text} names among those {@code known}, or empty. */
  public static Optional<Category> find(Categories known, String text) {
    if (text == null) {
      return Optional.empty();
    }
    String t = text.strip();
    Optional<Category> found = known.findByCodeOrName(t).or(() -> known.find(t.toUpperCase(Locale.ROOT)));
    if (found.isPresent()) {
      return found;
    }
    Category national = SHORT.get(t);
    return national == null ? Optional.empty() : known.find(national.code());
  }

  /** The short names the departments use, and the national group each stands for. */
  static Map<String, Category> shortNames() {
    return SHORT;
  }
}
