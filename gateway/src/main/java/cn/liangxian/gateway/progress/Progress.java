package cn.liangxian.gateway.progress;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * Progress against targets, live: per township and village of a region, for one insurance and year,
 * the persons on the roster (enrolled), the persons whose contribution is paid, the target, and the
 * rates. Read from the counts the database keeps as persons are imported and items paid or given back
 * (V27): a region's count reads a row or two per village, never its persons.
 */
public final class Progress {
  private static final String SQL = "with v as ("
      + " select v.township, v.name as village, v.enrolled,"
      + " (coalesce((select sum(c.paid) from progress_paid c where c.village_id = v.id and c.insurance = $2 and c.year = $3), 0)"
      + " + coalesce((select sum(c.paid) from progress_paid_change c where c.village_id = v.id and c.insurance = $2"
      + " and c.year = $3), 0))::bigint as paid"
      + " from village v where v.region_code = $1),"
      + " t as (select township, village, target from target where region_code = $1 and insurance = $2 and year = $3)"
      + " select coalesce(v.township, t.township) as township, coalesce(v.village, nullif(t.village, '')) as village,"
      + " coalesce(v.enrolled, 0) as enrolled, coalesce(v.paid, 0) as paid, t.target"
      + " from v full join (select * from t where village <> '') t on t.township = v.township and t.village = v.village"
      + " union all"
      + " select coalesce(s.township, t.township), null, coalesce(s.enrolled, 0), coalesce(s.paid, 0), t.target"
      + " from (select township, sum(enrolled) as enrolled, sum(paid) as paid from v group by township) s"
      + " full join (select * from t where village = '') t on t.township = s.township"
      + " order by 1, 2 nulls first";
  /**
   * The changes payments, releases and refunds left since the last fold, added to the counts in one statement: a
   * count reads the same totals before and after. Safe on several instances at once (a row is deleted once).
   */
  static final String FOLD = "with d as (delete from progress_paid_change returning village_id, insurance, year, paid)"
      + " insert into progress_paid (village_id, insurance, year, paid)"
      + " select village_id, insurance, year, sum(paid) from d group by 1, 2, 3"
      + " on conflict (village_id, insurance, year) do update set paid = progress_paid.paid + excluded.paid";

  private final Pool pool;

  public Progress(Pool pool) {
    this.pool = pool;
  }

  /** Folds the paid counts' changes into the counts; the number of counts that moved. */
  public Future<Integer> fold() {
    return pool.query(FOLD).execute().map(rows -> rows.rowCount());
  }

  public Future<JsonObject> of(String region, String insurance, int year) {
    return pool.preparedQuery(SQL).execute(Tuple.of(region, insurance, year)).map(rows -> {
      JsonArray townships = new JsonArray();
      JsonObject current = null;
      long enrolled = 0;
      long paid = 0;
      long target = 0;
      for (Row r : rows) {
        JsonObject line = line(r);
        if (r.getString("village") == null) {
          current = line.put("villages", new JsonArray());
          townships.add(current);
          enrolled += line.getLong("enrolled");
          paid += line.getLong("paid");
          target += line.getLong("target") == null ? 0 : line.getLong("target");
        } else if (current != null && current.getString("township").equals(r.getString("township"))) {
          current.getJsonArray("villages").add(line.put("village", r.getString("village")));
        }
      }
      return new JsonObject().put("region", region).put("insurance", insurance).put("year", year)
          .put("enrolled", enrolled).put("paid", paid).put("target", target)
          .put("paidRate", target == 0 ? null : paid / (double) target).put("townships", townships);
    });
  }

  private static JsonObject line(Row r) {
    Integer t = r.getInteger("target");
    long enrolled = r.getLong("enrolled");
    long paid = r.getLong("paid");
    return new JsonObject().put("township", r.getString("township")).put("enrolled", enrolled).put("paid", paid)
        .put("target", t).put("enrolledRate", t == null || t == 0 ? null : enrolled / (double) t)
        .put("paidRate", t == null || t == 0 ? null : paid / (double) t);
  }

  public static String csv(JsonObject p) {
    StringBuilder sb = new StringBuilder("township,village,enrolled,paid,target,paid_rate\n");
    for (Object o : p.getJsonArray("townships")) {
      JsonObject t = (JsonObject) o;
      sb.append(row(t.getString("township"), "", t));
      for (Object v : t.getJsonArray("villages")) {
        sb.append(row(t.getString("township"), ((JsonObject) v).getString("village"), (JsonObject) v));
      }
    }
    return sb.toString();
  }

  private static String row(String township, String village, JsonObject o) {
    return cn.liangxian.gateway.http.CsvLines.line(township, village, o.getValue("enrolled"), o.getValue("paid"), o.getValue("target"),
        cn.liangxian.gateway.http.CsvLines.rate(o.getDouble("paidRate")));
  }
}
