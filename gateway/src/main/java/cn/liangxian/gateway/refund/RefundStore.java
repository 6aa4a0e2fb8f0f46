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
  static final String INSERT = "insert into refund (order_id, out_refund_no, amount_fen, reason, state, created_at, updated_at)"
      + " values ($1, $2, $3, $4, 'PENDING', $5, $5) on conflict (out_refund_no) do nothing returning id";
  static final String CONFIRM = "update refund set state = 'SUCCESS', updated_at = now()"
      + " where out_refund_no = $1 and state <> 'SUCCESS' returning order_id";
  static final String PENDING = "select f.out_refund_no, f.amount_fen, f.reason, o.channel, o.total_fen from refund f"
      + " join orders o on o.id = f.order_id where f.order_id = $1 and f.state = 'PENDING'";
  static final String REQUESTED = "update refund set state = 'REQUESTED', updated_at = now() where out_refund_no = $1"
      + " and state = 'PENDING'";
  static final String ONE = "select out_refund_no, amount_fen, reason, state from refund where out_refund_no = $1";

  /** Every statement above, prepared on each connection when it opens. */
  public static final List<String> STATEMENTS = List.of(INSERT, CONFIRM, PENDING, REQUESTED, ONE);

  /** A refund waiting to be requested at its order's channel. */
  public record Pending(String outRefundNo, long amountFen, String reason, String channel, long orderTotalFen) {}

  private final Pool pool;

  public RefundStore(Pool pool) {
    this.pool = pool;
  }

  /** Records a refund as due, in the caller's transaction; false when one with this number exists already. */
  public static Future<Boolean> insert(SqlConnection conn, UUID orderId, String outRefundNo, long fen, String reason,
      OffsetDateTime now) {
    return conn.preparedQuery(INSERT).execute(Tuple.of(orderId, outRefundNo, fen, reason, now)).map(rows -> rows.size() > 0);
  }

  /** Marks a refund confirmed, in the caller's transaction: the order it belongs to, or null when nothing changed. */
  static Future<UUID> confirm(SqlConnection conn, String outRefundNo) {
    return conn.preparedQuery(CONFIRM).execute(Tuple.of(outRefundNo))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID("order_id"));
  }

  Future<List<Pending>> pending(UUID orderId) {
    return pool.preparedQuery(PENDING).execute(Tuple.of(orderId)).map(rows -> StreamSupport.stream(rows.spliterator(), false)
        .map(r -> new Pending(r.getString("out_refund_no"), r.getLong("amount_fen"), r.getString("reason"), r.getString("channel"),
            r.getLong("total_fen"))).toList());
  }

  Future<Void> requested(String outRefundNo) {
    return pool.preparedQuery(REQUESTED).execute(Tuple.of(outRefundNo)).mapEmpty();
  }

  Future<Row> one(String outRefundNo) {
    return pool.preparedQuery(ONE).execute(Tuple.of(outRefundNo)).map(rows -> rows.iterator().next());
  }

  Pool pool() {
    return pool;
  }
}
