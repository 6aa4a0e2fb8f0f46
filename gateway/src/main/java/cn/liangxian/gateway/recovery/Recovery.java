package cn.liangxian.gateway.recovery;

import cn.liangxian.gateway.channel.ChannelException;
import cn.liangxian.gateway.channel.Channels;
import cn.liangxian.gateway.channel.PaymentChannel;
import cn.liangxian.gateway.order.OrderMetrics;
import cn.liangxian.gateway.order.OrderStore;
import cn.liangxian.gateway.order.Orders;
import cn.liangxian.gateway.order.OutTradeNo;
import cn.liangxian.gateway.payment.PaymentOutcome;
import cn.liangxian.gateway.payment.Payments;
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
 * What the sweeper does for orders left behind: expiry (closed at the channel first, then released),
 * and orders whose callback has not come, queried at the channel and applied as it says.
 */
public final class Recovery {
  private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

  private final OrderStore orders;
  private final Payments payments;
  private final Channels channels;
  private final Clock clock;
  private final OrderMetrics metrics;

  public Recovery(OrderStore orders, Payments payments, Channels channels, Clock clock, OrderMetrics metrics) {
    this.orders = orders;
    this.payments = payments;
    this.channels = channels;
    this.clock = clock;
    this.metrics = metrics;
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }

  /**
   * Orders past their time are closed at the channel first, and only then expired with their items
   * released; an order the channel says is paid after all is applied as paid instead.
   */
  public Future<Integer> expireDue() {
    return orders.due(now()).compose(due -> {
      List<Future<Boolean>> all = new ArrayList<>();
      for (OrderStore.Due d : due) {
        all.add(expire(d.id(), d.channel(), d.merchant()));
      }
      // one order the channel cannot close yet holds back neither the others nor the rest of the sweep
      return Future.join(all).transform(x -> Future.succeededFuture(
          (int) all.stream().filter(f -> f.succeeded() && f.result()).count()));
    });
  }

  private Future<Boolean> expire(UUID id, String channel, String merchant) {
    return closeAtChannel(id, channel, merchant).compose(closed -> !closed ? Future.succeededFuture(false)
        : orders.expire(id).onSuccess(expired -> {
          if (expired) {
            metrics.expired(channel);
          }
        })).onFailure(e -> {
          LOG.warn("order {} not expired yet, the channel cannot close it: {}", id, e.getMessage());
          orders.expiryFailed(id, now());
        });
  }

  /** The code of the failure to close a trade paid and then refunded at the channel, not through the gateway. */
  public static final String REFUNDED_AT_CHANNEL = "REFUNDED_AT_CHANNEL";

  /**
   * Makes sure the channel will take no payment for the order any more, before anything releases its
   * items: true when the trade is closed there (or was never opened); false when the channel says it was
   * paid after all, which is then applied as the order's payment. Fails while the channel cannot tell.
   */
  public Future<Boolean> closeAtChannel(UUID id, String channel, String merchant) {
    return closeAtChannel(id, channel, merchant, null);
  }

