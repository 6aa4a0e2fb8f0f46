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
  // a paid item of the day in the receiver's region and insurance, with its record (if any)
  static final String ITEMS = "select o.id as order_id, o.channel_txn_id, o.paid_at, i.person_id, i.personal_fen, r.id as record_id,"
      + " r.state from orders o join order_item i on i.order_id = o.id join household h on h.id = o.household_id"
      + " join village v on v.id = h.village_id left join handoff_record r on r.kind = 'CONTRIBUTION' and r.order_id = o.id"
      + " and r.person_id = i.person_id and r.insurance = i.insurance where o.state = 'PAID' and v.region_code = $1"
      // the Beijing day as a range of instants, which an index on paid_at could serve, not a date computed row by row
      + " and i.insurance = $2 and o.paid_at >= $3 and o.paid_at < $4"
      + " and exists (select 1 from reservation s where s.order_id = o.id and s.person_id = i.person_id and s.insurance = i.insurance)";
  // a record of the day a receiver given files has not had yet: its file is still to be written (or being written)
  static final String UNFILED = "select exists (select 1 from handoff_record r where r.state = 'PENDING' and r.region_code = $1"
      + " and r.insurance = $2 and r.created_at >= $3 and r.created_at < $4) as unfiled";
  // at once, its backoff cut short; but not while a request for it may still be answered (its lease): brought forward
  // then, it would be claimed by another instance and sent twice at once
  static final String RESEND = "update handoff_record set next_attempt_at = greatest($2, leased_until) where id = $1"
      + " and state = 'PENDING'";
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

  private Future<Void> compare(SqlConnection conn, Receiver r, LocalDate day, OffsetDateTime now) {
    return conn.preparedQuery(ITEMS).execute(Tuple.of(r.region(), r.insurance(),
        day.atStartOfDay(ContributionRecord.BEIJING).toOffsetDateTime(),
        day.plusDays(1).atStartOfDay(ContributionRecord.BEIJING).toOffsetDateTime())).compose(rows -> {
      long[] t = new long[5]; // paid items, paid fen, acknowledged, acknowledged fen, resent
      JsonArray differences = new JsonArray();
      Future<Void> repairs = Future.succeededFuture();
      for (Row row : rows) {
        t[0]++;
        t[1] += row.getLong("personal_fen");
        String state = row.getString("state");
        if ("ACCEPTED".equals(state) || "FILED".equals(state)) {
          t[2]++;
          t[3] += row.getLong("personal_fen");
          continue;
        }
        differences.add(new JsonObject().put("orderId", row.getUUID("order_id").toString()).put("personId", row.getLong("person_id"))
            .put("personalFen", row.getLong("personal_fen")).put("record", state == null ? "missing" : state.toLowerCase()));
        if (state == null) {
          t[4]++;
          // dated the day it was paid: that day's further file, for a receiver given files
          repairs = repairs.compose(x -> Outbox.contributions(conn, row.getUUID("order_id"), row.getString("channel_txn_id"),
              row.getOffsetDateTime("paid_at")));
        } else if (state.equals("PENDING")) {
          t[4]++;
          repairs = repairs.compose(x -> conn.preparedQuery(RESEND).execute(Tuple.of(row.getLong("record_id"), now)).mapEmpty());
        }
      }
      return repairs.compose(x -> conn.preparedQuery(DONE).execute(Tuple.from(new Object[] {r.name(), day, (int) t[0], t[1],
          (int) t[2], t[3], (int) t[4], differences}))).mapEmpty();
    });
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
