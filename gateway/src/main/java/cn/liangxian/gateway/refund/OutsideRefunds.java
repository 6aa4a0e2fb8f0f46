package cn.liangxian.gateway.refund;

import cn.liangxian.gateway.audit.AuditLog;
import cn.liangxian.gateway.order.OrderStore;
import cn.liangxian.gateway.outbox.Outbox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * A refund the channel made that the gateway never asked for: the merchant gave a payment back on the channel's own
 * merchant platform (WeChat Pay's 商户平台, Alipay's 商家中心, UnionPay's 商户服务平台). Only the channel's bill tells of it,
 * with its amount, which no order query gives. The day's reconciliation records it here.
 *
 * <p>One that gave the order's whole payment back is booked like the refund of every item: each item is released
 * (a resident may pay it again), the agencies get a reversal of each, and the refund is recorded under the channel's
 * number, confirmed, so that the bill matches it from then on. One that gave back part of it is not booked, since
 * nothing says which member's item it was for: it stays a difference of the day for the finance office, as does one
 * of an order that has refunds of the gateway's own or is not paid.
 */
public final class OutsideRefunds {
  /** The reason the refund and its reversals are stored under, a code as an operator's reasons are (see the agency interface). */
  static final String REASON = "refunded-at-channel";

  static final String LOCK_ORDER = "select state, total_fen from orders where id = $1 for update";
  static final String LOCK_ITEMS = "select person_id, insurance, personal_fen from order_item where order_id = $1"
      + " order by person_id, insurance for update";
  static final String REFUNDS = "select out_refund_no from refund where order_id = $1";
  static final String INSERT = "insert into refund (order_id, out_refund_no, amount_fen, reason, state, created_at, updated_at,"
      + " channel_day) values ($1, $2, $3, $4, 'SUCCESS', $5, $5, $6) on conflict (out_refund_no) do nothing returning id";

  /** Every statement above, checked against the schema when the gateway starts. */
  public static final List<String> STATEMENTS = List.of(LOCK_ORDER, LOCK_ITEMS, REFUNDS, INSERT);

  /** What became of a refund the bill lists and the gateway did not have. */
  public enum Outcome {
    /** The order's whole payment went back: recorded, its items released and reversed. */
    RECORDED("recorded: the whole payment went back; its items are released and the agencies get a reversal"),
    /** Recorded before (another run of the day). */
    RECORDED_ALREADY("recorded already"),
    /** Not an order of ours. */
    NO_ORDER("left to finance: no order of ours has this trade number"),
    /** The order is not paid here. */
    NOT_PAID("left to finance: the order is not paid here"),
    /** Less than the order's payment: which item it was for is not known. */
    PART("left to finance: part of the payment; which member's item it was for is not known"),
    /** The order has refunds of the gateway's own. */
    OTHER_REFUNDS("left to finance: the order has refunds of the gateway's own too");

    private final String text;

    Outcome(String text) {
      this.text = text;
    }

    /** What the day's reconciliation report says of it. */
    public String text() {
      return text;
    }

    /** The refund is booked here now. */
    public boolean booked() {
      return this == RECORDED || this == RECORDED_ALREADY;
    }
  }

  private final Pool pool;
  private final Clock clock;

  public OutsideRefunds(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /**
   * Records a refund the channel's bill of {@code channelDay} lists under {@code outRefundNo} (the channel's number for
   * it), of {@code fen}, against the order of {@code orderId}; {@code actor} is who ran the reconciliation. One
   * transaction: the order and its items are locked, so that an operator's refund of an item meanwhile waits for it,
   * and sees it.
   */
  public Future<Outcome> record(UUID orderId, String outRefundNo, long fen, LocalDate channelDay, String actor) {
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK_ORDER).execute(Tuple.of(orderId)).compose(order -> {
      if (order.size() == 0) {
        return Future.succeededFuture(Outcome.NO_ORDER);
      }
      Row o = order.iterator().next();
      if (!o.getString("state").equals("PAID")) {
        return Future.succeededFuture(Outcome.NOT_PAID);
      }
      if (fen != o.getLong("total_fen")) {
        return Future.succeededFuture(Outcome.PART);
      }
      return conn.preparedQuery(LOCK_ITEMS).execute(Tuple.of(orderId))
          .compose(items -> conn.preparedQuery(REFUNDS).execute(Tuple.of(orderId)).compose(refunds -> {
            boolean recorded = false;
            for (Row r : refunds) {
              if (r.getString("out_refund_no").equals(outRefundNo)) {
                recorded = true;
              }
            }
            if (recorded) {
              return Future.succeededFuture(Outcome.RECORDED_ALREADY);
            }
            if (refunds.size() > 0) {
              return Future.succeededFuture(Outcome.OTHER_REFUNDS);
            }
            return conn.preparedQuery(INSERT).execute(Tuple.from(new Object[] {orderId, outRefundNo, fen, REASON, now, channelDay}))
                .compose(x -> book(conn, orderId, outRefundNo, fen, items, actor, now)).map(Outcome.RECORDED);
          }));
    }));
  }

  /** Each item released and reversed, and the audit row, in the refund's transaction. */
  private static Future<Void> book(io.vertx.sqlclient.SqlConnection conn, UUID orderId, String outRefundNo, long fen,
      RowSet<Row> items, String actor, OffsetDateTime now) {
    Future<Void> done = Future.succeededFuture();
    for (Row i : items) {
      long personId = i.getLong("person_id");
      String insurance = i.getString("insurance");
      long personal = i.getLong("personal_fen");
      done = done.compose(x -> OrderStore.releaseItem(conn, orderId, personId, insurance))
          .compose(x -> Outbox.reversal(conn, new Outbox.Reversal(orderId, personId, insurance, personal, REASON, true,
              outRefundNo, now)));
    }
    return done.compose(x -> AuditLog.record(conn, new AuditLog.Change(actor, "refund.outside", outRefundNo,
        new JsonObject().put("order", orderId.toString()).put("state", "PAID").put("refundedFen", 0),
        new JsonObject().put("order", orderId.toString()).put("refundedFen", fen).put("items", items.size())
            .put("itemsPaid", false))));
  }
}
