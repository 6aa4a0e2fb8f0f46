package cn.liangxian.gateway.lookup;

import cn.liangxian.gateway.privacy.Masking;
import cn.liangxian.policy.AppliedRule;
import cn.liangxian.policy.Assessment;
import cn.liangxian.policy.Insurance;
import cn.liangxian.policy.InsuranceTerms;
import cn.liangxian.policy.RegionBooks;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** The household as the API shows it: masked members, each insurance's status and amounts with clauses. */
public final class HouseholdView {
  private HouseholdView() {}

  public static JsonObject render(Household h, Regions.Entry region, LocalDate payDate, List<HouseholdAssessor.Item> items) {
    JsonArray members = new JsonArray();
    for (Household.Member m : h.members()) {
      JsonArray ins = new JsonArray();
      for (HouseholdAssessor.Item it : items) {
        if (it.member() == m) {
          ins.add(item(it));
        }
      }
      members.add(new JsonObject().put("ref", m.ref().toString()).put("name", Masking.name(m.name()))
          .put("idNumber", m.identity().masked()).put("sex", m.identity().sex().name().toLowerCase())
          .put("age", m.identity().ageOn(payDate)).put("insurances", ins));
    }
    JsonObject totals = new JsonObject();
    JsonArray wholeFamily = new JsonArray();
    RegionBooks books = region.books(payDate);
    for (Insurance ins : Insurance.values()) {
      List<Integer> years = HouseholdAssessor.years(books, ins, payDate);
      if (years.isEmpty()) {
        continue;
      }
      // one line per open year, oldest first; the insurance's figures add them up
      JsonArray perYear = new JsonArray();
      long dueAll = 0;
      long governmentAll = 0;
      int unpaidAll = 0;
      for (int year : years) {
        InsuranceTerms t = books.book(ins, year).flatMap(b -> b.terms(ins)).orElseThrow();
        long due = 0;
        long government = 0;
        int unpaid = 0;
        for (HouseholdAssessor.Item it : items) {
          if (it.insurance() != ins || it.year() != year || it.assessment() == null) {
            continue;
          }
          if (it.status() == HouseholdAssessor.Status.UNPAID) {
            due += it.assessment().personalFen();
            unpaid++;
          }
          if (it.status() != HouseholdAssessor.Status.NOT_ELIGIBLE) {
            government += it.assessment().governmentFen();
          }
        }
        perYear.add(new JsonObject().put("year", year).put("unpaidMembers", unpaid).put("dueFen", due)
            .put("governmentFen", government));
        dueAll += due;
        governmentAll += government;
        unpaidAll += unpaid;
        if (t.wholeFamilyRequired()) {
          wholeFamily.add(new JsonObject().put("insurance", ins.code()).put("year", year)
              .put("source", t.wholeFamilySource().orElse(null)));
        }
      }
      totals.put(ins.code(), new JsonObject().put("year", years.get(years.size() - 1)).put("unpaidMembers", unpaidAll)
          .put("dueFen", dueAll).put("governmentFen", governmentAll)
          .put("note", ins == Insurance.PENSION ? "pension amounts at each member's lowest tier" : null)
          .put("years", perYear));
    }
    return new JsonObject()
        .put("household", new JsonObject().put("ref", h.ref().toString())
            .put("region", new JsonObject().put("code", region.code()).put("name", region.name()))
            .put("township", h.township()).put("village", h.village()))
        .put("payDate", payDate.toString())
        .put("members", members)
        .put("totals", totals)
        .put("wholeFamilyRequired", wholeFamily);
  }

  private static JsonObject item(HouseholdAssessor.Item it) {
    JsonObject o = new JsonObject().put("insurance", it.insurance().code()).put("year", it.year())
        .put("status", it.status().code);
    if (it.reason() != null) {
      o.put("reason", it.reason());
    }
    if (it.why() != null) {
      // the engine's stable code and its Chinese text (the book's wording where it gives one)
      o.put("reasonCode", it.why().code()).put("reasonText", it.why().text());
    }
    Household.Hold hold = it.status() == HouseholdAssessor.Status.PAID
        ? it.member().hold(it.insurance().code(), it.year()) : null;
    if (hold != null && hold.paidAt() != null) {
      // when it was paid, in Beijing time: the kiosk lists paid members with the day
      o.put("paidAt", hold.paidAt().atZoneSameInstant(ZoneId.of("Asia/Shanghai")).toOffsetDateTime()
          .truncatedTo(ChronoUnit.SECONDS).toString());
    }
    Assessment a = it.assessment();
    if (a != null && a.eligible()) {
      amounts(o, a);
      o.put("coverageStart", a.coverageStart().toString()).put("coverageEnd", a.coverageEnd().toString());
    }
    if (a != null) {
      o.put("rules", rules(a.rules()));
    }
    if (!it.tiers().isEmpty()) {
      JsonArray tiers = new JsonArray();
      for (HouseholdAssessor.TierOption t : it.tiers()) {
        // lean: a pension tier has no later subsidy, and its total is the sum of the three parts
        Assessment ta = t.assessment();
        tiers.add(new JsonObject().put("tier", t.tierYuan()).put("personalFen", ta.personalFen())
            .put("governmentFen", ta.governmentFen()).put("subsidyFen", ta.subsidyFen()));
      }
      o.put("tiers", tiers);
    }
    return o;
  }

  public static JsonObject amounts(JsonObject o, Assessment a) {
    return o.put("personalFen", a.personalFen()).put("governmentFen", a.governmentFen()).put("subsidyFen", a.subsidyFen())
        .put("laterSubsidyFen", a.laterSubsidyFen()).put("totalFen", a.totalFen());
  }

  public static JsonArray rules(List<AppliedRule> rules) {
    JsonArray a = new JsonArray();
    for (AppliedRule r : rules) {
      a.add(new JsonObject().put("id", r.id()).put("source", r.source()));
    }
    return a;
  }
}
