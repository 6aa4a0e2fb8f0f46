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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The payment ledger: a verified payment (from a callback, an active query or a bill) is applied
 * exactly once. A duplicate is a no-op (one row per channel transaction). Money the order cannot take
 * (another amount, another channel, an order no longer paying) is never left with the channel: the
 * payment is recorded and refunded whole, through the channel that took it, with its reason
 * ({@link StrandedReason}), counted and alerted on.
 */
public final class Payments {
  private static final Logger LOG = LoggerFactory.getLogger(Payments.class);

  static final String INSERT = "insert into payment (order_id, channel, channel_txn_id, amount_fen, source, received_at,"
      + " channel_day, merchant) values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (channel, channel_txn_id) do nothing returning id";

  /** Every statement above, prepared on each connection when it opens. */
  public static final List<String> STATEMENTS = List.of(INSERT);

  /** What a payment did: its outcome, why it could not be taken (null: it was), and the region of the order it paid. */
  private record Applied(PaymentOutcome outcome, StrandedReason stranded, String region) {
    Applied(PaymentOutcome outcome, StrandedReason stranded) {
      this(outcome, stranded, null);
    }

    static Applied of(PaymentOutcome o) {
      return new Applied(o, null);
    }
  }

  private final Pool pool;
  private final Refunds refunds;
  private final Clock clock;
  private final PaymentMetrics metrics;
  private final cn.liangxian.gateway.channel.Channels channels;

  private final cn.liangxian.gateway.handoff.AgencyChanges.PaidOrders agencies;

  /** {@code agencies}: what a payment does, in its transaction, about news the agencies sent while it was being made. */
  public Payments(Pool pool, Refunds refunds, Clock clock, PaymentMetrics metrics, cn.liangxian.gateway.channel.Channels channels,
      cn.liangxian.gateway.handoff.AgencyChanges.PaidOrders agencies) {
    this.agencies = agencies;
    this.channels = channels;
    this.pool = pool;
    this.refunds = refunds;
    this.clock = clock;
    this.metrics = metrics;
  }

  /**
   * Applies a payment the channel vouches for. {@link PaymentOutcome#AMOUNT_MISMATCH} and
   * {@link PaymentOutcome#REFUND_DUE} mean the money was recorded and is being refunded; only
   * {@link PaymentOutcome#UNKNOWN_ORDER} leaves nothing here (the trade is not ours).
   */
  public Future<PaymentOutcome> apply(String channel, String outTradeNo, String transactionId, long amountFen, String source) {
    return apply(channel, outTradeNo, transactionId, amountFen, source, null);
  }

  /** As above, with the Beijing day the channel booked the payment on (its bill's day), where it said. */
  public Future<PaymentOutcome> apply(String channel, String outTradeNo, String transactionId, long amountFen, String source,
      java.time.LocalDate channelDay) {
    return apply(channel, null, outTradeNo, transactionId, amountFen, source, channelDay);
  }

  /**
   * As above, received by {@code merchant} (null: the order's own, as for a query of the order): money that
   * reached another merchant than the order's is refunded through the one that took it.
   */
  public Future<PaymentOutcome> apply(String channel, String merchant, String outTradeNo, String transactionId, long amountFen,
      String source, java.time.LocalDate channelDay) {
    return apply(channel, merchant, outTradeNo, transactionId, amountFen, source, channelDay, null);
  }

  /**
   * As above, with the moment the channel says the payer paid ({@code channelPaidAt}, null: it did not say): the
   * order's and the agencies' time of payment, so that a payment at 23:59 on the window's last day, applied after
   * midnight (a late notification, a query, the next day's bill), is not dated a day late.
   */
  public Future<PaymentOutcome> apply(String channel, String merchant, String outTradeNo, String transactionId, long amountFen,
      String source, java.time.LocalDate channelDay, OffsetDateTime channelPaidAt) {
    UUID id = OutTradeNo.orderId(outTradeNo);
    if (id == null || amountFen <= 0) {
      return Future.succeededFuture(PaymentOutcome.UNKNOWN_ORDER);
    }
    if (transactionId == null || transactionId.isBlank()) {
      // the payment's one name at its channel: without it a payment could not be told from its own re-delivery, nor
      // found in the bill; booked once the channel names it (its notification again, the query, the bill)
      return Future.failedFuture(new IllegalArgumentException(channel + " named no transaction for the payment of order " + id));
    }
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    OffsetDateTime paidAt = paidAt(now, channelDay, channelPaidAt);
    return pool.withTransaction(conn -> OrderStore.lock(conn, id).compose(o -> {
          if (o == null) {
            return Future.succeededFuture(Applied.of(PaymentOutcome.UNKNOWN_ORDER));
          }
          return conn.preparedQuery(INSERT).execute(Tuple.from(new Object[] {id, channel, transactionId, amountFen, source, now, channelDay,
                  merchant != null ? merchant : o.channel().equals(channel) ? o.merchant() : null}))
              .compose(ins -> ins.size() == 0 ? Future.succeededFuture(Applied.of(PaymentOutcome.DUPLICATE))
                  : settle(conn, id, o, channel, merchant, outTradeNo, transactionId, amountFen, now, paidAt));
        }))
        .map(applied -> {
          metrics.payment(channel, applied.outcome(), amountFen, applied.region());
          if (applied.stranded() != null) {
            metrics.stranded(channel, applied.stranded(), amountFen);
            LOG.warn("payment {} of order {} at {} ({} fen) cannot be taken: {}; refunding it", transactionId, id, channel, amountFen,
                applied.stranded().code());
            refunds.requestPending(id);
          }
          return applied.outcome();
        });
  }

