package cn.liangxian.gateway.posting;

import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.lookup.Household;
import cn.liangxian.gateway.lookup.HouseholdAssessor;
import cn.liangxian.gateway.lookup.HouseholdStore;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.privacy.Masking;
import cn.liangxian.policy.Insurance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The public posting (公示) of one village: every person on its roster with, for one insurance and the
 * year its book collects, whether they are paid, paid by the government, still to pay or not eligible,
 * and the personal amount paid. Names and ID numbers appear masked only. A posting has a period (from a
 * day, for a number of days) during which residents may object.
 */
public final class Posting {
  public static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");
  static final Map<HouseholdAssessor.Status, String> STATUS_ZH = Map.of(
      HouseholdAssessor.Status.PAID, "已缴费",
      HouseholdAssessor.Status.PAID_BY_GOVERNMENT, "政府代缴",
      HouseholdAssessor.Status.UNPAID, "未缴费",
      HouseholdAssessor.Status.IN_PROGRESS, "缴费中",
      HouseholdAssessor.Status.NOT_ELIGIBLE, "不符合参保条件",
      HouseholdAssessor.Status.NOT_AVAILABLE, "暂不能缴费");

  private final Vertx vertx;
  private final Pool pool;
  private final HouseholdStore store;
  private final Regions regions;
  private final Clock clock;

  public Posting(Vertx vertx, Pool pool, Regions regions, Clock clock, HouseholdStore store) {
    this.vertx = vertx;
    this.pool = pool;
    this.store = store;
    this.regions = regions;
    this.clock = clock;
  }

  /** The posting as JSON: header, period, summary, and one line per person (masked). */
  public Future<JsonObject> of(Regions.Entry region, Insurance ins, String township, String village, LocalDate from, int days) {
    int year = region.book().terms(ins).orElseThrow(() -> Problem.notFound("not-offered", "Not offered",
        ins.code() + " is not collected in " + region.code())).benefitYear();
    LocalDate payDate = regions.payDate(region);
    OffsetDateTime now = OffsetDateTime.now(clock);
    Future<List<Household>> households = store.byVillage(vertx, pool, region.code(), township, village);
    Future<Map<Long, Row>> paid = pool.preparedQuery("select i.person_id, i.personal_fen, i.tier_yuan, o.paid_at from order_item i"
            + " join orders o on o.id = i.order_id join reservation r on r.order_id = o.id and r.person_id = i.person_id"
            + " and r.insurance = i.insurance and r.year = i.year and r.paid"
            + " join household h on h.id = o.household_id join village v on v.id = h.village_id"
            + " where v.region_code = $1 and v.township = $2 and v.name = $3 and i.insurance = $4 and i.year = $5")
        .execute(Tuple.of(region.code(), township, village, ins.code(), year)).map(rows -> {
          Map<Long, Row> m = new HashMap<>();
          rows.forEach(r -> m.put(r.getLong("person_id"), r));
          return m;
        });
    return Future.all(households, paid).compose(x -> {
      if (households.result().isEmpty()) {
        return Future.failedFuture(Problem.notFound("no-such-village", "No such village",
            "no roster for " + region.code() + "/" + township + "/" + village));
      }
      return vertx.executeBlocking(() -> build(region, ins, year, township, village, from, days, payDate, now,
          households.result(), paid.result()), false);
    });
  }

  private static JsonObject build(Regions.Entry region, Insurance ins, int year, String township, String village, LocalDate from,
      int days, LocalDate payDate, OffsetDateTime now, List<Household> households, Map<Long, Row> paid) {
    JsonArray lines = new JsonArray();
    Map<String, Integer> counts = new java.util.TreeMap<>();
    long paidFen = 0;
    int n = 0;
    int householdNo = 0;
    for (Household h : households) {
      householdNo++;
      for (HouseholdAssessor.Item item : HouseholdAssessor.assess(h, region, payDate, now)) {
        if (item.insurance() != ins || item.year() != year) {
          continue;
        }
        Row p = paid.get(item.member().id());
        JsonObject line = new JsonObject().put("no", ++n).put("household", householdNo)
            .put("name", Masking.name(item.member().name())).put("idNumber", item.member().identity().masked())
            .put("status", item.status().code).put("statusText", STATUS_ZH.get(item.status()));
        if (p != null) {
          // what stays paid, as the lookup and the receipt say it: net of a difference given back since (a category that
          // arrived late), once the channel confirmed it or finance paid it back another way
          long personal = item.status() == HouseholdAssessor.Status.PAID && item.assessment() != null
              ? item.assessment().personalFen() : p.getLong("personal_fen");
          line.put("personalFen", personal).put("tierYuan", p.getInteger("tier_yuan"))
              .put("paidOn", p.getOffsetDateTime("paid_at") == null ? null
                  : p.getOffsetDateTime("paid_at").atZoneSameInstant(CHINA).toLocalDate().toString());
          paidFen += personal;
        }
        counts.merge(item.status().code, 1, Integer::sum);
        lines.add(line);
      }
    }
    JsonObject summary = new JsonObject().put("persons", n).put("personalPaidFen", paidFen);
    counts.forEach(summary::put);
    return new JsonObject().put("region", region.code()).put("regionName", region.name()).put("township", township)
        .put("village", village).put("insurance", ins.code()).put("year", year)
        .put("period", new JsonObject().put("from", from.toString()).put("to", from.plusDays(days - 1L).toString()))
        .put("generatedAt", cn.liangxian.gateway.time.BeijingTime.iso(now))
        .put("summary", summary).put("persons", lines);
  }

  public static String title(JsonObject p) {
    return p.getInteger("year") + "年度城乡居民基本" + ("medical".equals(p.getString("insurance")) ? "医疗" : "养老")
        + "保险参保缴费公示";
  }

  /** One line per person; the header names the columns. */
  public static String csv(JsonObject p) {
    StringBuilder sb = new StringBuilder("no,household,name,id_number,status,personal_yuan,tier_yuan,paid_on\n");
    for (Object o : p.getJsonArray("persons")) {
      JsonObject l = (JsonObject) o;
      sb.append(cn.liangxian.gateway.http.CsvLines.line(l.getInteger("no"), l.getInteger("household"), l.getString("name"),
          l.getString("idNumber"), l.getString("statusText"), l.getLong("personalFen") == null ? null : yuan(l.getLong("personalFen")),
          l.getInteger("tierYuan"), l.getString("paidOn")));
    }
    return sb.toString();
  }

  public static String yuan(long fen) {
    return java.math.BigDecimal.valueOf(fen, 2).toPlainString();
  }
}
