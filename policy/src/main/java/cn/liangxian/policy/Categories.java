package cn.liangxian.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The categories a book knows: the national groups and those the book declares, by code. */
public final class Categories {
  private final Map<String, Category> byCode = new LinkedHashMap<>();
  private final List<Category> declared;

  Categories(List<Category> declared) {
    Category.values().forEach(c -> byCode.put(c.code(), c));
    declared.forEach(c -> byCode.put(c.code(), c));
    this.declared = List.copyOf(declared);
  }

  /** The national groups only: what a book that declares nothing knows. */
  static Categories national() {
    return new Categories(List.of());
  }

  public Optional<Category> find(String code) {
    return Optional.ofNullable(byCode.get(code));
  }

  /** The categories this book declares (beyond the national groups), in book order. */
  public List<Category> declared() {
    return declared;
  }

  public List<Category> all() {
    return new ArrayList<>(byCode.values());
  }

  public String knownCodes() {
    return String.join(", ", byCode.keySet());
  }
}
