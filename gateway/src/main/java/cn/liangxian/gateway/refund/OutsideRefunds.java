package cn.liangxian.gateway.refund;

import cn.liangxian.gateway.audit.AuditLog;
import cn.liangxian.gateway.order.OrderStore;
import cn.liangxian.gateway.outbox.Outbox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A refund the channel made that the gateway never asked for: the merchant gave a payment back on the channel's own
 * merchant platform (WeChat Pay's 商户平台, Alipay's 商家中心, UnionPay's 商户服务平台). Only the channel's bill tells of it,
 * with its amount, which no order query gives. The day's reconciliation records it here, once the day's payments are
 * booked, in one of two ways:
 *
 * <ul>
 *   <li>A payment the order could not take (its order expired meanwhile, as an Alipay order does once its trade is
 *       refunded in full and so closed) has a refund of its own owed and not yet carried out: the channel's refund is that
 *       one. It is done, and matched by the channel's number from then on (it keeps ours), so that the gateway never asks the channel to give the same
 *       money back again, and finance is not told it is owed. One that finance had already paid back another way went
 *       back twice: it is listed for finance to recover one.
 *   <li>One that gave back the whole payment of a paid order is booked like the refund of every item: each item is
 *       released (the resident may pay again), the agencies get a reversal of each, and the refund is recorded under the
 *       channel's number, confirmed.
 * </ul>
 *
 * Anything else (part of a payment: nothing says which member's item it was for; an order with refunds of the gateway's
 * own; an order that is not paid) stays a difference of the day for the finance office, and says why.
 */
public final class OutsideRefunds {
  private static final Logger LOG = LoggerFactory.getLogger(OutsideRefunds.class);

  /** The reason the refund and its reversals are stored under, a code as an operator's reasons are (see the agency interface). */
  static final String REASON = "refunded-at-channel";

  // no key update: a refund of an item under way (its item locked, its refund row inserted, which key-shares the order)
  // finishes first, and is seen; "for update" would deadlock with it
  static final String LOCK_ORDER = "select state, total_fen, channel, merchant from orders where id = $1 for no key update";
  static final String LOCK_ITEMS = "select person_id, insurance, personal_fen from order_item where order_id = $1"
      + " order by person_id, insurance for update";
  static final String REFUNDS = "select id, out_refund_no, channel_refund_no, state, reason_code, channel, paid_fen, merchant,"
      + " settled_at from refund where order_id = $1 order by id for update";
  /**
   * The merchants of the order's payments through the channel booked here (null: its default merchant): the refund gives
   * back a payment through the bill's merchant.
   */
  static final String PAID_THROUGH = "select merchant from payment where order_id = $1 and channel = $2";
  /** The order whose refund has the number already (out_refund_no is unique across all refunds). */
  static final String NUMBERED = "select order_id from refund where out_refund_no = $1 or channel_refund_no = $1";
  static final String INSERT = "insert into refund (order_id, out_refund_no, amount_fen, reason, state, created_at, updated_at,"
      + " channel_day) values ($1, $2, $3, $4, 'SUCCESS', $5, $5, $6) on conflict (out_refund_no) do nothing returning id";
  /**
   * An untaken payment's refund, done by the channel's: it keeps our number (finance and the channel's notifications know it
   * by that), the bill's is added, and it is never asked for again.
   */
  static final String TAKE_OVER = "update refund set channel_refund_no = $2, state = 'SUCCESS', updated_at = $3, channel_day = $4,"
      + " last_error = null where id = $1 and state in ('PENDING', 'FAILED')";

  /** Every statement above, checked against the schema when the gateway starts. */
  public static final List<String> STATEMENTS = List.of(LOCK_ORDER, LOCK_ITEMS, REFUNDS, PAID_THROUGH, NUMBERED, INSERT, TAKE_OVER);

  /** What became of a refund the bill lists and the gateway did not have. */
  public enum Outcome {
    /** The order's whole payment went back: recorded, its items released and reversed. */
    RECORDED("refund-recorded", null),
    /** A payment the order could not take, whose own refund was owed still: that refund is this one. */
    UNTAKEN_PAYMENT_BACK("untaken-payment-refunded", null),
    /** Recorded before (another run of the day). */
    RECORDED_ALREADY("duplicate", null),
    /** Not an order of ours. */
    NO_ORDER(null, "left to finance: no order of ours has this trade number"),
    /** The payment it gives back is not booked here yet: the day waits for it (see {@link #waits}). */
    PAYMENT_NOT_BOOKED(null, "waits: the payment it gives back is not booked here yet; the schedule runs this day again"
        + " until it is (a day past its look-back: run it again once it is)"),
    /** The bill gives it no number. */
    NO_NUMBER(null, "left to finance: the bill gives the refund no number"),
    /** Another refund of ours has its number. */
    NUMBER_TAKEN(null, "left to finance: a refund of another order has this number"),
    /** The order is not paid here, and no refund of an untaken payment of that amount is owed. */
    NOT_PAID(null, "left to finance: the order is not paid here"),
    /** The order was paid through another channel or merchant. */
    OTHER_CHANNEL(null, "left to finance: the order was paid through another channel or merchant"),
    /** Less than the order's payment: which item it was for is not known. */
    PART(null, "left to finance: part of the payment; which member's item it was for is not known"),
    /** The order has refunds of the gateway's own. */
    OTHER_REFUNDS(null, "left to finance: the order has refunds of the gateway's own too");

    private final String repair;
    private final String left;

    Outcome(String repair, String left) {
      this.repair = repair;
      this.left = left;
    }

    /** What the day's reconciliation report says was repaired (null: nothing). */
    public String repair() {
      return repair;
    }

    /** Why the difference is left to finance (null: it is not). */
    public String left() {
      return left;
    }

    /**
     * The day must be reconciled again later: the payment this refund gives back is not booked yet (its own day not
     * reconciled yet, or its repair failed). Recording the refund without it would leave the agencies a contribution
     * for money that went back, once the payment is booked. The schedule tries such a day again; an operator's run
     * records it, the refund marked as waiting.
     */
    public boolean waits() {
      return this == PAYMENT_NOT_BOOKED;
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
   * it), of {@code fen}, against the order of {@code orderId}; {@code ofTheBill} tells whether a merchant (null: the
   * channel's default one) is the bill's; {@code actor} is who ran the reconciliation. One transaction: the order and its
   * items are locked, so that an operator's refund of an item, or a payment, meanwhile waits for it, and sees it.
   */
  public Future<Outcome> record(String channel, Predicate<String> ofTheBill, UUID orderId, String outRefundNo, long fen,
      LocalDate channelDay, String actor) {
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    if (outRefundNo == null || outRefundNo.isBlank()) {
      return Future.succeededFuture(Outcome.NO_NUMBER);
    }
    return inTransaction(ATTEMPTS, conn -> conn.preparedQuery(LOCK_ORDER).execute(Tuple.of(orderId)).compose(order -> {
      if (order.size() == 0) {
        return Future.succeededFuture(Outcome.NO_ORDER);
      }
      Row o = order.iterator().next();
      return conn.preparedQuery(PAID_THROUGH).execute(Tuple.of(orderId, channel)).compose(paid -> {
        boolean booked = false;
        for (Row p : paid) {
          booked |= ofTheBill.test(p.getString("merchant"));
        }
        if (!booked) {
          return Future.succeededFuture(Outcome.PAYMENT_NOT_BOOKED);
        }
        return conn.preparedQuery(NUMBERED).execute(Tuple.of(outRefundNo)).compose(numbered -> {
          if (numbered.size() > 0 && !orderId.equals(numbered.iterator().next().getUUID("order_id"))) {
            return Future.succeededFuture(Outcome.NUMBER_TAKEN);
          }
          return recordLocked(conn, o, channel, ofTheBill, orderId, outRefundNo, fen, channelDay, actor, now);
        });
      });
    }));
  }

  /** How many times a transaction another one deadlocked with is run: the second nearly always goes through. */
  static final int ATTEMPTS = 3;

  /**
   * The work in a transaction, run again when PostgreSQL aborted it for a deadlock (40P01) or a serialization failure
   * (40001): finance settling a refund, or the channel confirming one, locks the refund before its order, the other way
   * round from here. Nothing of an aborted attempt stays.
   */
  private <T> Future<T> inTransaction(int attempts, java.util.function.Function<SqlConnection, Future<T>> work) {
    return pool.withTransaction(work).recover(e -> attempts > 1 && e instanceof io.vertx.pgclient.PgException p
        && ("40P01".equals(p.getSqlState()) || "40001".equals(p.getSqlState()))
        ? inTransaction(attempts - 1, work) : Future.failedFuture(e));
  }

  /** {@link #record} once the order is locked and its payment through the bill's merchant known to be booked. */
  private static Future<Outcome> recordLocked(SqlConnection conn, Row o, String channel, Predicate<String> ofTheBill, UUID orderId,
      String outRefundNo, long fen, LocalDate channelDay, String actor, OffsetDateTime now) {
    return conn.preparedQuery(LOCK_ITEMS).execute(Tuple.of(orderId))
        .compose(items -> conn.preparedQuery(REFUNDS).execute(Tuple.of(orderId)).compose(refunds -> {
          Row untaken = null;
          for (Row r : refunds) {
            if (r.getString("out_refund_no").equals(outRefundNo) || outRefundNo.equals(r.getString("channel_refund_no"))) {
              return Future.succeededFuture(Outcome.RECORDED_ALREADY);
            }
            // a payment the order could not take, through this channel and merchant, of this amount, its refund owed
            if (untaken == null && r.getString("reason_code") != null && channel.equals(r.getString("channel"))
                && ofTheBill.test(r.getString("merchant")) && r.getLong("paid_fen") != null && r.getLong("paid_fen") == fen
                && (r.getString("state").equals("PENDING") || r.getString("state").equals("FAILED"))) {
              untaken = r;
            }
          }
          if (untaken != null) {
            return untakenPaymentBack(conn, orderId, untaken, outRefundNo, channelDay, actor, now);
          }
          if (!o.getString("state").equals("PAID")) {
            return Future.succeededFuture(Outcome.NOT_PAID);
          }
          if (!channel.equals(o.getString("channel")) || !ofTheBill.test(o.getString("merchant"))) {
            return Future.succeededFuture(Outcome.OTHER_CHANNEL);
          }
          if (fen != o.getLong("total_fen")) {
            return Future.succeededFuture(Outcome.PART);
          }
          if (refunds.size() > 0) {
            return Future.succeededFuture(Outcome.OTHER_REFUNDS);
          }
          return conn.preparedQuery(INSERT).execute(Tuple.from(new Object[] {orderId, outRefundNo, fen, REASON, now, channelDay}))
              .compose(ins -> ins.size() == 0 ? Future.succeededFuture(Outcome.NUMBER_TAKEN)
                  : book(conn, orderId, outRefundNo, fen, items, actor, now).map(Outcome.RECORDED));
        }));
  }

  /**
   * The refund owed of a payment the order could not take is the channel's: done, known by its number too. An order that never
   * became paid is REFUNDED, as {@link Refunds#confirmed} marks one. One finance had paid back another way is now paid
   * back twice, and counted so until finance recovers one.
   */
  private static Future<Outcome> untakenPaymentBack(SqlConnection conn, UUID orderId, Row untaken, String outRefundNo,
      LocalDate channelDay, String actor, OffsetDateTime now) {
    String ours = untaken.getString("out_refund_no");
    boolean settled = untaken.getValue("settled_at") != null;
    return conn.preparedQuery(TAKE_OVER).execute(Tuple.of(untaken.getLong("id"), outRefundNo, now, channelDay))
        .compose(x -> OrderStore.markRefunded(conn, orderId))
        .compose(x -> AuditLog.record(conn, new AuditLog.Change(actor, "refund.outside", outRefundNo,
            new JsonObject().put("order", orderId.toString()).put("outRefundNo", ours).put("state", untaken.getString("state")),
            new JsonObject().put("order", orderId.toString()).put("outRefundNo", ours).put("channelRefundNo", outRefundNo)
                .put("state", "SUCCESS"))))
        .map(x -> {
          if (settled) {
            LOG.error("refund {} of order {}, which finance paid back another way, was given back at the channel too (its"
                + " refund {}): the money went back twice; finance must recover one (GET /api/v1/operator/refunds/paid-back-twice)",
                ours, orderId, outRefundNo);
          }
          return Outcome.UNTAKEN_PAYMENT_BACK;
        });
  }

  /** Each item released and reversed, and the audit row, in the refund's transaction. */
  private static Future<Void> book(SqlConnection conn, UUID orderId, String outRefundNo, long fen, RowSet<Row> items,
      String actor, OffsetDateTime now) {
    Future<Void> done = Future.succeededFuture();
    int released = 0;
    for (Row i : items) {
      long personId = i.getLong("person_id");
      String insurance = i.getString("insurance");
      long personal = i.getLong("personal_fen");
      if (personal == 0) {
        continue; // the government pays all of it: no money of it went back, and it stays paid
      }
      released++;
      done = done.compose(x -> OrderStore.releaseItem(conn, orderId, personId, insurance))
          .compose(x -> Outbox.reversal(conn, new Outbox.Reversal(orderId, personId, insurance, personal, REASON, true,
              outRefundNo, now))).mapEmpty();
    }
    int releasedItems = released;
    return done.compose(x -> AuditLog.record(conn, new AuditLog.Change(actor, "refund.outside", outRefundNo,
        new JsonObject().put("order", orderId.toString()).put("state", "PAID").put("refundedFen", 0),
        new JsonObject().put("order", orderId.toString()).put("refundedFen", fen).put("items", releasedItems)
            .put("itemsPaid", false))));
  }
}
