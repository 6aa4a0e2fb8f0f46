package cn.liangxian.gateway.order;

import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.ResidentTexts;
import cn.liangxian.gateway.lookup.Household;
import cn.liangxian.gateway.lookup.HouseholdAssessor;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.privacy.Masking;
import cn.liangxian.policy.Assessment;
import cn.liangxian.policy.AssessmentException;
import cn.liangxian.policy.Insurance;
import cn.liangxian.policy.InsuranceTerms;
import cn.liangxian.policy.PolicyBook;
import cn.liangxian.policy.RegionBooks;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What an order request may become: every item checked against the household's status and assessed
 * again on the server (the client's amounts are never trusted), and the whole-family rule applied.
 */
public final class OrderDraft {
  /** One person-insurance-year to pay, with the amounts the book gives. */
  public record Line(Household.Member member, Insurance insurance, int year, Integer tier, Assessment assessment) {}

  /** An order ready to be reserved. */
  public record Order(UUID id, String clientId, String key, byte[] requestHash, long householdId, String regionCode,
      String channel, String mode, List<Line> lines, long totalFen, OffsetDateTime createdAt, OffsetDateTime expiresAt,
      String merchant) {}

  private final Household household;
  private final Regions.Entry region;
  private final LocalDate payDate;
  private final RegionBooks books;
  private final List<HouseholdAssessor.Item> status;

  public OrderDraft(Household household, Regions.Entry region, LocalDate payDate, OffsetDateTime now) {
    this.household = household;
    this.region = region;
    this.payDate = payDate;
    this.books = region.books(payDate);
    this.status = HouseholdAssessor.assess(household, books, payDate, now);
  }

  /** The lines of the request, or a 409/422 problem naming the first item that cannot be paid. */
  public List<Line> lines(OrderRequest req) {
    List<Line> lines = new ArrayList<>();
    for (OrderRequest.Item it : req.items()) {
      lines.add(line(it));
    }
    wholeFamily(lines);
    return lines;
  }

  private Line line(OrderRequest.Item it) {
    Household.Member m = household.member(it.memberRef());
    if (m == null) {
      throw Problem.unprocessable("unknown-member", "Unknown member", "memberRef " + it.memberRef()
          + " is not a member of this household", new JsonObject().put("memberRef", it.memberRef().toString()));
    }
    List<Integer> years = HouseholdAssessor.years(books, it.insurance(), payDate, m.identity().birthDate());
    if (years.isEmpty()) {
      throw Problem.unprocessable("not-offered", "Insurance not offered", it.insurance().code()
          + " is not collected in this region", null);
    }
    if (!years.contains(it.year())) {
      throw Problem.unprocessable("wrong-year", "Wrong year", "collection here is for "
          + years.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(" and ")) + ", not " + it.year(),
          new JsonObject().put("memberRef", m.ref().toString()));
    }
    PolicyBook book = books.book(it.insurance(), it.year()).orElseThrow();
    JsonObject who = new JsonObject().put("memberRef", m.ref().toString()).put("insurance", it.insurance().code());
    payable(m, it, who);
    Integer tier = it.tier();
    if (tier != null && it.insurance() == Insurance.MEDICAL && book.terms(Insurance.MEDICAL).orElseThrow().tiersYuan().isEmpty()) {
      // a tier where the book has none was meant for something else
      throw Problem.invalidField("tier", "medical has no tiers in this region: leave tier out");
    }
    Assessment a;
    try {
      a = HouseholdAssessor.assessOne(m, it.insurance(), book, payDate, tier);
    } catch (AssessmentException e) {
      throw Problem.unprocessable("not-payable", "Cannot be paid", e.getMessage(), who)
          .resident(notPayable(m, it.insurance(), e.reason() != null ? e.reason().text() : e.getMessage()));
    }
    if (!a.eligible() || a.personalFen() == 0) {
      throw Problem.unprocessable("not-payable", "Cannot be paid", a.eligible() ? "nothing to pay at this tier" : a.reason(), who)
          .resident(notPayable(m, it.insurance(), a.eligible() ? "这一档次没有需要个人缴的费用"
              : a.why() != null ? a.why().text() : a.reason()));
    }
    return new Line(m, it.insurance(), it.year(), tier, a);
  }

  static String zh(Insurance ins) {
    return ins == Insurance.PENSION ? "养老保险" : "医疗保险";
  }

  /**
   * The resident's words for why an item cannot be paid: the policy engine's reason where it is written in
   * Chinese (a book's own text, or the engine's Chinese text for its reason code), else a plain sentence.
   */
  static String notPayable(Household.Member m, Insurance ins, String reason) {
    String who = Masking.name(m.name()) + "本年度不能缴" + zh(ins);
    return ResidentTexts.chinese(reason) ? who + "：" + reason : who;
  }

  /** Refuses an item already paid, being paid, not payable, or paid by the government. */
  private void payable(Household.Member m, OrderRequest.Item it, JsonObject who) {
    HouseholdAssessor.Item st = status.stream()
        .filter(s -> s.member() == m && s.insurance() == it.insurance() && s.year() == it.year()).findFirst().orElseThrow();
    switch (st.status()) {
      case PAID -> throw Problem.conflict("already-paid", "Already paid", Masking.name(m.name()) + "'s "
          + it.insurance().code() + " " + it.year() + " is already paid", who)
          .resident(Masking.name(m.name()) + "的" + it.year() + "年度" + zh(it.insurance()) + "已缴费，无需再缴");
      case IN_PROGRESS -> throw Problem.conflict("being-paid-elsewhere", "Being paid elsewhere", Masking.name(m.name())
          + "'s " + it.insurance().code() + " is being paid in another order; wait for it to finish or expire", who)
          .resident(Masking.name(m.name()) + "的" + zh(it.insurance()) + "正在另一笔订单中缴费（可能在手机上），请等它完成或失效后再试");
      case NOT_ELIGIBLE, NOT_AVAILABLE -> throw Problem.unprocessable("not-payable", "Cannot be paid", st.reason(), who)
          .resident(notPayable(m, it.insurance(), st.why() != null ? st.why().text() : st.reason()));
      case PAID_BY_GOVERNMENT -> {
        // a higher tier than the one the government pays is the resident's to choose (pension; medical with tiers)
        if (it.insurance() == Insurance.MEDICAL && it.tier() == null) {
          throw Problem.unprocessable("paid-by-government", "Nothing to pay",
              "the government pays " + Masking.name(m.name()) + "'s contribution", who)
              .resident(Masking.name(m.name()) + "的个人缴费由政府代缴，无需缴费");
        }
      }
      default -> { }
    }
  }

  /** Everyone who still has to pay must be in the order where the book of that year says so (000 五2, 003 三(二)). */
  private void wholeFamily(List<Line> lines) {
    for (Insurance ins : Insurance.values()) {
      for (int year : HouseholdAssessor.years(books, ins, payDate, household)) {
        InsuranceTerms t = books.book(ins, year).flatMap(b -> b.terms(ins)).orElse(null);
        boolean ordered = lines.stream().anyMatch(l -> l.insurance() == ins && l.year() == year);
        if (t == null || !t.wholeFamilyRequired() || !ordered) {
          continue;
        }
        List<String> missing = status.stream().filter(s -> s.insurance() == ins && s.year() == year
                && (s.status() == HouseholdAssessor.Status.UNPAID || s.status() == HouseholdAssessor.Status.IN_PROGRESS))
            .filter(s -> lines.stream().noneMatch(l -> l.member() == s.member() && l.insurance() == ins && l.year() == year))
            .map(s -> s.member().ref().toString()).toList();
        if (!missing.isEmpty()) {
          throw Problem.unprocessable("whole-family", "The whole family must enrol",
              ins.code() + " " + year + " here is paid for the whole household (" + t.wholeFamilySource().orElse("")
                  + "): add every member who has not paid yet", new JsonObject().put("missingMemberRefs", new JsonArray(missing)))
              .resident("本地" + zh(ins) + "须全家一起缴费，请把尚未缴费的" + missing.size() + "位家庭成员也选上");
        }
      }
    }
  }
}
