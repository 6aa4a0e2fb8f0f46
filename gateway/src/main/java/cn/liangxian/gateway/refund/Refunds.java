package cn.liangxian.gateway.refund;

import cn.liangxian.gateway.channel.ChannelException;
import cn.liangxian.gateway.channel.Channels;
import cn.liangxian.gateway.channel.PaymentChannel;
import cn.liangxian.gateway.order.OrderStore;
import cn.liangxian.gateway.order.OutTradeNo;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refunds driven to the end: carried out at the channel when recorded, requested again with a backoff
 * while the channel fails (a crash between recording and requesting included), asked about when the
 * channel took one but never confirmed it, and marked FAILED, for an operator, when it refuses one.
 */
public final class Refunds {
  private static final Logger LOG = LoggerFactory.getLogger(Refunds.class);
  /**
   * How long a refund the channel refuses outright on every try (not for a passing reason: its network, its load, an
   * unverified answer) is asked for again before it is given up as FAILED, for finance to pay back another way. Three
   * days cover a merchant account short of money over a weekend until it is topped up, and a configuration put right.
   */
  static final java.time.Duration REFUSED_FOR_GOOD_AFTER = java.time.Duration.ofDays(3);

  private final RefundStore store;
  private final OrderStore orders;
  private final Channels channels;
  private final Clock clock;

  public Refunds(RefundStore store, OrderStore orders, Channels channels, Clock clock) {
    this.store = store;
    this.orders = orders;
    this.channels = channels;
    this.clock = clock;
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }

  /** What a channel's notification of a finished refund came to. */
  public enum Notified {
    CONFIRMED, UNKNOWN_REFUND, WRONG_MERCHANT, AMOUNT_MISMATCH;

    /** The outcome as the callback log and the refusal metric name it. */
    public String outcome() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * A refund a channel's notification says is done: confirmed only where it is a refund of that channel and
   * merchant, of that amount. A notification naming another merchant's refund, or another amount, changes nothing
   * and is left to an operator; one naming no refund of ours changes nothing either.
   */
  public Future<Notified> notified(String channel, String merchant, String outRefundNo, long refundFen) {
    return store.notified(outRefundNo).compose(r -> {
      if (r == null) {
        LOG.warn("{} notified refund {}, which is not ours: nothing changed", channel, outRefundNo);
        return Future.succeededFuture(Notified.UNKNOWN_REFUND);
      }
      PaymentChannel through = channels.of(r.channel(), r.merchant());
      if (!r.channel().equals(channel) || through == null || !through.merchant().equals(merchant)) {
        LOG.error("{} merchant {} notified refund {}, which goes back through {} merchant {}: not applied; an operator must"
            + " see to it", channel, merchant, outRefundNo, r.channel(), through == null ? r.merchant() : through.merchant());
        return Future.succeededFuture(Notified.WRONG_MERCHANT);
      }
      if (r.amountFen() != refundFen) {
        LOG.error("{} notified refund {} of {} fen, which is of {} fen: not applied; an operator must see to it", channel,
            outRefundNo, refundFen, r.amountFen());
        return Future.succeededFuture(Notified.AMOUNT_MISMATCH);
      }
      return confirmed(outRefundNo).map(Notified.CONFIRMED);
    });
  }

  /**
   * A refund the channel confirms: recorded, and an order whose payment went back entirely is REFUNDED. One the channel
   * had refused and finance then paid back another way went back twice: said in the log, for finance to recover one.
   */
  public Future<Void> confirmed(String outRefundNo) {
    return store.pool().withTransaction(conn -> RefundStore.confirm(conn, outRefundNo, now())
        .compose(c -> c == null ? Future.succeededFuture((RefundStore.Confirmed) null)
            : OrderStore.markRefunded(conn, c.orderId()).map(c)))
        .onSuccess(c -> {
          // said once the confirmation is committed; liangxian_refunds_paid_back_twice counts it until finance recovers one
          if (c != null && c.settledAt() != null) {
            LOG.error("refund {} of order {}, refused by the channel and paid back another way at {}, is now confirmed by"
                + " the channel too: the money went back twice; finance must recover one (GET /api/v1/operator/refunds/paid-back-twice)", outRefundNo, c.orderId(), c.settledAt());
          }
        }).mapEmpty();
  }

  /** Carries out the pending refunds of an order at its channel (idempotent on out_refund_no). */
  public Future<Void> requestPending(UUID orderId) {
    return store.pending(orderId).compose(this::requestAll);
  }

  /** The sweeper's part: pending refunds requested again, requested ones not confirmed asked about. */
  public Future<Void> retryDue() {
    OffsetDateTime now = now();
    // a refund the channel will not take yet (each is logged and noted) holds back neither the others nor the queries
    return store.claimDue("PENDING", now).compose(this::requestAll).otherwiseEmpty()
        .compose(x -> store.claimDue("REQUESTED", now))
        .compose(unconfirmed -> Future.join(unconfirmed.stream().map(this::askAbout).toList()).<Void>mapEmpty().otherwiseEmpty());
  }

