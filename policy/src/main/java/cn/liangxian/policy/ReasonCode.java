package cn.liangxian.policy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every reason the engine gives for refusing or not assessing a payment: a stable code for programs and a
 * Chinese text for residents ({0}, {1} ... are filled in). A book may replace the text ({@code reasons:}).
 */
public enum ReasonCode {
  TIER_FOR_MEDICAL("医疗保险不分缴费档次，请不要选择档次"),
  WINDOW_NOT_OPEN("{0}年度{1}从{2}开始缴费，现在还不能缴"),
  YEAR_ENDED("{0}年度{1}已经结束，不能再缴费"),
  BIRTH_AFTER_PAY_DATE("身份证号码上的出生日期晚于缴费日期，请核对身份证号码"),
  ENROLLED_ELSEWHERE("本年度已在其他地方或职工医保参保，不能重复参保"),
  LOCAL_ONLY("只有{0}户籍的居民可以在这里参保"),
  MIN_AGE("须年满{0}周岁才能参保（按{1}计算）"),
  MAX_AGE("年满{0}周岁后不能再按年缴费（按{1}计算），请到经办窗口咨询"),
  EXCLUDED("{0}不参加{1}"),
  LATE_REFUSED("集中缴费期（{0}至{1}）已经结束，政策没有规定补缴办法，请到经办窗口咨询"),
  LATE_CLOSED("补缴期已于{0}结束，现在不能缴费"),
  NOT_A_PAYING_DAY("{0}不办理缴费，下一个可以缴费的日子是{1}"),
  NO_PAYING_DAY_LEFT("{0}以后本年度不再办理缴费"),
  TIER_MISSING("请选择缴费档次，可选：{0}元"),
  TIER_NOT_OFFERED("本地不设{0}元档次，可选：{1}元"),
  TIER_RESTRICTED("{0}元档次仅限{1}选择，您可选：{2}元"),
  SUBSIDY_NOT_GIVEN("通知没有公布{0}元档次的政府补贴标准，暂时不能按这个档次缴费"),
  WAITING_NOT_GIVEN("通知没有公布现在缴费从哪天起享受待遇，暂时不能缴费，请到经办窗口咨询"),
  AID_NOT_GIVEN("通知没有公布{0}的资助金额，暂时不能缴费，请到经办窗口咨询"),
  FULL_FINANCING_NOT_GIVEN("现在须按筹资总额缴费，但通知没有公布筹资总额，暂时不能缴费，请到经办窗口咨询"),
  NO_GROUP_AMOUNT("政策没有规定您所属人群的缴费标准，请到经办窗口咨询"),
  ADD_ON_NOT_OFFERED("本地不提供“{0}”这项附加保险"),
  COVERAGE_AFTER_YEAR("现在缴费，待遇要到{0}才开始，已经超过{1}年度，不能缴费"),
  NO_TERMS("本地政策没有规定{0}的缴费办法");

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([0-9])}");

  private final String chinese;

  ReasonCode(String chinese) {
    this.chinese = chinese;
  }

  /** The code as APIs show it, e.g. {@code policy.tier-restricted}. */
  public String code() {
    return "policy." + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /** The default Chinese text with its placeholders. */
  public String chineseTemplate() {
    return chinese;
  }

  /** How many values the text is filled with: one more than the highest placeholder. */
  public int arity() {
    return arity(chinese);
  }

  static int arity(String template) {
    int max = -1;
    Matcher m = PLACEHOLDER.matcher(template);
    while (m.find()) {
      max = Math.max(max, Integer.parseInt(m.group(1)));
    }
    return max + 1;
  }

  /** Dates as residents write them (2020年2月28日); everything else as it is. */
  static String chinese(Object arg) {
    if (arg instanceof java.time.LocalDate d) {
      return d.getYear() + "年" + d.getMonthValue() + "月" + d.getDayOfMonth() + "日";
    }
    if (arg instanceof Insurance i) {
      return i.chineseName();
    }
    return String.valueOf(arg);
  }

  /** Fills a template's placeholders with {@code args}. */
  static String fill(String template, Object... args) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      int i = Integer.parseInt(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(i < args.length ? chinese(args[i]) : ""));
    }
    m.appendTail(out);
    return out.toString();
  }
}
