package cn.liangxian.gateway.payment;

import cn.liangxian.gateway.order.OrderStore;
import cn.liangxian.gateway.order.OutTradeNo;
import cn.liangxian.gateway.outbox.Outbox;
import cn.liangxian.gateway.refund.RefundStore;
import cn.liangxian.gateway.refund.Refunds;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * The payment ledger: a verified payment (from a callback, an active query or a bill) is applied
 * exactly once. A duplicate is a no-op (one row per channel transaction); a payment for an order that
 * is no longer payable is recorded and refunded.
 */
public final class Payments {
  static final String INSERT = "insert into payment (order_id, channel, channel_txn_id, amount_fen, source, received_at)"
      + " values ($1, $2, $3, $4, $5, $6) on conflict (channel, channel_txn_id) do nothing returning id";

  /** Every statement above, prepared on each connection when it opens. */
  public static final List<String> STATEMENTS = List.of(INSERT);

  private final Pool pool;
  private final Refunds refunds;
  private final Clock clock;
  private final PaymentMetrics metrics;

  public Payments(Pool pool, Refunds refunds, Clock clock, PaymentMetrics metrics) {
    this.pool = pool;
    this.refunds = refunds;
    this.clock = clock;
    this.metrics = metrics;
  }

  public Future<PaymentOutcome> apply(String channel, String outTradeNo, String transactionId, long amountFen, String source) {
    UUID id = OutTradeNo.orderId(outTradeNo);
    if (id == null) {
      return Future.succeededFuture(PaymentOutcome.UNKNOWN_ORDER);
    }
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    return pool.withTransaction(conn -> OrderStore.lock(conn, id).compose(o -> {
          if (o == null) {
            return Future.succeededFuture(PaymentOutcome.UNKNOWN_ORDER);
          }
          if (o.totalFen() != amountFen || !o.channel().equals(channel)) {
            return Future.succeededFuture(PaymentOutcome.AMOUNT_MISMATCH);
          }
          return conn.preparedQuery(INSERT).execute(Tuple.of(id, channel, transactionId, amountFen, source, now))
              .compose(ins -> ins.size() == 0 ? Future.succeededFuture(PaymentOutcome.DUPLICATE)
                  : settle(conn, id, o.state(), outTradeNo, transactionId, amountFen, now));
        }))
        .onSuccess(outcome -> {
          metrics.payment(channel, outcome, amountFen);
          if (outcome == PaymentOutcome.REFUND_DUE) {
            refunds.requestPending(id);
          }
        });
  }

  /** A new payment: the order becomes paid, or, if it no longer waits for one, the money is owed back. */
  private static Future<PaymentOutcome> settle(SqlConnection conn, UUID id, String state, String outTradeNo, String transactionId,
      long amountFen, OffsetDateTime now) {
    if (state.equals("PAYING")) {
      // the hand-off record commits with the payment, or neither does
      return OrderStore.markPaid(conn, id, now, transactionId)
          .compose(x -> Outbox.contributions(conn, id, transactionId, now)).map(PaymentOutcome.PAID);
    }
    boolean twice = state.equals("PAID");
    return RefundStore.insert(conn, id, outTradeNo + "R" + (twice ? "D" : "E"), amountFen,
        twice ? "paid twice" : "paid after the order was " + state.toLowerCase(), now).map(PaymentOutcome.REFUND_DUE);
  }
}
