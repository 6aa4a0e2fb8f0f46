package cn.liangxian.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One worked case of {@link NoticeCasesTest}: who pays what, when, under which book. Amounts are fen.
 * Expected: personal, government, subsidy, later subsidy, coverage start (null: not eligible).
 */
final class NoticeCase {
  final String clause;
  final String what;
  final String book;
  final Insurance insurance;
  String region;
  String born = "1980-06-15";
  boolean female;
  Set<Category> categories = new java.util.LinkedHashSet<>();
  boolean local = true;
  boolean elsewhere;
  String spouseBorn;
  Integer tier;
  Set<String> addOns = Set.of();
  String payDate;
  long personal;
  long government;
  long subsidy;
  long later;
  String coverageStart;
  String reasonContains;
  String errorContains;
  List<String> rulesInclude = new ArrayList<>();

  NoticeCase(String clause, String what, String book, Insurance insurance) {
    this.clause = clause;
    this.what = what;
    this.book = book;
    this.insurance = insurance;
    this.region = switch (book) {
      case "hedong-2020" -> "371312";
      case "zhangshanzi-2020" -> "370405";
      case "yicheng-2022" -> "370404";
      case "lengshuitan-2020" -> "431103";
      default -> "320682";
    };
  }

  NoticeCase born(String d) { born = d; return this; }
  NoticeCase woman() { female = true; return this; }
  NoticeCase in(Category... c) { categories.addAll(List.of(c)); return this; }
  java.util.Map<Category, java.time.LocalDate> since = new java.util.HashMap<>();
  /** In {@code c}, certified on {@code date}. */
  NoticeCase certified(Category c, String date) { categories.add(c); since.put(c, java.time.LocalDate.parse(date)); return this; }
  NoticeCase nonLocal() { local = false; return this; }
  NoticeCase elsewhere() { elsewhere = true; return this; }
  NoticeCase wifeBorn(String d) { spouseBorn = d; return this; }
  NoticeCase tier(int yuan) { tier = yuan; return this; }
  NoticeCase addOn(String code) { addOns = Set.of(code); return this; }
  NoticeCase paid(String d) { payDate = d; return this; }
  NoticeCase rule(String id) { rulesInclude.add(id); return this; }

  NoticeCase owes(long personalYuan, long governmentYuan, long subsidyYuan, long laterYuan, String coverage) {
    personal = personalYuan * 100;
    government = governmentYuan * 100;
    subsidy = subsidyYuan * 100;
    later = laterYuan * 100;
    coverageStart = coverage;
    return this;
  }

  NoticeCase notEligible(String reason) { reasonContains = reason; return this; }
  NoticeCase refused(String error) { errorContains = error; return this; }

  @Override
  public String toString() {
    return clause + ": " + what;
  }

  static NoticeCase medical(String clause, String what, String book) {
    return new NoticeCase(clause, what, book, Insurance.MEDICAL);
  }

  static NoticeCase pension(String clause, String what, String book) {
    return new NoticeCase(clause, what, book, Insurance.PENSION);
  }
}
