package cn.liangxian.sandbox.unionpay;

import cn.liangxian.channel.unionpay.UnionPayMessages;
import cn.liangxian.channel.unionpay.UnionPaySignatures;
import cn.liangxian.sandbox.fault.Delivery;
import cn.liangxian.sandbox.ledger.Refund;
import cn.liangxian.sandbox.ledger.Trade;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** UnionPay's notification to {@code backUrl}: a signed form, posted until the merchant answers HTTP 200. */
public final class UnionPayNotifier {
  private static final DateTimeFormatter TRACE_TIME = DateTimeFormatter.ofPattern("MMddHHmmss");

  private final UnionPayPlatform platform;
  private final Delivery delivery;
  private final WebClient http;
  private final Clock clock;
  private final Function<String, String> txnTimes;

  /** @param txnTimes the txnTime each orderId was sent with */
  public UnionPayNotifier(UnionPayPlatform platform, Delivery delivery, WebClient http, Clock clock, Function<String, String> txnTimes) {
    this.platform = platform;
    this.delivery = delivery;
    this.http = http;
    this.clock = clock;
    this.txnTimes = txnTimes;
  }

  /** The fields of a paid trade's notification, unsigned (tests alter them before signing). */
  public Map<String, String> paidFields(Trade t) {
    Map<String, String> f = common(t.merchantId(), t.outTradeNo(), txnTimes.apply(t.outTradeNo()), "01", "07", t.paidAt());
    f.put("queryId", t.tradeNo());
    f.put("txnAmt", Long.toString(t.totalFen()));
    f.put("settleAmt", Long.toString(t.totalFen()));
    f.put("accNo", t.payer());
    if (t.defective()) {
      f.put("respCode", "A6");
      f.put("respMsg", "有缺陷的成功");
    }
    return f;
  }

  public void paid(Trade t) {
    Map<String, String> f = paidFields(t);
    platform.sign(f);
    delivery.deliver("unionpay", t.outTradeNo(), "01", () -> post(t.notifyUrl(), f));
  }

  void refunded(Trade t, Refund r, String txnTime, String backUrl) {
    Map<String, String> f = common(t.merchantId(), r.outRefundNo(), txnTime, "04", "00", r.at());
    f.put("queryId", r.refundId());
    f.put("origQryId", t.tradeNo());
    f.put("txnAmt", Long.toString(r.fen()));
    f.put("settleAmt", Long.toString(r.fen()));
    platform.sign(f);
    delivery.afterNotifyDelay(() -> delivery.deliver("unionpay", t.outTradeNo(), "04", () -> post(backUrl, f)));
  }

  /** One delivery of a form as it stands (signed or not): the HTTP status the merchant answered. */
  public Future<Integer> post(String url, Map<String, String> fields) {
    return http.postAbs(url).putHeader("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
        .sendBuffer(Buffer.buffer(UnionPayMessages.form(fields))).map(r -> r.statusCode());
  }

  private Map<String, String> common(String merId, String orderId, String txnTime, String txnType, String txnSubType, Instant at) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("version", UnionPaySignatures.VERSION);
    f.put("encoding", "UTF-8");
    f.put("signMethod", UnionPaySignatures.SIGN_METHOD_RSA);
    f.put("txnType", txnType);
    f.put("txnSubType", txnSubType);
    f.put("bizType", "000000");
    f.put("accessType", "0");
    f.put("merId", merId);
    f.put("orderId", orderId);
    f.put("txnTime", txnTime == null ? UnionPayApi.TXN_TIME.format(at.atZone(UnionPayApi.CHINA)) : txnTime);
    f.put("currencyCode", "156");
    f.put("settleCurrencyCode", "156");
    f.put("settleDate", UnionPaySettlement.MMDD.format(UnionPaySettlement.settleDay(at)));
    f.put("traceNo", String.format("%06d", Math.floorMod(orderId.hashCode(), 1_000_000)));
    f.put("traceTime", UnionPayApi.TRACE_TIME.format(at.atZone(UnionPayApi.CHINA)));
    f.put("traceTime", TRACE_TIME.format(at.atZone(UnionPayApi.CHINA)));
    f.put("respCode", "00");
    f.put("respMsg", "成功[0000000]");
    return f;
  }
}
