package cn.liangxian.gateway.lookup;

import cn.liangxian.gateway.privacy.Masking;
import cn.liangxian.gateway.time.BeijingTime;
import cn.liangxian.policy.AppliedRule;
import cn.liangxian.policy.Assessment;
import cn.liangxian.policy.Insurance;
import cn.liangxian.policy.InsuranceTerms;
import cn.liangxian.policy.RegionBooks;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
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

  private static void write(JsonGenerator g, Household h, Regions.Entry region, LocalDate payDate,
      List<HouseholdAssessor.Item> items) throws IOException {
    g.writeStartObject();
    g.writeObjectFieldStart("household");
    g.writeStringField("ref", h.ref().toString());
    g.writeObjectFieldStart("region");
    g.writeStringField("code", region.code());
    g.writeStringField("name", region.name());
    g.writeEndObject();
    g.writeStringField("township", h.township());
    g.writeStringField("village", h.village());
    g.writeEndObject();
    g.writeStringField("payDate", payDate.toString());
    g.writeArrayFieldStart("members");
    for (Household.Member m : h.members()) {
      g.writeStartObject();
      g.writeStringField("ref", m.ref().toString());
      g.writeStringField("name", Masking.name(m.name()));
      g.writeStringField("idNumber", m.identity().masked());
      g.writeStringField("sex", m.identity().sex().name().toLowerCase());
      g.writeNumberField("age", m.identity().ageOn(payDate));
      g.writeArrayFieldStart("insurances");
      for (HouseholdAssessor.Item it : items) {
        if (it.member() == m) {
          item(g, it);
        }
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeObjectFieldStart("totals");
    List<Object[]> wholeFamily = new ArrayList<>();
    RegionBooks books = region.books(payDate);
    for (Insurance ins : Insurance.values()) {
      List<Integer> years = HouseholdAssessor.years(books, ins, payDate, h);
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
      g.writeNumberField("year", years.get(years.size() - 1));
      g.writeNumberField("unpaidMembers", unpaidAll);
      g.writeNumberField("dueFen", dueAll);
      g.writeNumberField("governmentFen", governmentAll);
      g.writeStringField("note", ins == Insurance.PENSION ? "pension amounts at each member's lowest tier" : null);
      g.writeArrayFieldStart("years");
      for (long[] line : perYear) {
        g.writeStartObject();
        g.writeNumberField("year", (int) line[0]);
        g.writeNumberField("unpaidMembers", (int) line[1]);
        g.writeNumberField("dueFen", line[2]);
        g.writeNumberField("governmentFen", line[3]);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeArrayFieldStart("wholeFamilyRequired");
    for (Object[] w : wholeFamily) {
      g.writeStartObject();
      g.writeStringField("insurance", (String) w[0]);
      g.writeNumberField("year", (Integer) w[1]);
      g.writeStringField("source", (String) w[2]);
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void item(JsonGenerator g, HouseholdAssessor.Item it) throws IOException {
    g.writeStartObject();
    g.writeStringField("insurance", it.insurance().code());
    g.writeNumberField("year", it.year());
    g.writeStringField("status", it.status().code);
    if (it.reason() != null) {
      g.writeStringField("reason", it.reason());
    }
    if (it.why() != null) {
      // the engine's stable code and its Chinese text (the book's wording where it gives one)
      g.writeStringField("reasonCode", it.why().code());
      g.writeStringField("reasonText", it.why().text());
    }
    Household.Hold hold = it.status() == HouseholdAssessor.Status.PAID || it.status() == HouseholdAssessor.Status.IN_PROGRESS
        ? it.member().hold(it.insurance().code(), it.year()) : null;
    if (hold != null && hold.paidAt() != null) {
      // when it was paid, in Beijing time: the kiosk lists paid members with the day
      g.writeStringField("paidAt", BeijingTime.iso(hold.paidAt()));
    }
    if (hold != null && it.status() == HouseholdAssessor.Status.IN_PROGRESS && hold.heldUntil() != null) {
      // when the order holding it expires (read with the hold, no query of its own): until then no other order may take
      // the item, and a page can say when it may be paid again. A kept answer never shows it stale: the hold's row
      // changes (paid, released) bump the household's stamp
      g.writeStringField("heldUntil", BeijingTime.iso(hold.heldUntil()));
    }
    if (hold != null && hold.item() != null && hold.item().tierYuan() != null) {
      // the tier it was paid, or is being paid, at (pension's; medical's where the book has tiers), as its order recorded it
      g.writeNumberField("tier", hold.item().tierYuan());
    }
    // the amounts and clauses of an item paid or being paid are those its order recorded (see HouseholdAssessor.item)
    Assessment a = it.assessment();
    if (a != null && a.eligible()) {
      g.writeNumberField("personalFen", a.personalFen());
      g.writeNumberField("governmentFen", a.governmentFen());
      g.writeNumberField("subsidyFen", a.subsidyFen());
      g.writeNumberField("laterSubsidyFen", a.laterSubsidyFen());
      g.writeNumberField("totalFen", a.totalFen());
      if (hold != null && hold.item() != null && hold.item().refundedFen() > 0) {
        // given back of a paid item since (a category that arrived late): its personalFen and totalFen are net of it
        g.writeNumberField("refundedFen", hold.item().refundedFen());
      }
      if (a.coverageStart() != null) {
        // a paid or held item's cover is the one its order recorded (an older order's: the books' where they still assess it)
        g.writeStringField("coverageStart", a.coverageStart().toString());
        g.writeStringField("coverageEnd", a.coverageEnd().toString());
      }
    }
    if (a != null) {
      g.writeArrayFieldStart("rules");
      for (AppliedRule r : a.rules()) {
        g.writeStartObject();
        g.writeStringField("id", r.id());
        g.writeStringField("source", r.source());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    if (!it.tiers().isEmpty()) {
      g.writeArrayFieldStart("tiers");
      for (HouseholdAssessor.TierOption t : it.tiers()) {
        // lean: a pension tier has no later subsidy, and its total is the sum of the three parts
        Assessment ta = t.assessment();
        g.writeStartObject();
        g.writeNumberField("tier", t.tierYuan());
        g.writeNumberField("personalFen", ta.personalFen());
        g.writeNumberField("governmentFen", ta.governmentFen());
        g.writeNumberField("subsidyFen", ta.subsidyFen());
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
