package cn.liangxian.gateway.handoff;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;

/**
 * The SQL of the hand-off outbox once written: records claimed for delivery (FOR UPDATE SKIP LOCKED, each
 * pushed back by a doubling backoff, so that two instances never take the same record at once), the
 * receivers' answers, daily files, and what the gauges and the worklist read.
 */
final class HandoffStore {
  static final String COLUMNS = "r.id, r.idempotency_id, r.kind, r.order_id, r.region_code, r.township, r.village, r.insurance,"
      + " r.year, r.tier_yuan, r.personal_fen, r.government_fen, r.subsidy_fen, r.later_fen, r.rules, r.categories, r.channel,"
      + " r.channel_txn_id, r.paid_at, r.reason, r.refund_no, r.attempts, p.id_enc, p.name,"
      // the merchant the order was paid into (a collecting body's own; null: the channel's default)
      + " (select o.merchant from orders o where o.id = r.order_id) as order_merchant";
  /** The wait before the next try after a failed one: 30 s, doubling to an hour ($1: the tries that failed, the first 0). */
  private static final String BACKOFF = "least(interval '1 hour', interval '30 seconds' * power(2, least(%s, 7)))";
  // a claimed record is not due again while its request may still be answered (its lease, $5 ms: the push timeout and
  // half a minute to seal and sign the batch), however short its backoff: claimed again meanwhile by another instance, it
  // would be sent twice. A failure then sets its next try by the backoff, counted from the failure.
  // A reversal waits while its contribution has not been answered, so that a receiver never hears of a refund first
  static final String CLAIM = "with c as (update handoff_record set attempts = attempts + 1, first_sent_at = coalesce(first_sent_at, $3),"
      + " next_attempt_at = $3::timestamptz + greatest($5 * interval '1 millisecond', " + BACKOFF.formatted("attempts") + "),"
      + " leased_until = $3::timestamptz + $5 * interval '1 millisecond'"
      + " where id in (select id from handoff_record r where state = 'PENDING' and region_code = $1 and insurance = $2"
      + " and next_attempt_at <= $3 and (kind = 'CONTRIBUTION' or not exists (select 1 from handoff_record k where"
      + " k.kind = 'CONTRIBUTION' and k.state = 'PENDING' and k.order_id = r.order_id and k.person_id = r.person_id"
      + " and k.insurance = r.insurance)) order by id limit $4 for update skip locked) returning *)"
      + " select " + COLUMNS + " from c r join person p on p.id = r.person_id order by r.id";
  // a batch's answers in one statement: one round trip and one statement for the batch, not one for each record
  static final String ANSWER = "update handoff_record h set state = a.state, answer = a.answer, answer_reason = a.reason,"
      + " answered_at = $5, last_error = null from unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) as a(id, state, answer, reason)"
      + " where h.idempotency_id = a.id and h.state = 'PENDING'";
  // each part of a rejected batch sent again holds the batch's records still waiting for another lease from when it goes:
  // the parts go one after another, each up to the push timeout; never sooner than a failure's backoff already set
  static final String RENEW = "update handoff_record set next_attempt_at = greatest(next_attempt_at,"
      + " $2::timestamptz + $3 * interval '1 millisecond'), leased_until = $2::timestamptz + $3 * interval '1 millisecond'"
      + " where id = any($1) and state = 'PENDING'";
  static final String FAILED = "update handoff_record set last_error = $2, leased_until = null, next_attempt_at = $3::timestamptz + "
      + BACKOFF.formatted("attempts - 1") + " where id = any($1) and state = 'PENDING'";
  // the next part of a day's files: 1, or more for records that came after the day's first file was written
  static final String NEXT_PART = "select coalesce(max(part), 0) + 1 as part from handoff_file where receiver = $1 and day = $2";
  static final String CLAIM_FILE = "insert into handoff_file (receiver, day, part, file_name, records, total_fen, written_at)"
      + " values ($1, $2, $3, $4, 0, 0, $5) on conflict do nothing returning receiver";
  static final String FILE_DAYS = "select distinct (created_at at time zone 'Asia/Shanghai')::date as day from handoff_record"
      + " where state = 'PENDING' and region_code = $1 and insurance = $2 and created_at < $3 order by day";
  static final String FILE_RECORDS = "select " + COLUMNS + " from handoff_record r join person p on p.id = r.person_id"
      + " where r.state = 'PENDING' and r.region_code = $1 and r.insurance = $2"
      + " and (r.created_at at time zone 'Asia/Shanghai')::date = $3 order by r.id limit $4 for update of r";
  static final String FILED = "update handoff_record set state = 'FILED', file_name = $2, answered_at = $3, answer = 'filed',"
      + " attempts = attempts + 1, first_sent_at = $3 where id = any($1) and state = 'PENDING'";
  static final String COMMITTED_FILES = "select file_name from handoff_file where receiver = $1 and file_name = any($2)";
  static final String FILE_DONE = "update handoff_file set records = $4, total_fen = $5 where receiver = $1 and day = $2 and part = $3";
  // what is waiting, through the partial indexes: the records still to send and those refused are few, while the
  // table keeps every record of the window (millions in a province by its end), so no count reads it whole; but a
  // receiver given daily files keeps a whole day's records waiting, so the oldest is read receiver by receiver, each
  // the first entry of its part of handoff_pending_by_receiver (the receivers themselves found by skipping through
  // that index, one probe each), never by reading every record waiting
  // the oldest is the record longest past its due time: at once for a receiver pushed to, the day's file (ten minutes
  // after the Beijing day) for one given files ($1: their "region/insurance"), so that a day's waiting is no alarm
  static final String GAUGES = "with recursive waiting(region_code, insurance) as ("
      + "(select region_code, insurance from handoff_record where state = 'PENDING' order by region_code, insurance limit 1)"
      + " union all select n.region_code, n.insurance from waiting w, lateral (select region_code, insurance from handoff_record"
      + " where state = 'PENDING' and (region_code, insurance) > (w.region_code, w.insurance) order by region_code, insurance"
      + " limit 1) n)"
      + " select (select count(*) from handoff_record where state = 'PENDING') as pending,"
      + " (select min(case when w.region_code || '/' || w.insurance = any($1) then ((o.at at time zone 'Asia/Shanghai')::date + 1"
      + " + interval '10 minutes') at time zone 'Asia/Shanghai' else o.at end) from waiting w, lateral (select min(created_at) as at"
      + " from handoff_record where state = 'PENDING' and region_code = w.region_code and insurance = w.insurance) o) as oldest,"
      + " (select count(*) from handoff_record where state = 'REFUSED' and resolved_at is null) as refused";

