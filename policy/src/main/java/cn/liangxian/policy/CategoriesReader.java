package cn.liangxian.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the categories a book declares beyond the national groups: code, Chinese name, the department
 * whose list supplies it, and the group it is a sub-class of or maps to nationally, where one exists.
 */
final class CategoriesReader {
  private static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9_]*");

  private final NoticeSources sources;

  CategoriesReader(NoticeSources sources) {
    this.sources = sources;
  }

  Categories read(YamlNode book) {
    if (!book.has("categories")) {
      return Categories.national();
    }
    List<Category> declared = new ArrayList<>();
    Set<String> codes = new HashSet<>();
    for (YamlNode c : book.field("categories").list()) {
      c.allowOnly("code", "name", "department", "group", "source");
      String code = c.field("code").string();
      if (!CODE.matcher(code).matches()) {
        throw c.field("code").error("category codes are UPPER_SNAKE_CASE, got '" + code + "'");
      }
      if (Category.ofCode(code).isPresent()) {
        throw c.field("code").error(code + " is a national group every book knows; declare only new categories");
      }
      if (!codes.add(code)) {
        throw c.field("code").error("category " + code + " is declared twice");
      }
      Category group = null;
      if (c.has("group")) {
        String g = c.field("group").string();
        group = new Categories(declared).find(g).orElseThrow(() -> c.field("group").error("unknown group '" + g
            + "': name a national group or a category declared above this one"));
      }
      sources.of(c);
      declared.add(Category.declared(code, c.field("name").string(), c.field("department").string(), group));
    }
    return new Categories(declared);
  }
}
