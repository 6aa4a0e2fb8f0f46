package cn.liangxian.policy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A book as the tables a notice has (缴费标准一览表), in Chinese, so that the office that wrote the notice
 * can check it line by line: regions, categories, and per insurance the window, amounts or tiers,
 * treatments and late rules, each row with its clause.
 */
public final class BookTables {
  /** One table: its title, column heads and rows of text. */
  public record Table(String title, List<String> head, List<List<String>> rows) {}

  private BookTables() {}

  public static List<Table> of(PolicyBook book) {
    List<Table> out = new ArrayList<>();
    out.add(new Table("基本信息", List.of("项目", "内容"), List.of(
        List.of("文件", book.title()), List.of("编号", book.notice() + "（" + book.id() + "）"),
        List.of("地区", String.join("、", book.regions().stream().map(r -> r.name() + " " + r.code()).toList())),
        List.of("状态", book.inService() ? "在用" : "示例，不在用"))));
    if (!book.categories().declared().isEmpty()) {
      List<List<String>> rows = new ArrayList<>();
      for (Category c : book.categories().declared()) {
        rows.add(List.of(c.code(), c.chineseName(), c.department().orElse("—"),
            c.group().map(g -> g.chineseName() + "（" + g.code() + "）").orElse("—")));
      }
      out.add(new Table("本文件增设的人员类别", List.of("代码", "名称", "提供名单的部门", "所属群体"), rows));
    }
    for (Insurance ins : Insurance.values()) {
      book.terms(ins).ifPresent(t -> out.addAll(terms(t)));
    }
    return out;
  }

  private static List<Table> terms(InsuranceTerms t) {
    String name = t.insurance.chineseName() + " " + t.benefitYear + "年度";
    List<Table> out = new ArrayList<>();
    out.add(new Table(name + "：缴费时间", List.of("项目", "内容", "条款"), window(t)));
    out.add(t.insurance == Insurance.MEDICAL ? medicalAmounts(t, name) : tiers(t, name));
    if (!t.treatments.isEmpty()) {
      List<List<String>> rows = new ArrayList<>();
      for (Treatment tr : t.treatments) {
        rows.add(List.of(who(tr), what(tr), tr.source()));
      }
      out.add(new Table(name + "：资助和减免（不重复享受，取最优）", List.of("适用对象", "待遇", "条款"), rows));
    }
    out.add(new Table(name + "：集中缴费期后缴费", List.of("期间", "适用人群", "缴费标准", "减免", "待遇开始", "条款"), late(t)));
    return out;
  }

