package cn.liangxian.gateway.handoff;

import cn.liangxian.gateway.outbox.Outbox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.Replies;
import cn.liangxian.gateway.operator.AuditTrail;
import cn.liangxian.gateway.operator.Operator;
import cn.liangxian.gateway.operator.Role;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The daily reconciliation per receiver, once across instances (the instance that inserts the day's row
 * runs it, in that transaction): the items paid on a Beijing day against the contribution records the
 * receiver acknowledged (accepted, or filed), counts and sums. Every difference is listed; a paid item
 * without a record gets one, and a record still unanswered is sent again at once, a single time.
 */
public final class HandoffReconciliation {
  /** A day is reconciled an hour after it ends, when its files are written and late callbacks are in. */
  static final Duration AFTER = Duration.ofHours(1);
  static final String CLAIM = "insert into handoff_reconciliation (receiver, day, paid_items, paid_fen, acknowledged,"
      + " acknowledged_fen, resent, differences, run_at) values ($1, $2, 0, 0, 0, 0, 0, '[]', $3) on conflict do nothing"
      + " returning receiver";
  // the paid items of the day in the receiver's region and insurance, each with its record (if any)
  private static final String ITEMS_OF_THE_DAY = " from orders o join order_item i on i.order_id = o.id"
      + " join household h on h.id = o.household_id join village v on v.id = h.village_id"
      + " left join handoff_record r on r.kind = 'CONTRIBUTION' and r.order_id = o.id and r.person_id = i.person_id"
      + " and r.insurance = i.insurance where o.state = 'PAID' and v.region_code = $1"
      // the Beijing day as a range of instants, which an index on paid_at could serve, not a date computed row by row
      + " and i.insurance = $2 and o.paid_at >= $3 and o.paid_at < $4"
      + " and exists (select 1 from reservation s where s.order_id = o.id and s.person_id = i.person_id and s.insurance = i.insurance)";
  private static final String ACKNOWLEDGED = "r.state in ('ACCEPTED', 'FILED')";
  // a deadline day is hundreds of thousands of items: counted and summed where they are, never read into the gateway
  static final String TOTALS = "select count(*) as paid_items, coalesce(sum(i.personal_fen), 0) as paid_fen,"
      + " count(*) filter (where " + ACKNOWLEDGED + ") as acknowledged,"
      + " coalesce(sum(i.personal_fen) filter (where " + ACKNOWLEDGED + "), 0) as acknowledged_fen,"
      + " count(*) filter (where r.id is null) as missing" + ITEMS_OF_THE_DAY;
  // the orders with an item whose record is missing: each given its records again
  static final String MISSING = "select distinct o.id as order_id, o.channel_txn_id, o.paid_at" + ITEMS_OF_THE_DAY
      + " and r.id is null";
  // the records still unanswered, sent again at once (a single time), in one statement; but not while a request for one
  // may still be answered (its lease): brought forward then, it would be claimed by another instance and sent twice at once
  static final String RESEND_DAY = "update handoff_record set next_attempt_at = greatest($5, leased_until) where state = 'PENDING'"
      + " and id in (select r.id" + ITEMS_OF_THE_DAY + " and r.state = 'PENDING')";
  /** The most differences a day's report lists: the counts are whole, the list is where to start looking. */
  static final int LISTED = 1000;
  static final String DIFFERENCES = "select o.id as order_id, i.person_id, i.personal_fen, r.state" + ITEMS_OF_THE_DAY
      + " and (r.id is null or not " + ACKNOWLEDGED + ") order by o.paid_at, o.id, i.person_id limit " + LISTED;
  // a record of the day a receiver given files has not had yet: its file is still to be written (or being written)
  static final String UNFILED = "select exists (select 1 from handoff_record r where r.state = 'PENDING' and r.region_code = $1"
      + " and r.insurance = $2 and r.created_at >= $3 and r.created_at < $4) as unfiled";
  static final String DONE = "update handoff_reconciliation set paid_items = $3, paid_fen = $4, acknowledged = $5,"
      + " acknowledged_fen = $6, resent = $7, differences = $8 where receiver = $1 and day = $2";
  // the columns named, never *: a column a later version adds would fail this statement where it is prepared already
  static final String READ = "select paid_items, paid_fen, acknowledged, acknowledged_fen, resent, differences, run_at"
      + " from handoff_reconciliation where receiver = $1 and day = $2";
  /**
   * The receiver's ($1) days from $2 to $3 that no instance has reconciled, from its first day reconciled on: a day missed
   * while every instance or the database was down, or whose file could not be written in time; and an older day whose
   * file was written since $4 (a folder that could not be written for longer than the look-back): reconciled once it is
   * in its file, however late, never left out unsaid.
   */
  static final String MISSED = "select d::date as day from generate_series($2::date, $3::date, interval '1 day') as d"
      + " where d::date >= (select min(day) from handoff_reconciliation where receiver = $1)"
      + " and not exists (select 1 from handoff_reconciliation x where x.receiver = $1 and x.day = d::date)"
      + " union select f.day from handoff_file f where f.receiver = $1 and f.written_at >= $4 and f.day < $2"
      + " and not exists (select 1 from handoff_reconciliation x where x.receiver = $1 and x.day = f.day) order by 1";
  /** How many days before yesterday a missed day is still reconciled: the channels' bills' look-back, a week. */
  static final int LOOK_BACK_DAYS = 7;