  static final List<String> STATEMENTS = List.of(CLAIM, ANSWER, RENEW, FAILED, FILE_DAYS, GAUGES);

  private final Pool pool;

  HandoffStore(Pool pool) {
    this.pool = pool;
  }

  Pool pool() {
    return pool;
  }

  /**
   * Claims up to {@code limit} due records of one region and insurance, with their person's encrypted fields, for at
   * least the push timeout and half a minute.
   */
  Future<List<Row>> claim(Receiver r, OffsetDateTime now, int limit, java.time.Duration pushTimeout) {
    return pool.preparedQuery(CLAIM).execute(Tuple.of(r.region(), r.insurance(), now, limit, pushTimeout.plusSeconds(30).toMillis()))
        .map(rows -> StreamSupport.stream(rows.spliterator(), false).toList());
  }

  /** One answer of a receiver: the record's new state, the answer and its reason. */
  record Answered(UUID idempotencyId, String state, String answer, String reason) {}

  /** Records the receiver's answers to a batch (conditional: an answer counts once). */
  Future<Void> answer(List<Answered> answers, OffsetDateTime now) {
    if (answers.isEmpty()) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery(ANSWER).execute(Tuple.of(
        answers.stream().map(Answered::idempotencyId).toArray(UUID[]::new),
        answers.stream().map(Answered::state).toArray(String[]::new),
        answers.stream().map(Answered::answer).toArray(String[]::new),
        answers.stream().map(Answered::reason).toArray(String[]::new), now)).mapEmpty();
  }