  private static List<List<String>> window(InsuranceTerms t) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("集中缴费期", (t.windowStart == null ? "（通知未规定开始日期）" : date(t.windowStart)) + " 至 "
        + date(t.windowEnd), t.windowSource));
    for (EarlyStart e : t.earlyStarts) {
      rows.add(List.of("提前缴费", e.group().name() + "：" + date(e.start()) + "起", e.source()));
    }
    rows.add(List.of("年龄计算日", date(t.ageReference.value()), t.ageReference.source()));
    PayingDays p = t.payingDays;
    if (p != null) {
      rows.add(List.of("办理缴费日", "每月" + p.firstDay() + "日至" + (p.lastDay() >= 31 ? "月末" : p.lastDay() + "日"),
          p.source()));
      for (PayingDays.Closed c : p.closed()) {
        rows.add(List.of("暂停缴费", c.from().equals(c.to()) ? date(c.from()) : date(c.from()) + " 至 " + date(c.to()),
            c.source()));
      }
    }
    if (t.minAge != null) {
      rows.add(List.of("参保年龄", "年满" + t.minAge.value() + "周岁", t.minAge.source()));
    }
    if (t.maxAge != null) {
      rows.add(List.of("按年缴费年龄上限", "年满" + (t.maxAge.value() + 1) + "周岁后不再按年缴费", t.maxAge.source()));
    }
    if (t.newborn != null) {
      rows.add(List.of("新生儿", t.newborn.chinese() + "参保缴费，按个人缴费标准，自出生之日起享受待遇"
          + (t.newborn.coverBeforeYear() ? "（含上年度出生的）" : "")
          + (t.newborn.afterYearEnd() ? "；跨年度的，仍可在此期限内按" + t.benefitYear + "年度标准缴纳" + t.benefitYear + "年度" : ""),
          t.newborn.source()));
      Newborn.Later later = t.newborn.later();
      if (later != null) {
        String until = later.months() > 0 || later.days() > 0 ? "至" + Newborn.chinese(later.months(), later.days())
            : "（限当年出生的）";
        rows.add(List.of("新生儿（逾期）", t.newborn.chinese().replace("内", "后") + until + "参保缴费，按个人缴费标准，"
            + coverage(later.coverage()) + "享受待遇", later.source()));
      }
    }
    Continuity c = t.continuity;
    if (c != null) {
      rows.add(List.of("断保后续保", "断保1年及以上的，待遇等待期" + c.lapsedMonths() + "个月"
          + (c.perExtraYearMonths() > 0 ? "；每多断保1年，增加" + c.perExtraYearMonths() + "个月" : "")
          + "；最长" + c.maxMonths() + "个月"
          + "；当年1月1日前缴费的自1月1日起计算，之后缴费的自缴费之日起计算"
          + (c.except().isEmpty() ? "" : "（" + names(c.except()) + "除外）"), c.source()));
    }
    if (t.excluded != null) {
      rows.add(List.of("不参保人员", names(t.excluded.value()), t.excluded.source()));
    }
    return rows;
  }

  private static Table medicalAmounts(InsuranceTerms t, String name) {
    List<List<String>> rows = new ArrayList<>();
    String share = t.governmentShareFen.value() != null ? yuan(t.governmentShareFen.value())
        : t.governmentShareFloorFen != null ? "不低于" + yuan(t.governmentShareFloorFen) : "通知未公布";
    String full = t.fullFinancingFen.value() == null ? "通知未公布" : yuan(t.fullFinancingFen.value());
    if (t.personalByGroup.isEmpty()) {
      rows.add(List.of("全体参保居民", yuan(t.personalFen.value()), share, full, t.personalFen.source()));
    }
    for (GroupAmount a : t.personalByGroup) {
      Group g = a.group();
      String groupShare = a.governmentFen() == null ? share : yuan(a.governmentFen());
      String groupFull = a.governmentFen() == null ? full : yuan(a.personalFen() + a.governmentFen());
      rows.add(List.of(g.name() + "（" + who(g.categories(), g.minAge(), g.maxAge(), Set.of()) + "）", yuan(a.personalFen()),
          groupShare, groupFull, a.source()));
    }
    if (!t.tiersFen.isEmpty()) {
      String who = t.medicalTierGroups.isEmpty() ? "全体参保居民"
          : String.join("、", t.medicalTierGroups.stream().map(id -> t.groups.get(id).name()).toList());
      rows.add(List.of("可选缴费档次（" + who + "）", String.join("、", t.tiersFen.stream().map(BookTables::yuan).toList()), share,
          "—", t.tiersSource));
    }
    return new Table(name + "：缴费标准", List.of("人群", "个人缴费", "政府补助", "筹资总额", "条款"), rows);
  }

  private static Table tiers(InsuranceTerms t, String name) {
    List<List<String>> rows = new ArrayList<>();
    for (long tier : t.tiersFen) {
      Sourced<Long> s = t.subsidyByTierFen.get(tier);
      Sourced<Set<Category>> only = t.restrictedTiers.get(tier);
      rows.add(List.of(yuan(tier), s.value() == null ? "通知未公布" : yuan(s.value()),
          only == null ? "所有参保人" : "仅限" + names(only.value()), s.source()));
    }
    return new Table(name + "：缴费档次和缴费补贴（" + t.tiersFen.size() + "档）", List.of("档次", "缴费补贴", "可选人员", "条款"),
        rows);
  }

  private static List<List<String>> late(InsuranceTerms t) {
    List<List<String>> rows = new ArrayList<>();
    if (t.lateRefused != null) {
      rows.add(List.of(date(t.windowEnd.plusDays(1)) + "起", "所有人", "不予办理（通知未规定）", "—", "—", t.lateRefused.source()));
      return rows;
    }
    for (LatePhase p : t.late) {
      String period = date(p.from()) + (p.until() == null ? "起" : " 至 " + date(p.until()));
      String amount = (p.fullFinancing() ? "筹资总额（个人缴费+政府补助）" : "个人缴费标准") + (p.backPayment() ? "（补缴）" : "")
          + (p.tiersFen().isEmpty() ? "" : "，可选档次：" + String.join("、", p.tiersFen().stream().map(BookTables::yuan).toList()));
      String reductions = (!p.reductions() ? "不享受" : !p.fullFinancing() ? "享受" : p.reducedFromFull() ? "享受，按筹资总额减免"
          : "享受，减免人员按个人缴费标准") + (p.subsidies() ? "" : "，无缴费补贴");
      rows.add(List.of(period, p.group() == null ? "所有人" : p.group().name(), amount, reductions, coverage(p, t),
          p.source()));
    }
    return rows;
  }

  private static String coverage(LatePhase p, InsuranceTerms t) {
    if (t.insurance == Insurance.PENSION) {
      return "计入当年缴费";
    }
    String c = coverage(p.coverage());
    return p.governmentPaidFullYear() ? c + "（政府全额代缴者全年）" : c;
  }

  private static String coverage(LatePhase.Coverage c) {
    return switch (c.kind()) {
      case AFTER_DAYS -> c.count() == 0 ? "缴费当日" : "缴费之日起" + c.count() + "日后";
      case AFTER_MONTHS -> "缴费之日起" + c.count() + "个月后";
      case FROM_DATE -> date(c.date()) + "起";
      case NEXT_MONTH -> "缴费次月1日起";
      case NOT_GIVEN -> "通知未公布（不予办理）";
    };
  }

  private static String what(Treatment tr) {
    return (tr.amountNotGiven() != null ? "政府代缴，通知未公布金额（不予办理）" : effect(tr)) + (tr.windowOnly() ? "（仅限集中缴费期内缴费）" : "");
  }

  private static String effect(Treatment tr) {
    return switch (tr.kind()) {
      case EXEMPT -> "个人缴费部分由政府全额代缴";
      case GOVERNMENT_PERCENT -> "政府代缴个人缴费的" + tr.value() + "%";
      case GOVERNMENT_FEN -> "政府代缴" + yuan(tr.value());
      case EXTRA_SUBSIDY_FEN -> "另加补贴" + yuan(tr.value()) + (tr.stacks() ? "（可叠加）" : "");
      case LATER_SUBSIDY_PERCENT -> "先全额缴纳，事后补助" + tr.value() + "%（先征后补）";
      case PERSONAL_FEN -> "个人缴费" + yuan(tr.value()) + "，差额由政府资助";
    };
  }

  /**
   * Whom a treatment is for, every condition the engine applies said: the categories (certified by a date, where the book
   * says), those in another category too, the age band (the wife's, where it looks at hers), and whom it leaves out.
   */
  static String who(Treatment tr) {
    String cats = tr.categories().isEmpty() ? "" : (tr.certifiedBy() == null ? "" : date(tr.certifiedBy()) + "前（含当日）认定的")
        + names(tr.categories()) + (tr.alsoIn().isEmpty() ? "" : "中的" + names(tr.alsoIn()));
    return who(cats, tr.minAge(), tr.maxAge(), tr.ageOf() == Treatment.AgeOf.WIFE ? "女方" : "", tr.unless());
  }

  static String who(Set<Category> cats, Integer min, Integer max, Set<Category> unless) {
    return who(cats.isEmpty() ? "" : names(cats), min, max, "", unless);
  }

  private static String who(String cats, Integer min, Integer max, String whoseAge, Set<Category> unless) {
    List<String> parts = new ArrayList<>();
    if (!cats.isEmpty()) {
      parts.add(cats);
    }
    if (min != null && max != null) {
      parts.add(whoseAge + min + "至" + max + "周岁");
    } else if (min != null) {
      parts.add(whoseAge + min + "周岁以上");
    } else if (max != null) {
      parts.add(whoseAge + max + "周岁及以下");
    }
    if (!unless.isEmpty()) {
      parts.add("不含" + names(unless));
    }
    return parts.isEmpty() ? "其他人员" : String.join("，", parts);
  }

  private static String names(Set<Category> cats) {
    return String.join("、", cats.stream().map(Category::chineseName).toList());
  }

  static String yuan(long fen) {
    return (fen % 100 == 0 ? Long.toString(fen / 100) : String.format("%d.%02d", fen / 100, fen % 100)) + "元";
  }

  static String date(LocalDate d) {
    return d.getYear() + "年" + d.getMonthValue() + "月" + d.getDayOfMonth() + "日";
  }
}