  private final Pool pool;
  private final Clock clock;

  public HandoffReconciliation(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /**
   * Reconciles yesterday (Beijing) for every receiver once it is due and no instance has, and the days of the week before
   * it that were missed (from the receiver's first day reconciled on); how many were run here.
   */
  public Future<Integer> runDue(Iterable<Receiver> receivers) {
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    LocalDate day = now.minus(AFTER).atZoneSameInstant(ContributionRecord.BEIJING).toLocalDate().minusDays(1);
    Future<Integer> all = Future.succeededFuture(0);
    for (Receiver r : receivers) {
      all = all.compose(n -> pool.preparedQuery(MISSED).execute(Tuple.of(r.name(), day.minusDays(LOOK_BACK_DAYS), day.minusDays(1),
              now.minusDays(LOOK_BACK_DAYS)))
          .compose(missed -> {
            Future<Integer> ran = Future.succeededFuture(n);
            for (Row m : missed) {
              LocalDate d = m.getLocalDate("day");
              ran = ran.compose(k -> run(r, d, now).map(done -> k + (done ? 1 : 0)));
            }
            return ran.compose(k -> run(r, day, now).map(done -> k + (done ? 1 : 0)));
          }));
    }
    return all;
  }

  /**
   * Reconciles the day for the receiver unless another instance has; for a receiver given files, only once the day's
   * records are in its files: a round that came while the file was being written (or a gateway started after the hour,
   * or a folder that could not be written) would count them as never delivered, and the day is reconciled once.
   */
  Future<Boolean> run(Receiver r, LocalDate day, OffsetDateTime now) {
    Future<Boolean> filed = r.transport() != Receiver.Transport.FILE ? Future.succeededFuture(true)
        : pool.preparedQuery(UNFILED).execute(Tuple.of(r.region(), r.insurance(),
                day.atStartOfDay(ContributionRecord.BEIJING).toOffsetDateTime(),
                day.plusDays(1).atStartOfDay(ContributionRecord.BEIJING).toOffsetDateTime()))
            .map(rows -> !rows.iterator().next().getBoolean("unfiled"));
    return filed.compose(ready -> !ready ? Future.succeededFuture(false)
        // taken first: without it the claim's insert waits on another instance's uncommitted row for its whole run
        : pool.withTransaction(conn -> HandoffStore.take(conn, "reconciliation/" + r.name(), day).compose(taken -> !taken
            ? Future.succeededFuture(false)
            : conn.preparedQuery(CLAIM).execute(Tuple.of(r.name(), day, now)).compose(claimed ->
                claimed.size() == 0 ? Future.succeededFuture(false) : compare(conn, r, day, now).map(true)))));
  }

  /**
   * Counts and sums the day's paid items against the records the receiver acknowledged, gives a missing record back to its
   * order, sends the records still unanswered again, and lists the differences (the first {@link #LISTED}): in a few
   * statements whatever the day's size, nothing of the whole day held here.
   */
  private Future<Void> compare(SqlConnection conn, Receiver r, LocalDate day, OffsetDateTime now) {
    Tuple of = Tuple.of(r.region(), r.insurance(), day.atStartOfDay(ContributionRecord.BEIJING).toOffsetDateTime(),
        day.plusDays(1).atStartOfDay(ContributionRecord.BEIJING).toOffsetDateTime());
    return conn.preparedQuery(TOTALS).execute(of).map(rows -> rows.iterator().next()).compose(totals ->
        conn.preparedQuery(DIFFERENCES).execute(of).compose(listed -> {
          JsonArray differences = new JsonArray();
          for (Row row : listed) {
            String state = row.getString("state");
            differences.add(new JsonObject().put("orderId", row.getUUID("order_id").toString()).put("personId", row.getLong("person_id"))
                .put("personalFen", row.getLong("personal_fen")).put("record", state == null ? "missing" : state.toLowerCase()));
          }
          // the records waiting sent again first: the records given back to missing items below are new, sent anyway,
          // and counted once, as missing
          return conn.preparedQuery(RESEND_DAY).execute(Tuple.of(of.getValue(0), of.getValue(1), of.getValue(2),
              of.getValue(3), now)).map(waiting -> totals.getLong("missing") + waiting.rowCount())
              .compose(resent -> conn.preparedQuery(MISSING).execute(of).compose(missing -> {
                // dated the day it was paid: that day's further file, for a receiver given files
                Future<Void> repairs = Future.succeededFuture();
                for (Row m : missing) {
                  repairs = repairs.compose(x -> Outbox.contributions(conn, m.getUUID("order_id"),
                      m.getString("channel_txn_id"), m.getOffsetDateTime("paid_at")));
                }
                return repairs.map(resent);
              }))
              .compose(resent -> conn.preparedQuery(DONE).execute(Tuple.from(new Object[] {r.name(), day,
                  totals.getLong("paid_items").intValue(), totals.getLong("paid_fen"), totals.getLong("acknowledged").intValue(),
                  totals.getLong("acknowledged_fen"), (int) (long) resent, differences})));
        })).mapEmpty();
  }

  /** {@code GET /api/v1/operator/handoff/reconciliation/{receiver}/{date}}: administrators and finance, inside their scope. */
  public void handle(RoutingContext ctx, java.util.List<Receiver> receivers) {
    Operator op = Operator.of(ctx).require(Role.ADMIN, Role.FINANCE);
    ctx.put(AuditTrail.ACTION, "handoff.reconciliation.read");
    Receiver r = receivers.stream().filter(x -> x.name().equals(ctx.pathParam("receiver"))).findFirst()
        .orElseThrow(() -> Problem.notFound("receiver-not-found", "No such receiver", "no receiver " + ctx.pathParam("receiver")));
    if (!op.scope().touches(r.region())) {
      throw op.outOfScope(r.region());
    }
    LocalDate day = cn.liangxian.gateway.http.RequestDates.day(ctx.pathParam("date"), "date");
    Replies.json(ctx, read(r.name(), day).map(j -> {
      if (j == null) {
        throw Problem.notFound("reconciliation-not-run", "Not reconciled yet",
            "the reconciliation of " + day + " runs an hour after the day ends (Beijing time)");
      }
      return j;
    }));
  }

  /** A receiver's reconciliation of a day as it was run; null when it has not run. */
  public Future<JsonObject> read(String receiver, LocalDate day) {
    return pool.preparedQuery(READ).execute(Tuple.of(receiver, day)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row x = rows.iterator().next();
      return new JsonObject().put("receiver", receiver).put("day", day.toString()).put("paidItems", x.getInteger("paid_items"))
          .put("paidFen", x.getLong("paid_fen")).put("acknowledged", x.getInteger("acknowledged"))
          .put("acknowledgedFen", x.getLong("acknowledged_fen")).put("resent", x.getInteger("resent"))
          .put("differences", x.getValue("differences")).put("runAt", cn.liangxian.gateway.time.UtcTime.iso(x.getOffsetDateTime("run_at")));
    });
  }
}
