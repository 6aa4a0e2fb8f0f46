package cn.liangxian.gateway.channel.unionpay;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The {@code unionpay_request} table: every orderId we sent to UnionPay with its txnTime. Shared by all instances. */
public final class UnionPayRequests {
  private static final String COLUMNS = "order_id, kind, out_trade_no, out_refund_no, txn_time, pay_timeout";

  private final Pool pool;

  public UnionPayRequests(Pool pool) {
    this.pool = pool;
  }

  /** A request as first recorded; a second record of the same orderId keeps the first txnTime (so a retry is the same request). */
  public record Sent(String orderId, String kind, String outTradeNo, String outRefundNo, String txnTime, String payTimeout) {}

  public Future<Sent> record(Sent s) {
    return pool.preparedQuery("insert into unionpay_request (order_id, kind, out_trade_no, out_refund_no, txn_time, pay_timeout)"
            + " values ($1, $2, $3, $4, $5, $6) on conflict (order_id) do update set order_id = excluded.order_id"
            + " returning " + COLUMNS)
        .execute(Tuple.of(s.orderId(), s.kind(), s.outTradeNo(), s.outRefundNo(), s.txnTime(), s.payTimeout()))
        .map(rows -> sent(rows.iterator().next()));
  }

  /** The request of this orderId, or null when we never sent it. */
  public Future<Sent> get(String orderId) {
    return pool.preparedQuery("select " + COLUMNS + " from unionpay_request where order_id = $1")
        .execute(Tuple.of(orderId)).map(rows -> rows.size() == 0 ? null : sent(rows.iterator().next()));
  }

  /** The refunds among these orderIds, by orderId (a settlement file names refunds by their own orderId). */
  public Future<Map<String, Sent>> refunds(List<String> orderIds) {
    return pool.preparedQuery("select " + COLUMNS + " from unionpay_request"
            + " where kind = 'refund' and order_id = any($1)")
        .execute(Tuple.of(orderIds.toArray(new String[0])))
        .map(rows -> {
          java.util.List<Sent> all = new java.util.ArrayList<>();
          rows.forEach(r -> all.add(sent(r)));
          return all.stream().collect(Collectors.toMap(Sent::orderId, s -> s));
        });
  }

  /**
   * The orders (their out_trade_no) of the UnionPay payments booked here under these queryIds: a refund we never asked
   * for names only the queryId of the payment it gives back (origQryId).
   */
  public Future<Map<String, String>> paymentOrders(List<String> queryIds) {
    if (queryIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    // the order's out_trade_no is its id's 32 hex digits (as the order package writes it; this package does not depend on it)
    return pool.preparedQuery("select channel_txn_id, replace(order_id::text, '-', '') as out_trade_no from payment"
            + " where channel = 'unionpay' and channel_txn_id = any($1)")
        .execute(Tuple.of(queryIds.toArray(new String[0])))
        .map(rows -> {
          Map<String, String> m = new java.util.HashMap<>();
          rows.forEach(r -> m.put(r.getString("channel_txn_id"), r.getString("out_trade_no")));
          return m;
        });
  }

  /** A refund's orderId at UnionPay: letters and digits only, 32 long, the same for the same out_refund_no. */
  public static String refundOrderId(String outRefundNo) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(outRefundNo.getBytes(StandardCharsets.UTF_8));
      return "R" + HexFormat.of().formatHex(d).substring(0, 31);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Sent sent(Row r) {
    return new Sent(r.getString("order_id"), r.getString("kind"), r.getString("out_trade_no"), r.getString("out_refund_no"),
        r.getString("txn_time"), r.getString("pay_timeout"));
  }
}