  /** Holds records claimed already for another lease (the push timeout and half a minute) from {@code now}. */
  Future<Void> renew(Long[] ids, OffsetDateTime now, java.time.Duration pushTimeout) {
    return pool.preparedQuery(RENEW).execute(Tuple.of(ids, now, pushTimeout.plusSeconds(30).toMillis())).mapEmpty();
  }

  /** Records a failed try of the records, due again after their backoff. */
  Future<Void> failed(Long[] ids, String error, OffsetDateTime now) {
    return pool.preparedQuery(FAILED).execute(Tuple.of(ids, error, now)).mapEmpty();
  }

  /** The Beijing days before {@code before} that still have records waiting for a file. */
  Future<List<LocalDate>> fileDays(Receiver r, OffsetDateTime before) {
    return pool.preparedQuery(FILE_DAYS).execute(Tuple.of(r.region(), r.insurance(), before))
        .map(rows -> StreamSupport.stream(rows.spliterator(), false).map(x -> x.getLocalDate("day")).toList());
  }

  /** The number the day's next file takes: 1 for its first. */
  static Future<Integer> nextPart(SqlConnection conn, Receiver r, LocalDate day) {
    return conn.preparedQuery(NEXT_PART).execute(Tuple.of(r.name(), day)).map(rows -> rows.iterator().next().getInteger("part"));
  }

  /** Claims a day's file part for this instance, in the caller's transaction: false when another instance has it. */
  static Future<Boolean> claimFile(SqlConnection conn, Receiver r, LocalDate day, int part, String name, OffsetDateTime now) {
    return conn.preparedQuery(CLAIM_FILE).execute(Tuple.of(r.name(), day, part, name, now)).map(rows -> rows.size() > 0);
  }

  /**
   * A receiver's day, for one piece of once-only work ({@code what}: its daily file, its reconciliation), taken for the
   * transaction, or not at all when another instance (or this one's previous round, still running) has it: that one is
   * doing the work, and this one passes the day by at once instead of holding a connection waiting on its locks every two
   * seconds. A collision of two days' hashes only puts one of them off a round.
   */
  static final String TAKE = "select pg_try_advisory_xact_lock(1213022535, hashtext($1 || '/' || $2::date::text)) as taken";

  static Future<Boolean> take(SqlConnection conn, String what, LocalDate day) {
    return conn.preparedQuery(TAKE).execute(Tuple.of(what, day)).map(rows -> rows.iterator().next().getBoolean("taken"));
  }

  /** The day's records still waiting, the oldest first, at most {@code limit}: locked for the caller's transaction. */
  static Future<List<Row>> fileRecords(SqlConnection conn, Receiver r, LocalDate day, int limit) {
    return conn.preparedQuery(FILE_RECORDS).execute(Tuple.of(r.region(), r.insurance(), day, limit))
        .map(rows -> StreamSupport.stream(rows.spliterator(), false).toList());
  }

  static Future<Void> filed(SqlConnection conn, Receiver r, LocalDate day, int part, Long[] ids, String name, long totalFen,
      OffsetDateTime now) {
    return conn.preparedQuery(FILED).execute(Tuple.of(ids, name, now))
        .compose(x -> conn.preparedQuery(FILE_DONE).execute(Tuple.of(r.name(), day, part, ids.length, totalFen))).mapEmpty();
  }

  /** Of these file names of the receiver, those whose file's transaction committed. */
  Future<List<String>> committedFiles(Receiver r, List<String> names) {
    return pool.preparedQuery(COMMITTED_FILES).execute(Tuple.of(r.name(), (Object) names.toArray(String[]::new)))
        .map(rows -> StreamSupport.stream(rows.spliterator(), false).map(x -> x.getString("file_name")).toList());
  }

  /** The outbox's gauges; {@code filed}: the "region/insurance" of the receivers given daily files. */
  Future<Row> gauges(String[] filed) {
    return pool.preparedQuery(GAUGES).execute(Tuple.of((Object) filed)).map(rows -> rows.iterator().next());
  }
}
