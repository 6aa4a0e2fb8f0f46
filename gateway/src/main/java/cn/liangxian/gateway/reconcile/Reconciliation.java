package cn.liangxian.gateway.reconcile;

import cn.liangxian.gateway.audit.AuditLog;
import cn.liangxian.gateway.channel.PaymentChannel;
import cn.liangxian.gateway.channel.alipay.AlipayBill;
import cn.liangxian.gateway.channel.alipay.AlipayChannel;
import cn.liangxian.gateway.channel.unionpay.UnionPayChannel;
import cn.liangxian.gateway.channel.wechat.TradeBill;
import cn.liangxian.gateway.channel.wechat.WechatPayChannel;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.order.OutTradeNo;
import cn.liangxian.gateway.payment.Payments;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A channel's daily bill against our records, matched by out_trade_no, amount and status. Every
 * difference is reported, none dropped: paid at the channel but not here (repaired as a verified
 * payment, through the same exactly-once path as a callback), here but not at the channel, amount and
 * refund mismatches. Running it twice gives the same report and repairs nothing twice.
 */
public final class Reconciliation {
  private final Pool pool;
  private final Map<String, PaymentChannel> channels;
  private final Payments payments;

  public Reconciliation(Pool pool, Map<String, PaymentChannel> channels, Payments payments) {
    this.pool = pool;
    this.channels = channels;
    this.payments = payments;
  }

  /** One line of a bill, whatever the channel. */
  record Line(boolean refund, String outTradeNo, String ref, long fen) {}

  /** Runs the comparison for one channel and day; {@code actor} goes to the audit log with what was repaired. */
  public Future<JsonObject> run(String channel, LocalDate date, String actor) {
    PaymentChannel c = channels.get(channel);
    if (c == null) {
      return Future.failedFuture(Problem.notFound("no-such-channel", "No such channel", "channels: " + channels.keySet()));
    }
    return bill(c, date).compose(lines -> ours(channel, date).compose(mine -> compare(channel, date, lines, mine, actor)));
  }

  private static Future<List<Line>> bill(PaymentChannel c, LocalDate date) {
    if (c instanceof WechatPayChannel w) {
      return w.client().tradeBill(date).map(b -> {
        List<Line> out = new ArrayList<>();
        for (TradeBill.Row r : b.rows()) {
          if (r.tradeState().equals("REFUND")) {
            out.add(new Line(true, r.outTradeNo(), r.outRefundNo(), r.refundFen()));
          } else if (r.tradeState().equals("SUCCESS")) {
            out.add(new Line(false, r.outTradeNo(), r.transactionId(), r.settledFen()));
          }
        }
        return out;
      });
    }
    if (c instanceof AlipayChannel a) {
      return a.client().bill(date).map(b -> {
        List<Line> out = new ArrayList<>();
        for (AlipayBill.Row r : b.rows()) {
          boolean refund = r.type().equals("退款");
          out.add(new Line(refund, r.outTradeNo(), refund ? r.refundRequestNo() : r.tradeNo(), r.amountFen()));
        }
        return out;
      });
    }
    if (c instanceof UnionPayChannel u) {
      return u.bill(date).map(lines -> lines.stream().map(l -> new Line(l.refund(), l.outTradeNo(), l.ref(), l.fen())).toList());
    }
    return Future.failedFuture(new IllegalStateException("no bill for " + c.name()));
  }

  /** Our payments and refunds of that day (China time), keyed like the bill. */
  private Future<Map<String, Line>> ours(String channel, LocalDate date) {
    OffsetDateTime from = date.atStartOfDay().atOffset(ZoneOffset.ofHours(8));
    OffsetDateTime to = from.plusDays(1);
    return pool.preparedQuery("select false as refund, order_id, channel_txn_id as ref, amount_fen from payment"
            + " where channel = $1 and received_at >= $2 and received_at < $3"
            + " union all select true, f.order_id, f.out_refund_no, f.amount_fen from refund f join orders o on o.id = f.order_id"
            + " where o.channel = $1 and f.created_at >= $2 and f.created_at < $3") // every refund we owe, done or not
        .execute(Tuple.of(channel, from, to)).map(rows -> {
          Map<String, Line> m = new HashMap<>();
          for (Row r : rows) {
            Line l = new Line(r.getBoolean("refund"), OutTradeNo.of(r.getUUID("order_id")), r.getString("ref"),
                r.getLong("amount_fen"));
            m.put((l.refund() ? "R:" : "P:") + l.ref(), l);
          }
          return m;
        });
  }

