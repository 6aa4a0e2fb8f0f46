package cn.liangxian.sandbox.fault;

import io.vertx.core.Context;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.UnaryOperator;

/**
 * The faults in force. Set from any thread (a test, {@code POST /sandbox/faults}), read where the sandbox
 * works: hence a volatile and an atomic counter rather than state confined to its context.
 */
public final class Faults {
  private volatile SandboxFaults current = SandboxFaults.NONE;
  private final AtomicInteger callsToFail = new AtomicInteger();
  private volatile UnaryOperator<String> wechatBill = UnaryOperator.identity();
  private volatile BiPredicate<String, LocalDate> wechatBillNotOut = (mchid, day) -> false;
  private volatile BiPredicate<String, LocalDate> alipayBillNotOut = (appId, day) -> false;
  private final Queue<HeldCall> toHold = new ConcurrentLinkedQueue<>();
  private final Queue<UnmovedRefund> alipayRefundsUnmoved = new ConcurrentLinkedQueue<>();
  private final java.util.Set<String> wechatRefundsHeld = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * A WeChat Pay refund the channel holds (ABNORMAL: the money left the merchant's account but the payer's card is closed)
   * until {@link #releaseWechatRefund}: its query answers ABNORMAL, then SUCCESS.
   */
  public void holdWechatRefund(String outRefundNo) {
    wechatRefundsHeld.add(outRefundNo);
  }

  /** The merchant platform sent a held refund on: its query answers SUCCESS again. */
  public void releaseWechatRefund(String outRefundNo) {
    wechatRefundsHeld.remove(outRefundNo);
  }

  public boolean wechatRefundHeld(String outRefundNo) {
    return wechatRefundsHeld.contains(outRefundNo);
  }

  /** What became of an Alipay refund answered fund_change N: no money had moved when Alipay answered. */
  public enum UnmovedRefund {
    /** It never arrived: Alipay knows nothing of it until it is requested again. */
    NOT_RECEIVED,
    /** It was still being processed: done just after the answer. */
    DONE_AFTER_ANSWER
  }

  public void set(SandboxFaults faults) {
    current = faults;
    callsToFail.set(faults.failCalls());
  }

  public SandboxFaults current() {
    return current;
  }

  /** From now on WeChat Pay's trade bills as {@code edit} makes them (a line twice, a line cut short), hashed as sent. */
  public void editWechatBill(UnaryOperator<String> edit) {
    wechatBill = edit;
  }

  /**
   * From now on WeChat Pay answers that the trade bill of these merchants' (mchid, or a service provider's sub_mchid)
   * days is not out yet ({@code STATEMENT_CREATING}), as it does before it has made the bill; {@code (m, d) -> false}
   * serves every bill again.
   */
  public void wechatBillNotOut(BiPredicate<String, LocalDate> notOut) {
    wechatBillNotOut = notOut;
  }

  /**
   * From now on Alipay answers that these apps' bills of these days do not exist ({@code isp.bill_not_exist}), as it does
   * while a day's bill is late ("当日数据一般于次日 9 点前生成，特殊情况可能延迟"); {@code (a, d) -> false} serves them again.
   */
  public void alipayBillNotOut(BiPredicate<String, LocalDate> notOut) {
    alipayBillNotOut = notOut;
  }

  /** Whether this app's bill of the day is not out yet. */
  public boolean alipayBillNotOut(String appId, LocalDate day) {
    return alipayBillNotOut.test(appId, day);
  }

  /** Whether this merchant's trade bill of the day is not out yet. */
  public boolean wechatBillNotOut(String mchid, LocalDate day) {
    return wechatBillNotOut.test(mchid, day);
  }

  /** Holds the next API call whose method and path start with {@code call} (such as {@code "GET /v3/bill"}) until released. */
  public HeldCall holdNext(String call) {
    HeldCall h = new HeldCall(call);
    toHold.add(h);
    return h;
  }

  /** Alipay answers the next new refund fund_change N, and it becomes {@code what}; one call for each refund so answered. */
  public void alipayRefundUnmoved(UnmovedRefund what) {
    alipayRefundsUnmoved.add(what);
  }

  /** Taken by the next new Alipay refund: what becomes of it if it is answered fund_change N, or null for an ordinary refund. */
  public UnmovedRefund takeAlipayRefundUnmoved() {
    return alipayRefundsUnmoved.poll();
  }

  /** A WeChat Pay trade bill as the sandbox sends it, the edit in force applied. */
  public String wechatBill(String bill) {
    return wechatBill.apply(bill);
  }

  /**
   * Before the API routes: answers the next {@code failCalls} calls with a 500 SYSTEM_ERROR, as a channel having a
   * bad day, and every call {@code answerDelayMs} late; a call to be held waits until it is released.
   */
  public void failSome(RoutingContext ctx) {
    String call = ctx.request().method() + " " + ctx.request().path();
    for (HeldCall h : toHold) {
      if (h.holds(call) && toHold.remove(h)) {
        Context c = ctx.vertx().getOrCreateContext();
        h.arrive(() -> c.runOnContext(v -> pass(ctx)));
        return;
      }
    }
    pass(ctx);
  }

  private void pass(RoutingContext ctx) {
    if (callsToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      ctx.response().setStatusCode(500).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("code", "SYSTEM_ERROR").put("message", "系统错误").encode());
      return;
    }
    long late = current.answerDelayMs();
    if (late > 0) {
      ctx.vertx().setTimer(late, t -> ctx.next());
      return;
    }
    ctx.next();
  }

  /** {@code POST /sandbox/faults}: the faults as JSON, every field optional. */
  public void update(RoutingContext ctx) {
    JsonObject f = ctx.body().asJsonObject();
    set(new SandboxFaults(f.getLong("notifyDelayMs", 0L), f.getInteger("duplicates", 0),
        f.getBoolean("dropNotifications", false), f.getInteger("failCalls", 0), f.getBoolean("reorder", false),
        f.getLong("answerDelayMs", 0L)));
    ctx.response().setStatusCode(204).end();
  }
}
