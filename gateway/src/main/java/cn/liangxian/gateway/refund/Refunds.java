package cn.liangxian.gateway.refund;

import cn.liangxian.gateway.channel.PaymentChannel;
import cn.liangxian.gateway.order.OrderStore;
import cn.liangxian.gateway.order.OutTradeNo;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Carrying out recorded refunds at the channel, and recording the channel's confirmation. */
public final class Refunds {
  private static final Logger LOG = LoggerFactory.getLogger(Refunds.class);

  private final RefundStore store;
  private final OrderStore orders;
  private final Map<String, PaymentChannel> channels;

  public Refunds(RefundStore store, OrderStore orders, Map<String, PaymentChannel> channels) {
    this.store = store;
    this.orders = orders;
    this.channels = channels;
  }

  /** A refund the channel confirms: recorded, and an order whose payment went back entirely is REFUNDED. */
  public Future<Void> confirmed(String outRefundNo) {
    return store.pool().withTransaction(conn -> RefundStore.confirm(conn, outRefundNo)
        .compose(order -> order == null ? Future.succeededFuture() : OrderStore.markRefunded(conn, order)));
  }

  /** Carries out the pending refunds of an order at its channel (idempotent on out_refund_no). */
  public Future<Void> requestPending(UUID orderId) {
    return store.pending(orderId).compose(pending -> {
      List<Future<?>> all = new ArrayList<>();
      for (RefundStore.Pending p : pending) {
        all.add(request(orderId, p).onFailure(e -> LOG.warn("refund {} not requested yet: {}", p.outRefundNo(), e.getMessage())));
      }
      return Future.join(all).mapEmpty();
    });
  }

  private Future<Void> request(UUID orderId, RefundStore.Pending p) {
    return channels.get(p.channel()).refund(OutTradeNo.of(orderId), p.outRefundNo(), p.amountFen(), p.orderTotalFen(), p.reason())
        .compose(x -> store.requested(p.outRefundNo()))
        .compose(x -> orders.note(orderId, "refunded: " + p.reason()))
        // Alipay refunds synchronously; WeChat Pay confirms with a REFUND.SUCCESS notification
        .compose(x -> p.channel().equals("alipay") ? confirmed(p.outRefundNo()) : Future.succeededFuture());
  }
}
