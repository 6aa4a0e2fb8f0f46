package cn.liangxian.gateway.refund;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;

/** The SQL of refunds: recorded as PENDING, REQUESTED once the channel took them, SUCCESS once it confirmed. */
public final class RefundStore {
  // requested at once by the caller; the sweeper tries again only if that did not get through
  static final String INSERT = "insert into refund (order_id, out_refund_no, amount_fen, reason, state, created_at, updated_at,"
      + " next_attempt_at) values ($1, $2, $3, $4, 'PENDING', $5, $5, $5::timestamptz + interval '30 seconds')"
      + " on conflict (out_refund_no) do nothing returning id";
  static final String INSERT_STRANDED = "insert into refund (order_id, out_refund_no, amount_fen, reason, state, created_at,"
      + " updated_at, next_attempt_at, reason_code, channel, paid_fen, merchant) values ($1, $2, $3, $4, 'PENDING', $5, $5,"
      + " $5::timestamptz + interval '30 seconds', $6, $7, $3, $8) on conflict (out_refund_no) do nothing returning id";
  /** updated_at of a SUCCESS refund is when it was confirmed, by the gateway's clock: the time its receipt shows. */
  static final String CONFIRM = "update refund set state = 'SUCCESS', updated_at = $2"
      + " where out_refund_no = $1 and state <> 'SUCCESS' returning order_id, settled_at";
  static final String PENDING = "select f.order_id, f.out_refund_no, f.amount_fen, f.reason, coalesce(f.channel, o.channel) as channel,"
      + " coalesce(f.paid_fen, o.total_fen) as total_fen, case when f.channel is null then o.merchant else f.merchant end as merchant"
      + " from refund f"
      + " join orders o on o.id = f.order_id where f.order_id = $1 and f.state = 'PENDING'";
  // a refund the channel took without saying it is done (every WeChat Pay and UnionPay refund, an Alipay one answered
  // fund_change N) is confirmed by a notification; without one in two minutes the sweeper asks
  static final String REQUESTED = "update refund set state = 'REQUESTED', updated_at = $2, last_error = null,"
      + " next_attempt_at = $2::timestamptz + interval '2 minutes' where out_refund_no = $1 and state = 'PENDING'";
  /** Claims open refunds that are due, each pushed back by a doubling backoff (30 s up to an hour), and reads them. */
  static final String CLAIM = "with c as (update refund set attempts = attempts + 1,"
      + " next_attempt_at = $2::timestamptz + least(interval '1 hour', interval '30 seconds' * power(2, least(attempts, 7)))"
      + " where id in (select id from refund where state = $1 and next_attempt_at <= $2 order by next_attempt_at limit 50"
      + " for update skip locked) returning order_id, out_refund_no, amount_fen, reason, channel, paid_fen, merchant)"
      + " select c.order_id, c.out_refund_no, c.amount_fen, c.reason, coalesce(c.channel, o.channel) as channel,"
      + " coalesce(c.paid_fen, o.total_fen) as total_fen, case when c.channel is null then o.merchant else c.merchant end as merchant"
      + " from c join orders o on o.id = c.order_id";
  // a try that failed for a passing reason: the channel did not refuse it outright, so no run of refusals goes on
  static final String FAILED_ATTEMPT = "update refund set last_error = $2, refused_since = null where out_refund_no = $1";
  /** A try the channel refused outright: since when it has on every try. */
  static final String REFUSED_AGAIN = "update refund set last_error = $2, refused_since = coalesce(refused_since, $3)"
      + " where out_refund_no = $1 and state = 'PENDING' returning refused_since";
  static final String SETTLE = "update refund set state = $2, updated_at = $3, last_error = $4 where out_refund_no = $1"
      + " and state = 'REQUESTED'";
  /** A refund the channel refused when asked for it, never taken (see PaymentChannel.refusesRefundForGood). */
  static final String REFUSED = "update refund set state = 'FAILED', updated_at = $2, last_error = $3 where out_refund_no = $1"
      + " and state = 'PENDING'";
  static final String ONE = "select out_refund_no, amount_fen, reason, state from refund where out_refund_no = $1";
  /** A refund as a channel's notification of it is checked: its amount, and the channel and merchant it goes back through. */
  static final String NOTIFIED = "select f.amount_fen, coalesce(f.channel, o.channel) as channel,"
      + " case when f.channel is null then o.merchant else f.merchant end as merchant"
      + " from refund f join orders o on o.id = f.order_id where f.out_refund_no = $1";

  /** Every statement above, prepared on each connection when it opens. */
  public static final List<String> STATEMENTS = List.of(INSERT, INSERT_STRANDED, CONFIRM, PENDING, REQUESTED, ONE, NOTIFIED, CLAIM,
      FAILED_ATTEMPT, SETTLE, REFUSED, REFUSED_AGAIN);

  /** A refund's amount, and the channel and merchant (null: the channel's default) it goes back through. */
  record Notified(long amountFen, String channel, String merchant) {}