  private Future<Void> requestAll(List<RefundStore.Pending> pending) {
    List<Future<?>> all = new ArrayList<>();
    for (RefundStore.Pending p : pending) {
      // what the channel said is written before this ends, so that whoever reads the refund next reads it
      all.add(request(p).recover(e -> {
        if (e instanceof ChannelException c && refusedForGood(p, c)) {
          LOG.error("refund {} of order {} was refused by {} when asked for ({}): an operator must pay it back another way",
              p.outRefundNo(), p.orderId(), p.channel(), c.code());
          return store.refused(p.outRefundNo(), now(), "refused by the channel: " + c.getMessage());
        }
        if (e instanceof ChannelException c && !c.retryable()) {
          // a refusal the channel gives on every try (a trade too old to refund, an amount it will not take, a merchant no
          // longer configured) would leave the money owed for ever, and finance can only pay back a refund that has failed
          OffsetDateTime now = now();
          return store.refusedAgain(p.outRefundNo(), e.getMessage(), now).compose(since -> {
            if (since == null || since.plus(REFUSED_FOR_GOOD_AFTER).isAfter(now)) {
              LOG.warn("refund {} refused by {} ({}), since {}: asked for again", p.outRefundNo(), p.channel(), c.code(), since);
              return Future.<Void>failedFuture(e);
            }
            LOG.error("refund {} of order {} has been refused by {} ({}) on every try since {}: given up, an operator must pay"
                + " it back another way", p.outRefundNo(), p.orderId(), p.channel(), c.code(), since);
            return store.refused(p.outRefundNo(), now, "refused by the channel on every try since " + since + ": " + c.code()
                + " " + c.getMessage());
          });
        }
        LOG.warn("refund {} not requested yet: {}", p.outRefundNo(), e.getMessage());
        return store.attemptFailed(p.outRefundNo(), e.getMessage()).transform(x -> Future.<Void>failedFuture(e));
      }));
    }
    return Future.join(all).mapEmpty();
  }

  private boolean refusedForGood(RefundStore.Pending p, ChannelException e) {
    PaymentChannel c = channels.of(p.channel(), p.merchant());
    return c != null && c.refusesRefundForGood(e);
  }

  /** The channel and merchant that took the payment: the refund goes back through them. */
  private PaymentChannel channelOf(RefundStore.Pending p) {
    PaymentChannel c = channels.of(p.channel(), p.merchant());
    if (c == null) {
      throw new ChannelException("NO_MERCHANT", "merchant " + p.merchant() + " of " + p.channel() + " is not configured", 0, false);
    }
    return c;
  }

  private Future<Void> request(RefundStore.Pending p) {
    return Future.succeededFuture(p).compose(q -> channelOf(q).refund(OutTradeNo.of(q.orderId()), q.outRefundNo(), q.amountFen(),
            q.orderTotalFen(), PayerReasons.of(q.reason())))
        .compose(state -> store.requested(p.outRefundNo(), now())
            .compose(x -> orders.note(p.orderId(), "refunded: " + p.reason()))
            // done only where the channel's answer says the money went back (Alipay's fund_change Y); otherwise a
            // notification (WeChat Pay, UnionPay) or the sweeper's query of the refund confirms it
            .compose(x -> state == PaymentChannel.RefundState.SUCCESS ? confirmed(p.outRefundNo()) : Future.succeededFuture()));
  }

  private Future<Void> amountMismatch(RefundStore.Pending p, long reported) {
    LOG.error("{} reports refund {} of order {} done at {} fen, which is of {} fen: not confirmed; an operator must see to it",
        p.channel(), p.outRefundNo(), p.orderId(), reported, p.amountFen());
    return store.attemptFailed(p.outRefundNo(), "the channel reports " + reported + " fen refunded, " + p.amountFen() + " were asked");
  }

  /** A refund the channel took but never confirmed: done, still under way, lost on the way, or refused for good. */
  private Future<Void> askAbout(RefundStore.Pending p) {
    return Future.succeededFuture(p).compose(q -> channelOf(q).queryRefund(OutTradeNo.of(q.orderId()), q.outRefundNo()))
        .compose(answer -> switch (answer.state()) {
      // done, where the channel says it is of the amount asked: another amount is left to an operator, as a notification's is
      case SUCCESS -> answer.refundFen() < 0 || answer.refundFen() == p.amountFen() ? confirmed(p.outRefundNo())
          : amountMismatch(p, answer.refundFen());
      case PROCESSING -> Future.<Void>succeededFuture();
      case HELD -> {
        // open, asked about again (with its backoff) until the channel says it went back: the page for refunds owed over an
        // hour calls an operator, who has the merchant platform send it on (to the payer's new card, or the merchant's)
        LOG.error("refund {} of order {}: {} took the money but could not pay it to the payer; it waits at the channel until"
            + " the merchant platform's abnormal-refund handling sends it on: not paid back another way", p.outRefundNo(),
            p.orderId(), p.channel());
        yield store.attemptFailed(p.outRefundNo(), "held by the channel (ABNORMAL): the money left the merchant's account but"
            + " did not reach the payer; handle it in the merchant platform (交易中心, 退款异常), never pay it back another way");
      }
      case NOT_FOUND -> store.settle(p.outRefundNo(), "PENDING", now(), "the channel has no such refund: requested again");
      case FAILED -> {
        LOG.error("refund {} of order {} was refused by {}: an operator must pay it back another way", p.outRefundNo(),
            p.orderId(), p.channel());
        yield store.settle(p.outRefundNo(), "FAILED", now(), "refused by the channel");
      }
    }).recover(e -> {
      LOG.warn("refund {} could not be asked about now: {}", p.outRefundNo(), e.getMessage());
      return store.attemptFailed(p.outRefundNo(), e.getMessage());
    });
  }
}
