package cn.liangxian.gateway.lookup;

import cn.liangxian.gateway.privacy.Masking;
import cn.liangxian.gateway.time.BeijingTime;
import cn.liangxian.policy.AppliedRule;
import cn.liangxian.policy.Assessment;
import cn.liangxian.policy.Insurance;
import cn.liangxian.policy.InsuranceTerms;
import cn.liangxian.policy.RegionBooks;
import cn.liangxian.policy.Sex;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** The household as the API shows it: masked members, each insurance's status and amounts with clauses. */
public final class HouseholdView {
  private HouseholdView() {}

  private static final JsonFactory JSON = new JsonFactory();

  /**
   * The answer's bytes, written field by field as they are produced (no tree of objects built first and
   * walked again): this is the lookup's hot path.
   */
  public static byte[] render(Household h, Regions.Entry region, LocalDate payDate, List<HouseholdAssessor.Item> items) {
    ByteArrayBuilder out = new ByteArrayBuilder(8192);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      write(g, h, region, payDate, items);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // not from memory
    }
    byte[] bytes = out.toByteArray();
    out.release();
    return bytes;
  }

  private static final SerializedString MALE = new SerializedString("male");
  private static final SerializedString FEMALE = new SerializedString("female");
  // the answer's field names, encoded once (Jackson writes a SerializedString's bytes as they are)
  private static final SerializedString AGE = new SerializedString("age");
  private static final SerializedString CODE = new SerializedString("code");
  private static final SerializedString COVERAGE_END = new SerializedString("coverageEnd");
  private static final SerializedString COVERAGE_START = new SerializedString("coverageStart");
  private static final SerializedString DUE_FEN = new SerializedString("dueFen");
  private static final SerializedString GOVERNMENT_FEN = new SerializedString("governmentFen");
  private static final SerializedString HELD_UNTIL = new SerializedString("heldUntil");
  private static final SerializedString HOUSEHOLD = new SerializedString("household");
  private static final SerializedString ID = new SerializedString("id");
  private static final SerializedString ID_NUMBER = new SerializedString("idNumber");
  private static final SerializedString INSURANCE = new SerializedString("insurance");
  private static final SerializedString INSURANCES = new SerializedString("insurances");
  private static final SerializedString LATER_SUBSIDY_FEN = new SerializedString("laterSubsidyFen");
  private static final SerializedString MEMBERS = new SerializedString("members");
  private static final SerializedString NAME = new SerializedString("name");
  private static final SerializedString NOTE = new SerializedString("note");
  private static final SerializedString PAID_AT = new SerializedString("paidAt");
  private static final SerializedString PAY_DATE = new SerializedString("payDate");
  private static final SerializedString PERSONAL_FEN = new SerializedString("personalFen");
  private static final SerializedString REASON = new SerializedString("reason");
  private static final SerializedString REASON_CODE = new SerializedString("reasonCode");
  private static final SerializedString REASON_TEXT = new SerializedString("reasonText");
  private static final SerializedString REF = new SerializedString("ref");
  private static final SerializedString REFUNDED_FEN = new SerializedString("refundedFen");
  private static final SerializedString REGION = new SerializedString("region");
  private static final SerializedString RULES = new SerializedString("rules");
  private static final SerializedString SEX = new SerializedString("sex");
  private static final SerializedString SOURCE = new SerializedString("source");
  private static final SerializedString STATUS = new SerializedString("status");
  private static final SerializedString STATUS_TEXT = new SerializedString("statusText");
  private static final SerializedString SUBSIDY_FEN = new SerializedString("subsidyFen");
  private static final SerializedString TIER = new SerializedString("tier");
  private static final SerializedString TIERS = new SerializedString("tiers");
  private static final SerializedString TOTALS = new SerializedString("totals");
  private static final SerializedString TOTAL_FEN = new SerializedString("totalFen");
  private static final SerializedString TOWNSHIP = new SerializedString("township");
  private static final SerializedString UNPAID_MEMBERS = new SerializedString("unpaidMembers");
  private static final SerializedString VILLAGE = new SerializedString("village");
  private static final SerializedString WHOLE_FAMILY_REQUIRED = new SerializedString("wholeFamilyRequired");
  private static final SerializedString YEAR = new SerializedString("year");
  private static final SerializedString YEARS = new SerializedString("years");

  private static void str(JsonGenerator g, SerializedString name, String value) throws IOException {
    g.writeFieldName(name);
    g.writeString(value);
  }

  private static void str(JsonGenerator g, SerializedString name, SerializedString value) throws IOException {
    g.writeFieldName(name);
    g.writeString(value);
  }

  private static void num(JsonGenerator g, SerializedString name, long value) throws IOException {
    g.writeFieldName(name);
    g.writeNumber(value);
  }

  private static void write(JsonGenerator g, Household h, Regions.Entry region, LocalDate payDate,
      List<HouseholdAssessor.Item> items) throws IOException {
    g.writeStartObject();
    g.writeFieldName(HOUSEHOLD);
    g.writeStartObject();
    str(g, REF, h.ref().toString());
    g.writeFieldName(REGION);
    g.writeStartObject();
    str(g, CODE, region.code());
    str(g, NAME, region.name());
    g.writeEndObject();
    str(g, TOWNSHIP, h.township());
    str(g, VILLAGE, h.village());
    g.writeEndObject();
    str(g, PAY_DATE, payDate.toString());
    g.writeFieldName(MEMBERS);
    g.writeStartArray();
    for (Household.Member m : h.members()) {
      g.writeStartObject();
      str(g, REF, m.ref().toString());
      str(g, NAME, Masking.name(m.name()));
      str(g, ID_NUMBER, m.identity().masked());
      str(g, SEX, m.identity().sex() == Sex.MALE ? MALE : FEMALE);
      num(g, AGE, m.identity().ageOn(payDate));
      g.writeFieldName(INSURANCES);
      g.writeStartArray();
      for (HouseholdAssessor.Item it : items) {
        if (it.member() == m) {
          item(g, it);
        }
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeFieldName(TOTALS);
    g.writeStartObject();
    List<Object[]> wholeFamily = new ArrayList<>();
    RegionBooks books = region.books(payDate);
    for (Insurance ins : Insurance.values()) {
      List<Integer> years = yearsOf(items, ins);
      if (years.isEmpty()) {
        continue;
      }
      // one line per open year, oldest first; the insurance's figures add them up
      long dueAll = 0;
      long governmentAll = 0;
      int unpaidAll = 0;
      long[][] perYear = new long[years.size()][];
      for (int y = 0; y < years.size(); y++) {
        int year = years.get(y);
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
        perYear[y] = new long[] {year, unpaid, due, government};
        dueAll += due;
        governmentAll += government;
        unpaidAll += unpaid;
        if (t.wholeFamilyRequired()) {
          wholeFamily.add(new Object[] {ins.code(), year, t.wholeFamilySource().orElse(null)});
        }
      }
      g.writeObjectFieldStart(ins.code());
      num(g, YEAR, years.get(years.size() - 1));
      num(g, UNPAID_MEMBERS, unpaidAll);
      num(g, DUE_FEN, dueAll);
      num(g, GOVERNMENT_FEN, governmentAll);
      str(g, NOTE, ins == Insurance.PENSION ? "pension amounts at each member's lowest tier" : null);
      g.writeFieldName(YEARS);
      g.writeStartArray();
      for (long[] line : perYear) {
        g.writeStartObject();
        num(g, YEAR, (int) line[0]);
        num(g, UNPAID_MEMBERS, (int) line[1]);
        num(g, DUE_FEN, line[2]);
        num(g, GOVERNMENT_FEN, line[3]);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeFieldName(WHOLE_FAMILY_REQUIRED);
    g.writeStartArray();
    for (Object[] w : wholeFamily) {
      g.writeStartObject();
      str(g, INSURANCE, (String) w[0]);
      num(g, YEAR, (Integer) w[1]);
      str(g, SOURCE, (String) w[2]);
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** The benefit years the items were assessed for, oldest first: the household's years, not worked out again. */
  private static List<Integer> yearsOf(List<HouseholdAssessor.Item> items, Insurance ins) {
    List<Integer> years = new ArrayList<>(2);
    for (HouseholdAssessor.Item it : items) {
      if (it.insurance() == ins && !years.contains(it.year())) {
        years.add(it.year());
      }
    }
    years.sort(null);
    return years;
  }

  private static void item(JsonGenerator g, HouseholdAssessor.Item it) throws IOException {
    g.writeStartObject();
    str(g, INSURANCE, it.insurance().code());
    num(g, YEAR, it.year());
    str(g, STATUS, it.status().code);
    str(g, STATUS_TEXT, it.statusText());
    if (it.reason() != null) {
      str(g, REASON, it.reason());
    }
    if (it.why() != null) {
      // the engine's stable code and its Chinese text (the book's wording where it gives one)
      str(g, REASON_CODE, it.why().code());
      str(g, REASON_TEXT, it.why().text());
    }
    Household.Hold hold = it.status() == HouseholdAssessor.Status.PAID || it.status() == HouseholdAssessor.Status.IN_PROGRESS
        ? it.member().hold(it.insurance().code(), it.year()) : null;
    if (hold != null && hold.paidAt() != null) {
      // when it was paid, in Beijing time: the kiosk lists paid members with the day
      str(g, PAID_AT, BeijingTime.iso(hold.paidAt()));
    }
    if (hold != null && it.status() == HouseholdAssessor.Status.IN_PROGRESS && hold.heldUntil() != null) {
      // when the order holding it expires (read with the hold, no query of its own): until then no other order may take
      // the item, and a page can say when it may be paid again. A kept answer never shows it stale: the hold's row
      // changes (paid, released) bump the household's stamp
      str(g, HELD_UNTIL, BeijingTime.iso(hold.heldUntil()));
    }
    if (hold != null && hold.item() != null && hold.item().tierYuan() != null) {
      // the tier it was paid, or is being paid, at (pension's; medical's where the book has tiers), as its order recorded it
      num(g, TIER, hold.item().tierYuan());
    }
    // the amounts and clauses of an item paid or being paid are those its order recorded (see HouseholdAssessor.item)
    Assessment a = it.assessment();
    if (a != null && a.eligible()) {
      num(g, PERSONAL_FEN, a.personalFen());
      num(g, GOVERNMENT_FEN, a.governmentFen());
      num(g, SUBSIDY_FEN, a.subsidyFen());
      num(g, LATER_SUBSIDY_FEN, a.laterSubsidyFen());
      num(g, TOTAL_FEN, a.totalFen());
      if (hold != null && hold.item() != null && hold.item().refundedFen() > 0) {
        // given back of a paid item since (a category that arrived late): its personalFen and totalFen are net of it
        num(g, REFUNDED_FEN, hold.item().refundedFen());
      }
      if (a.coverageStart() != null) {
        // a paid or held item's cover is the one its order recorded (an older order's: the books' where they still assess it)
        str(g, COVERAGE_START, a.coverageStart().toString());
        str(g, COVERAGE_END, a.coverageEnd().toString());
      }
    }
    if (a != null) {
      g.writeFieldName(RULES);
      g.writeStartArray();
      for (AppliedRule r : a.rules()) {
        g.writeStartObject();
        str(g, ID, r.id());
        str(g, SOURCE, r.source());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    if (!it.tiers().isEmpty()) {
      g.writeFieldName(TIERS);
      g.writeStartArray();
      for (HouseholdAssessor.TierOption t : it.tiers()) {
        // lean: a pension tier has no later subsidy, and its total is the sum of the three parts
        Assessment ta = t.assessment();
        g.writeStartObject();
        num(g, TIER, t.tierYuan());
        num(g, PERSONAL_FEN, ta.personalFen());
        num(g, GOVERNMENT_FEN, ta.governmentFen());
        num(g, SUBSIDY_FEN, ta.subsidyFen());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
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