  /**
   * As {@link #closeAtChannel(UUID, String, String)}, before the order's end {@code payableUntil}: a code the channel
   * still takes payment for until then, nobody paying it now, fails {@link ChannelException#STILL_PAYABLE}.
   */
  public Future<Boolean> closeAtChannel(UUID id, String channel, String merchant, OffsetDateTime payableUntil) {
    PaymentChannel c = channels.of(channel, merchant);
    if (c == null) {
      return Future.failedFuture(new ChannelException("NO_MERCHANT", "merchant " + merchant + " of " + channel
          + " is not configured any more", 0, false));
    }
    String outTradeNo = OutTradeNo.of(id);
    return c.close(outTradeNo, payableUntil).map(true).recover(e -> {
      // the channel would not close it (perhaps it was paid at the last moment): ask what it is
      LOG.info("closing order {} at {} failed ({}); asking the channel", id, channel, e.getMessage());
      return c.query(outTradeNo).compose(t -> switch (t.state()) {
        case PAID -> payments.apply(channel, null, outTradeNo, t.transactionId(), t.amountFen(), "query", t.channelDay(), t.paidAt()).map(false);
        // no trade at all, unless the close said a code with none yet can still be scanned and paid (Alipay's), and its
        // time has not passed since
        case NOT_FOUND -> stillPayable(e) && payableUntil != null && now().isBefore(payableUntil) ? Future.<Boolean>failedFuture(e)
            : Future.succeededFuture(true);
        case CLOSED -> Future.succeededFuture(true);
        // paid, and given back on the channel's merchant platform before we heard of it: how much went back only the
        // day's bill tells, and its reconciliation books both the payment and the refund; the order holds till then
        case REFUNDED -> Future.failedFuture(new ChannelException(REFUNDED_AT_CHANNEL, "the trade was paid and then refunded"
            + " at the channel, not through the gateway; the day's reconciliation books both from the bill", 0, true));
        // not paid, and a code that cannot be closed before its time (the close said so): nothing is being paid, it only
        // may be until then
        default -> Future.failedFuture(t.state() == PaymentChannel.Trade.State.NOT_PAID && stillPayable(e) ? e
            : new ChannelException("NOT_CLOSED", "the trade is " + t.state() + " and would not close", 0, true));
      });
    });
  }

  /** The close's answer that a code nobody is paying now cannot be voided before its time. */
  private static boolean stillPayable(Throwable e) {
    return e instanceof ChannelException ce && ChannelException.STILL_PAYABLE.equals(ce.code());
  }

  /**
   * Orders left without anything to pay with by an instance that stopped while their channel was asked for it, given
   * up once {@link Orders#PREPARE_AT_MOST} has passed: their items are free for another order at once, not only when
   * they would have expired. Nobody was shown a code for them; their trades at the channel lapse by themselves.
   */
  public Future<Integer> failStranded() {
    OffsetDateTime before = now().minus(Orders.PREPARE_AT_MOST);
    return orders.stranded(before).compose(stranded -> {
      List<Future<Boolean>> all = new ArrayList<>();
      for (OrderStore.Due d : stranded) {
        all.add(orders.failStranded(d.id(), before).onSuccess(failed -> {
          if (failed) {
            metrics.stranded(d.id(), d.channel(), false);
          }
        }));
      }
      return Future.join(all).transform(x -> Future.succeededFuture(
          (int) all.stream().filter(f -> f.succeeded() && f.result()).count()));
    });
  }

  /** Orders still paying whose callback has not come: queried at the channel (30 s, then a doubling backoff up to 10 min). */
  public Future<Integer> queryStuck() {
    return orders.claimStuck(now()).compose(ids -> {
      List<Future<PaymentOutcome>> all = new ArrayList<>();
      for (UUID id : ids) {
        all.add(query(id));
      }
      return Future.join(all).transform(x -> Future.succeededFuture(
          (int) all.stream().filter(f -> f.succeeded() && f.result() == PaymentOutcome.PAID).count()));
    });
  }

  /** Asks the channel about an order still paying (a missing callback) and applies what it says. */
  public Future<PaymentOutcome> query(UUID id) {
    return orders.channelOf(id).compose(at -> {
      if (at == null) {
        return Future.succeededFuture(PaymentOutcome.UNKNOWN_ORDER);
      }
      String channel = at.channel();
      PaymentChannel c = channels.of(channel, at.merchant());
      if (c == null) {
        return Future.failedFuture(new ChannelException("NO_MERCHANT", "merchant " + at.merchant() + " of " + channel
            + " is not configured any more", 0, false));
      }
      String outTradeNo = OutTradeNo.of(id);
      return c.query(outTradeNo).compose(t -> t.state() == PaymentChannel.Trade.State.PAID
          ? payments.apply(channel, null, outTradeNo, t.transactionId(), t.amountFen(), "query", t.channelDay(), t.paidAt())
          : Future.succeededFuture((PaymentOutcome) null));
    });
  }
}
