package cn.liangxian.policy;

import java.util.Arrays;
import java.util.Optional;

/**
 * Special groups supplied by departments (民政, 残联, 扶贫/乡村振兴, 退役军人, 卫健 ...). Age groups are
 * not categories: they come from the ID number's birth date.
 */
public enum Category {
  DIBAO("城乡最低生活保障对象"),
  TEKUN("特困人员"),
  WUBAO("五保供养对象"),
  POVERTY("建档立卡贫困人口"),
  POVERTY_LIFTED("已脱贫仍享受政策人口"),
  LOW_INCOME("建档立卡低收入户"),
  SOCIAL_BOTTOM_LINE("社会保障兜底脱贫对象"),
  DISABLED("持证残疾人"),
  SEVERE_DISABLED("重度残疾人(一、二级)"),
  PRIORITY_CARE("重点优抚对象"),
  ORPHAN("孤儿"),
  UNSUPPORTED_CHILD("事实无人抚养儿童"),
  OTHER_HARDSHIP("因病等原因生活特别困难并经批准的其他人员"),
  ONLY_SON("独子户"),
  ONLY_DAUGHTER("独女户"),
  TWO_DAUGHTERS("双女户"),
  ONLY_CHILD_PARENT("独生子女户、双女绝育户父母"),
  DOWNSIZED_1960S("60年代精减退职职工"),
  HARDSHIP_WORKER("特困职工及其家庭成员"),
  OLD_PARTY_MEMBER("1954-10-31前入党的老党员"),
  STUDENT("在校学生");

  private final String chineseName;

  Category(String chineseName) {
    this.chineseName = chineseName;
  }

  public String chineseName() {
    return chineseName;
  }

  /** The category with this exact code, if any. */
  public static Optional<Category> ofCode(String code) {
    return Arrays.stream(values()).filter(c -> c.name().equals(code)).findFirst();
  }

  public static String knownCodes() {
    return String.join(", ", Arrays.stream(values()).map(Enum::name).toList());
  }
}