  /**
   * When the payer paid: the channel's moment where it said one (never later than now: a channel's clock ahead of
   * ours); else, for a payment the channel booked on an earlier Beijing day than today (a bill's, a settlement day
   * in a notification that came late), the last second of that day; else now.
   */
  static OffsetDateTime paidAt(OffsetDateTime now, java.time.LocalDate channelDay, OffsetDateTime channelPaidAt) {
    if (channelPaidAt != null) {
      return channelPaidAt.isAfter(now) ? now : channelPaidAt.withOffsetSameInstant(ZoneOffset.UTC);
    }
    if (channelDay != null && channelDay.isBefore(now.atZoneSameInstant(cn.liangxian.gateway.channel.ChannelDays.BEIJING).toLocalDate())) {
      return channelDay.plusDays(1).atStartOfDay(cn.liangxian.gateway.channel.ChannelDays.BEIJING).minusSeconds(1).toOffsetDateTime()
          .withOffsetSameInstant(ZoneOffset.UTC);
    }
    return now;
  }

  /** A new payment: the order becomes paid, or, if it cannot take this money, the money is owed back. */
  private Future<Applied> settle(SqlConnection conn, UUID id, OrderStore.Locked o, String channel, String merchant,
      String outTradeNo, String transactionId, long amountFen, OffsetDateTime now, OffsetDateTime paidAt) {
    StrandedReason why;
    String ordersMerchant = o.merchant();
    if (ordersMerchant == null && channels.byName().get(o.channel()) != null) {
      ordersMerchant = channels.byName().get(o.channel()).merchant();
    }
    // the merchant that took the money, which gives it back
    String took = merchant != null ? merchant : o.channel().equals(channel) ? o.merchant() : null;
    if (!o.channel().equals(channel)) {
      why = StrandedReason.OTHER_CHANNEL;
    } else if (merchant != null && ordersMerchant != null && !merchant.equals(ordersMerchant)) {
      why = StrandedReason.OTHER_MERCHANT;
    } else if (o.totalFen() != amountFen) {
      why = StrandedReason.AMOUNT_MISMATCH;
    } else if (o.state().equals("PAYING")) {
      // the hand-off record commits with the payment, or neither does
      return OrderStore.markPaid(conn, id, paidAt, transactionId)
          .compose(x -> Outbox.contributions(conn, id, transactionId, paidAt))
          // an agency's news about one of its people that came while the order was being paid: refunded as it says
          .compose(x -> agencies.paid(conn, id, o.region(), now)).map(new Applied(PaymentOutcome.PAID, null, o.region()));
    } else {
      why = StrandedReason.ofState(o.state());
    }
    // the channel took the trade with another amount: it will take no other payment, so the order cannot be paid now
    Future<Void> order = why == StrandedReason.AMOUNT_MISMATCH
        ? OrderStore.failPaidWrong(conn, id, "paid with " + amountFen + " fen instead of " + o.totalFen() + ": refunded")
        : Future.succeededFuture();
    String number = why.outRefundNo(outTradeNo);
    return order.compose(x -> RefundStore.insertStranded(conn, id, number, amountFen, why.text(), why.code(), channel, took, now))
        // another payment refunded for the same reason already (a new payment all the same): its own number
        .compose(fresh -> fresh ? Future.succeededFuture(true) : RefundStore.insertStranded(conn, id,
            number + "-" + StrandedReason.suffix(transactionId), amountFen, why.text(), why.code(), channel, took, now))
        .map(fresh -> new Applied(why == StrandedReason.AMOUNT_MISMATCH ? PaymentOutcome.AMOUNT_MISMATCH : PaymentOutcome.REFUND_DUE,
            fresh ? why : null));
  }
}
