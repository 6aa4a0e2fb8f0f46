package cn.liangxian.sandbox.ledger;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every trade the channels hold, by the merchant's order number, in the order they were opened. Touched
 * only on the sandbox's context, so it needs no lock.
 */
public final class Ledger {
  private final Map<String, Trade> trades = new LinkedHashMap<>();
  private final AtomicLong sequence = new AtomicLong(1);

  /** The trade of this order number, or null. */
  public Trade get(String outTradeNo) {
    return trades.get(outTradeNo);
  }

  public void open(Trade trade) {
    trades.put(trade.outTradeNo(), trade);
  }

  public Collection<Trade> trades() {
    return Collections.unmodifiableCollection(trades.values());
  }

  /** The sandbox's running number, in its trade, refund, event and request ids. */
  public long next() {
    return sequence.getAndIncrement();
  }

  /**
   * The resident pays: the trade succeeds.
   *
   * @throws IllegalStateException when there is no such trade or it is no longer waiting for payment
   */
  public Trade pay(String outTradeNo, Instant at) {
    return pay(outTradeNo, at, false);
  }

  /**
   * As {@link #pay(String, Instant)}; with {@code despiteClose} a closed trade is paid too: the payment the
   * channel had already taken when it answered the merchant's close, which lands afterwards.
   */
  public Trade pay(String outTradeNo, Instant at, boolean despiteClose) {
    Trade t = trades.get(outTradeNo);
    if (t == null) {
      throw new IllegalStateException("no such trade " + outTradeNo);
    }
    boolean closed = t.state().equals("CLOSED") || t.state().equals("TRADE_CLOSED");
    if (!t.state().equals("NOTPAY") && !t.state().equals("WAIT_BUYER_PAY") && !(despiteClose && closed)) {
      throw new IllegalStateException("trade " + outTradeNo + " is " + t.state());
    }
    if (t.payBy() != null && at.isAfter(t.payBy()) && !despiteClose) {
      throw new IllegalStateException("trade " + outTradeNo + " is past its payTimeout");
    }
    t.scan(); // a code is paid by scanning it
    // a mini-program trade is paid by the buyer it was made for
    switch (t.channel()) {
      case WECHAT -> t.paid("SUCCESS", at, t.buyer() != null ? t.buyer() : "oSandbox" + outTradeNo.hashCode());
      case ALIPAY -> t.paid("TRADE_SUCCESS", at, t.buyer() != null ? t.buyer() : "2088" + Math.abs(outTradeNo.hashCode()));
      case UNIONPAY -> t.paid("SUCCESS", at, "6216****" + String.format("%04d", Math.floorMod(outTradeNo.hashCode(), 10000)));
    }
    return t;
  }

  /**
   * Every payment the sandbox confirmed, whatever the merchant made of the notification: channel,
   * out_trade_no, amount, when, and how much of it was refunded since. What a load test holds the
   * merchant's database against.
   */
  public List<JsonObject> payments() {
    List<JsonObject> out = new ArrayList<>();
    for (Trade t : trades.values()) {
      if (t.paidAt() != null) {
        out.add(new JsonObject().put("channel", t.channelName())
            .put("outTradeNo", t.outTradeNo()).put("totalFen", t.totalFen()).put("paidAt", t.paidAt().toString())
            .put("refundedFen", t.refundedFen()));
      }
    }
    return out;
  }
}