  /** A refund of an order, with what its channel needs to carry it out. */
  public record Pending(UUID orderId, String outRefundNo, long amountFen, String reason, String channel, long orderTotalFen,
      String merchant) {
    static Pending of(Row r) {
      return new Pending(r.getUUID("order_id"), r.getString("out_refund_no"), r.getLong("amount_fen"), r.getString("reason"),
          r.getString("channel"), r.getLong("total_fen"), r.getString("merchant"));
    }
  }

  private final Pool pool;

  public RefundStore(Pool pool) {
    this.pool = pool;
  }

  /** Records a refund as due, in the caller's transaction; false when one with this number exists already. */
  public static Future<Boolean> insert(SqlConnection conn, UUID orderId, String outRefundNo, long fen, String reason,
      OffsetDateTime now) {
    return conn.preparedQuery(INSERT).execute(Tuple.of(orderId, outRefundNo, fen, reason, now)).map(rows -> rows.size() > 0);
  }

  /**
   * Records, in the caller's transaction, the refund of a whole payment its order could not take: through
   * {@code channel}, which took {@code paidFen}, with the reason's code; false when it is recorded already.
   */
  public static Future<Boolean> insertStranded(SqlConnection conn, UUID orderId, String outRefundNo, long paidFen, String reason,
      String reasonCode, String channel, String merchant, OffsetDateTime now) {
    return conn.preparedQuery(INSERT_STRANDED).execute(Tuple.from(new Object[] {orderId, outRefundNo, paidFen, reason, now, reasonCode,
            channel, merchant}))
        .map(rows -> rows.size() > 0);
  }

  /** A refund just confirmed: its order, and when finance had paid it back another way (null: it had not). */
  record Confirmed(UUID orderId, OffsetDateTime settledAt) {}

  /** Marks a refund confirmed at {@code now}, in the caller's transaction: what it was, or null when nothing changed. */
  static Future<Confirmed> confirm(SqlConnection conn, String outRefundNo, OffsetDateTime now) {
    return conn.preparedQuery(CONFIRM).execute(Tuple.of(outRefundNo, now)).map(rows -> rows.size() == 0 ? null
        : new Confirmed(rows.iterator().next().getUUID("order_id"), rows.iterator().next().getOffsetDateTime("settled_at")));
  }

  Future<List<Pending>> pending(UUID orderId) {
    return pool.preparedQuery(PENDING).execute(Tuple.of(orderId))
        .map(rows -> StreamSupport.stream(rows.spliterator(), false).map(Pending::of).toList());
  }

  /** Claims the refunds in {@code state} (PENDING: to request again; REQUESTED: to ask about) that are due. */
  Future<List<Pending>> claimDue(String state, OffsetDateTime now) {
    return pool.preparedQuery(CLAIM).execute(Tuple.of(state, now))
        .map(rows -> StreamSupport.stream(rows.spliterator(), false).map(Pending::of).toList());
  }

  Future<Void> requested(String outRefundNo, OffsetDateTime now) {
    return pool.preparedQuery(REQUESTED).execute(Tuple.of(outRefundNo, now)).mapEmpty();
  }

  Future<Void> attemptFailed(String outRefundNo, String error) {
    return pool.preparedQuery(FAILED_ATTEMPT).execute(Tuple.of(outRefundNo, error)).mapEmpty();
  }

  /** Notes an outright refusal of a pending refund: since when the channel has refused it so (null: not pending). */
  Future<OffsetDateTime> refusedAgain(String outRefundNo, String error, OffsetDateTime now) {
    return pool.preparedQuery(REFUSED_AGAIN).execute(Tuple.of(outRefundNo, error, now))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getOffsetDateTime("refused_since"));
  }

  /** A requested refund the channel never received goes back to PENDING; one it refused for good is FAILED. */
  Future<Void> settle(String outRefundNo, String state, OffsetDateTime now, String error) {
    return pool.preparedQuery(SETTLE).execute(Tuple.of(outRefundNo, state, now, error)).mapEmpty();
  }

  /** A pending refund the channel refused when asked: FAILED, owed by finance another way. */
  Future<Void> refused(String outRefundNo, OffsetDateTime now, String error) {
    return pool.preparedQuery(REFUSED).execute(Tuple.of(outRefundNo, now, error)).mapEmpty();
  }

  /** The refund a channel's notification names, or null when there is none. */
  Future<Notified> notified(String outRefundNo) {
    return pool.preparedQuery(NOTIFIED).execute(Tuple.of(outRefundNo)).map(rows -> rows.size() == 0 ? null
        : new Notified(rows.iterator().next().getLong("amount_fen"), rows.iterator().next().getString("channel"),
            rows.iterator().next().getString("merchant")));
  }

  Future<Row> one(String outRefundNo) {
    return pool.preparedQuery(ONE).execute(Tuple.of(outRefundNo)).map(rows -> rows.iterator().next());
  }

  Pool pool() {
    return pool;
  }
}
