package cn.liangxian.policy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A special group supplied by a department's list (民政, 残联, 乡村振兴, 退役军人, 卫健 ...). The national
 * groups below are known to every book; a book may declare more, and sub-classes of a group with their own
 * help (一、二类低保 under {@link #DIBAO}), each naming the group it belongs to. A person in a sub-class
 * is in its group too. Age groups are not categories: they come from the ID number's birth date.
 */
public final class Category {
  public static final Category DIBAO = national("DIBAO", "城乡最低生活保障对象", "民政");
  public static final Category TEKUN = national("TEKUN", "特困人员", "民政");
  public static final Category WUBAO = national("WUBAO", "五保供养对象", "民政");
  public static final Category POVERTY = national("POVERTY", "建档立卡贫困人口", "乡村振兴");
  public static final Category POVERTY_LIFTED = national("POVERTY_LIFTED", "已脱贫仍享受政策人口", "乡村振兴");
  public static final Category LOW_INCOME = national("LOW_INCOME", "建档立卡低收入户", "乡村振兴");
  public static final Category SOCIAL_BOTTOM_LINE = national("SOCIAL_BOTTOM_LINE", "社会保障兜底脱贫对象", "民政");
  public static final Category DISABLED = national("DISABLED", "持证残疾人", "残联");
  public static final Category SEVERE_DISABLED = national("SEVERE_DISABLED", "重度残疾人(一、二级)", "残联");
  public static final Category PRIORITY_CARE = national("PRIORITY_CARE", "重点优抚对象", "退役军人事务");
  public static final Category ORPHAN = national("ORPHAN", "孤儿", "民政");
  public static final Category UNSUPPORTED_CHILD = national("UNSUPPORTED_CHILD", "事实无人抚养儿童", "民政");
  public static final Category OTHER_HARDSHIP = national("OTHER_HARDSHIP", "因病等原因生活特别困难并经批准的其他人员", "民政");
  public static final Category ONLY_SON = national("ONLY_SON", "独子户", "卫健");
  public static final Category ONLY_DAUGHTER = national("ONLY_DAUGHTER", "独女户", "卫健");
  public static final Category TWO_DAUGHTERS = national("TWO_DAUGHTERS", "双女户", "卫健");
  public static final Category ONLY_CHILD_PARENT = national("ONLY_CHILD_PARENT", "独生子女户、双女绝育户父母", "卫健");
  public static final Category DOWNSIZED_1960S = national("DOWNSIZED_1960S", "60年代精减退职职工", "人社");
  public static final Category HARDSHIP_WORKER = national("HARDSHIP_WORKER", "特困职工及其家庭成员", "总工会");
  public static final Category OLD_PARTY_MEMBER = national("OLD_PARTY_MEMBER", "1954-10-31前入党的老党员", "组织部");
  public static final Category STUDENT = national("STUDENT", "在校学生", "教育");

  private static final List<Category> NATIONAL = List.of(DIBAO, TEKUN, WUBAO, POVERTY, POVERTY_LIFTED, LOW_INCOME,
      SOCIAL_BOTTOM_LINE, DISABLED, SEVERE_DISABLED, PRIORITY_CARE, ORPHAN, UNSUPPORTED_CHILD, OTHER_HARDSHIP,
      ONLY_SON, ONLY_DAUGHTER, TWO_DAUGHTERS, ONLY_CHILD_PARENT, DOWNSIZED_1960S, HARDSHIP_WORKER, OLD_PARTY_MEMBER,
      STUDENT);
  private static final Map<String, Category> BY_CODE = new LinkedHashMap<>();

  static {
    NATIONAL.forEach(c -> BY_CODE.put(c.code, c));
  }

  private final String code;
  private final String chineseName;
  private final String department;
  private final Category group;

  private Category(String code, String chineseName, String department, Category group) {
    this.code = Objects.requireNonNull(code);
    this.chineseName = Objects.requireNonNull(chineseName);
    this.department = department;
    this.group = group;
  }

  private static Category national(String code, String name, String department) {
    return new Category(code, name, department, null);
  }

  /**
   * A category a book declares.
   *
   * @param group the national group or declared category it is a sub-class of, or null when none exists
   */
  public static Category declared(String code, String chineseName, String department, Category group) {
    return new Category(code, chineseName, department, group);
  }

  /** The stable code used in books, rosters and the API, e.g. {@code DIBAO}. */
  public String code() {
    return code;
  }

  /** Same as {@link #code()}; kept so that code written against the old enum reads the same. */
  public String name() {
    return code;
  }

  public String chineseName() {
    return chineseName;
  }

  /** The department whose list supplies this category, where the book says. */
  public Optional<String> department() {
    return Optional.ofNullable(department);
  }

  /** The group this is a sub-class of, or that it maps to nationally. */
  public Optional<Category> group() {
    return Optional.ofNullable(group);
  }

  /** Whether a person in this category is in {@code other}: the same code or one of its groups. */
  public boolean isIn(Category other) {
    for (Category c = this; c != null; c = c.group) {
      if (c.code.equals(other.code)) {
        return true;
      }
    }
    return false;
  }

  public boolean national() {
    return BY_CODE.get(code) == this;
  }

  /** The national groups every book knows. */
  public static List<Category> values() {
    return NATIONAL;
  }

  /** The national group with this exact code, if any. */
  public static Optional<Category> ofCode(String code) {
    return Optional.ofNullable(BY_CODE.get(code));
  }

  public static String knownCodes() {
    return String.join(", ", Arrays.asList(BY_CODE.keySet().toArray(String[]::new)));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Category c && c.code.equals(code);
  }

  @Override
  public int hashCode() {
    return code.hashCode();
  }

  @Override
  public String toString() {
    return code;
  }
}