  private Future<JsonObject> compare(String channel, LocalDate date, List<Line> bill, Map<String, Line> mine, String actor) {
    JsonArray differences = new JsonArray();
    List<Future<?>> repairs = new ArrayList<>();
    Map<String, Line> unmatched = new HashMap<>(mine);
    int matched = 0;
    for (Line b : bill) {
      Line m = unmatched.remove((b.refund() ? "R:" : "P:") + b.ref());
      if (m == null) {
        JsonObject d = diff(b.refund() ? "refund-missing-here" : "paid-at-channel-not-here", b, b.fen(), null);
        differences.add(d);
        if (!b.refund()) {
          // a payment the channel confirms and we never heard of: applied exactly once like a callback
          repairs.add(payments.apply(channel, b.outTradeNo(), b.ref(), b.fen(), "reconciliation")
              .onComplete(ar -> d.put("repair", ar.succeeded() ? ar.result().name().toLowerCase() : "failed: " + ar.cause().getMessage())));
        }
      } else if (m.fen() != b.fen()) {
        differences.add(diff(b.refund() ? "refund-amount-mismatch" : "amount-mismatch", b, b.fen(), m.fen()));
      } else {
        matched++;
      }
    }
    for (Line m : unmatched.values()) {
      differences.add(diff(m.refund() ? "refund-missing-at-channel" : "here-not-at-channel", m, null, m.fen()));
    }
    int matchedLines = matched;
    return Future.join(repairs).recover(x -> Future.succeededFuture()).compose(x -> {
      JsonObject report = new JsonObject().put("channel", channel).put("date", date.toString())
          .put("billLines", bill.size()).put("matched", matchedLines).put("differences", differences);
      JsonArray repaired = new JsonArray();
      differences.forEach(d -> {
        JsonObject o = (JsonObject) d;
        if ("paid".equals(o.getString("repair"))) {
          repaired.add(o.getString("outTradeNo"));
        }
      });
      return pool.withTransaction(c -> c.preparedQuery("insert into reconciliation (channel, bill_date, differences) values ($1, $2, $3)")
          .execute(Tuple.of(channel, date, differences))
          .compose(inserted -> AuditLog.record(c, AuditLog.Change.of(actor, "reconciliation.run", channel + "/" + date,
              new JsonObject().put("billLines", bill.size()).put("matched", matchedLines)
                  .put("differences", differences.size()).put("repaired", repaired)))))
          .map(report);
    });
  }

  private static JsonObject diff(String kind, Line l, Long channelFen, Long ourFen) {
    return new JsonObject().put("kind", kind).put("outTradeNo", l.outTradeNo()).put(l.refund() ? "outRefundNo" : "transactionId", l.ref())
        .put("channelFen", channelFen).put("ourFen", ourFen);
  }

  /** The report as CSV for operators' spreadsheets. */
  public static String csv(JsonObject report) {
    StringBuilder sb = new StringBuilder("kind,out_trade_no,reference,channel_fen,our_fen,repair\n");
    for (Object o : report.getJsonArray("differences")) {
      JsonObject d = (JsonObject) o;
      sb.append(String.join(",", d.getString("kind"), d.getString("outTradeNo"),
          d.getString("transactionId", d.getString("outRefundNo", "")),
          d.getValue("channelFen") == null ? "" : d.getValue("channelFen").toString(),
          d.getValue("ourFen") == null ? "" : d.getValue("ourFen").toString(), d.getString("repair", ""))).append('\n');
    }
    return sb.toString();
  }
}
