package cn.liangxian.sandbox.unionpay;

import cn.liangxian.channel.unionpay.UnionPayMessages;
import cn.liangxian.channel.unionpay.UnionPaySignatures;
import cn.liangxian.sandbox.ledger.Ledger;
import cn.liangxian.sandbox.ledger.Refund;
import cn.liangxian.sandbox.ledger.Trade;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * UnionPay's online gateway as a merchant calls it: {@code /gateway/api/backTransReq.do} (QR code request,
 * refund), {@code /gateway/api/queryTrans.do} and the file transfer ({@code /unionpay/file}); every
 * request's signature checked against the certificate its certId names, every answer signed with
 * {@code signPubKeyCert}. Runs on the sandbox's context.
 */
public final class UnionPayApi {
  static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");
  static final DateTimeFormatter TXN_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
  /** traceTime, 交易传输时间: when UnionPay carried the transaction, MMddHHmmss in Beijing time. */
  static final DateTimeFormatter TRACE_TIME = DateTimeFormatter.ofPattern("MMddHHmmss");

  /** What UnionPay remembers of a request: its orderId with txnTime, and the trade (and refund) it made. */
  record Request(String orderId, String txnTime, String txnType, Trade trade, Refund refund) {}

  private final UnionPayPlatform platform;
  private final Map<String, UnionPayMerchant> merchants;
  private final Ledger ledger;
  private final UnionPayNotifier notifier;
  private final Supplier<String> baseUrl;
  private final Clock clock;
  private final Map<String, Request> requests = new HashMap<>();
  private final UnionPaySettlement settlement;

  public UnionPayApi(UnionPayPlatform platform, Map<String, UnionPayMerchant> merchants, Ledger ledger, UnionPayNotifier notifier,
      Supplier<String> baseUrl, Clock clock) {
    this.platform = platform;
    this.merchants = merchants;
    this.ledger = ledger;
    this.notifier = notifier;
    this.baseUrl = baseUrl;
    this.clock = clock;
    this.settlement = new UnionPaySettlement(ledger, requests::values);
  }

  public void routes(Router router) {
    router.post("/gateway/api/backTransReq.do").handler(this::back);
    router.post("/gateway/api/queryTrans.do").handler(this::query);
    router.post("/unionpay/file").handler(this::file);
  }

  private void back(RoutingContext ctx) {
    Map<String, String> f = request(ctx);
    if (f == null) {
      return;
    }
    Map<String, String> a = switch (f.getOrDefault("txnType", "") + "/" + f.getOrDefault("txnSubType", "")) {
      case "01/07" -> qrCode(f);
      case "04/00" -> refund(f);
      default -> fail(f, "10", "交易类型不支持");
    };
    answer(ctx, a);
  }

  private Map<String, String> qrCode(Map<String, String> f) {
    String orderId = f.getOrDefault("orderId", "");
    long fen = fen(f.get("txnAmt"));
    if (!orderId.matches("[0-9A-Za-z]{8,40}") || fen <= 0 || f.get("backUrl") == null || !"156".equals(f.get("currencyCode"))) {
      return fail(f, "30", "报文格式错误");
    }
    Request r = requests.get(orderId);
    if (r != null) {
      return fail(f, "12", "重复交易");
    }
    Trade t = new Trade(Trade.Channel.UNIONPAY, f.get("merId"), f.get("merId"), orderId, fen, f.getOrDefault("orderDesc", ""),
        f.get("backUrl"), "QR", queryId(), clock.instant(), "NOTPAY");
    String timeout = f.get("payTimeout");
    if (timeout != null) {
      try {
        t.payBy(LocalDateTime.parse(timeout, TXN_TIME).atZone(CHINA).toInstant());
      } catch (DateTimeParseException e) {
        return fail(f, "30", "payTimeout 格式错误");
      }
    }
    ledger.open(t);
    requests.put(orderId, new Request(orderId, f.get("txnTime"), "01", t, null));
    Map<String, String> a = ok(f);
    a.put("qrCode", baseUrl.get() + "/sandbox/pay/unionpay/" + orderId);
    return a;
  }

  private Map<String, String> refund(Map<String, String> f) {
    String orderId = f.getOrDefault("orderId", "");
    if (requests.containsKey(orderId)) {
      return fail(f, "12", "重复交易");
    }
    Trade t = ledger.trades().stream().filter(x -> x.channel() == Trade.Channel.UNIONPAY
        && x.tradeNo().equals(f.get("origQryId"))).findFirst().orElse(null);
    long fen = fen(f.get("txnAmt"));
    if (t == null || !t.merchantId().equals(f.get("merId"))) {
      return fail(f, "35", "原交易不存在");
    }
    if (t.paidAt() == null || fen <= 0 || t.refundedFen() + fen > t.totalFen() || !orderId.matches("[0-9A-Za-z]{8,40}")) {
      return fail(f, "36", "原交易状态或金额不符");
    }
    Refund refund = new Refund(orderId, queryId(), fen, "", clock.instant());
    t.add(refund);
    requests.put(orderId, new Request(orderId, f.get("txnTime"), "04", t, refund));
    notifier.refunded(t, refund, f.get("txnTime"), f.get("backUrl"));
    Map<String, String> a = ok(f);
    a.put("queryId", refund.refundId());
    a.put("origQryId", t.tradeNo());
    a.put("txnAmt", Long.toString(fen));
    return a;
  }

  /**
   * A refund the merchant makes on UnionPay's merchant service platform, not through the gateway: a refund transaction of
   * its own (an orderId the platform gives it) that the settlement file lists with the payment's queryId; nobody is
   * notified. Its orderId.
   */
  public String refundOnPlatform(Trade t, long fen) {
    String orderId = "PLATFORM" + ledger.next();
    Refund refund = new Refund(orderId, queryId(), fen, "", clock.instant());
    t.add(refund);
    requests.put(orderId, new Request(orderId, TXN_TIME.format(clock.instant().atZone(CHINA)), "04", t, refund));
    return orderId;
  }

  private void query(RoutingContext ctx) {
    Map<String, String> f = request(ctx);
    if (f == null) {
      return;
    }
    Request r = requests.get(f.getOrDefault("orderId", ""));
    // a QR code is a transaction only once scanned; until then UnionPay has none to report
    if (r == null || !r.txnTime().equals(f.get("txnTime")) || !r.trade().merchantId().equals(f.get("merId"))
        || (r.refund() == null && r.trade().paidAt() == null && !r.trade().processing())) {
      answer(ctx, fail(f, "34", "查无此交易"));
      return;
    }
    if (r.refund() == null && r.trade().processing()) {
      // scanned and paid, the issuer's answer still awaited: the query succeeds, the transaction is not done
      Map<String, String> p = ok(f);
      p.put("origRespCode", "05");
      p.put("origRespMsg", "交易处理中");
      p.put("txnAmt", Long.toString(r.trade().totalFen()));
      p.put("currencyCode", "156");
      answer(ctx, p);
      return;
    }
    Map<String, String> a = ok(f);
    boolean defective = r.refund() == null && r.trade().defective();
    a.put("origRespCode", defective ? "A6" : "00");
    a.put("origRespMsg", defective ? "有缺陷的成功" : "成功[0000000]");
    a.put("queryId", r.refund() == null ? r.trade().tradeNo() : r.refund().refundId());
    a.put("txnAmt", Long.toString(r.refund() == null ? r.trade().totalFen() : r.refund().fen()));
    a.put("currencyCode", "156");
    a.put("settleAmt", a.get("txnAmt"));
    a.put("settleCurrencyCode", "156");
    a.put("settleDate", UnionPaySettlement.MMDD.format(UnionPaySettlement.settleDay(r.refund() == null ? r.trade().paidAt() : r.refund().at())));
    a.put("traceTime", TRACE_TIME.format((r.refund() == null ? r.trade().paidAt() : r.refund().at()).atZone(CHINA)));
    answer(ctx, a);
  }

  private void file(RoutingContext ctx) {
    Map<String, String> f = request(ctx);
    if (f == null) {
      return;
    }
    String date = f.getOrDefault("settleDate", "");
    if (!"76".equals(f.get("txnType")) || !date.matches("\\d{4}")) {
      answer(ctx, fail(f, "30", "报文格式错误"));
      return;
    }
    Map<String, String> a = ok(f);
    a.putAll(settlement.file(f.get("merId"), date, clock.instant()));
    answer(ctx, a);
  }

  /** The request's fields if its merchant is known and its signature checks out; otherwise answers itself and gives null. */
  private Map<String, String> request(RoutingContext ctx) {
    Map<String, String> f = new LinkedHashMap<>();
    ctx.request().formAttributes().forEach(e -> f.put(e.getKey(), e.getValue()));
    UnionPayMerchant m = merchants.get(f.getOrDefault("merId", ""));
    if (m == null || !m.certId().equals(f.get("certId")) || !UnionPaySignatures.verify(m.signKey(), f)) {
      answer(ctx, fail(f, "11", "验证签名失败"));
      return null;
    }
    return f;
  }

  private Map<String, String> ok(Map<String, String> f) {
    Map<String, String> a = echo(f);
    a.put("respCode", "00");
    a.put("respMsg", "成功[0000000]");
    return a;
  }

  private Map<String, String> fail(Map<String, String> f, String code, String msg) {
    Map<String, String> a = echo(f);
    a.put("respCode", code);
    a.put("respMsg", msg);
    return a;
  }

  private static Map<String, String> echo(Map<String, String> f) {
    Map<String, String> a = new LinkedHashMap<>();
    for (String k : new String[] {"version", "encoding", "bizType", "txnType", "txnSubType", "accessType", "merId", "orderId",
        "txnTime", "signMethod"}) {
      if (f.get(k) != null) {
        a.put(k, f.get(k));
      }
    }
    return a;
  }

  private void answer(RoutingContext ctx, Map<String, String> a) {
    platform.sign(a);
    ctx.response().putHeader("Content-Type", "text/plain;charset=UTF-8").end(UnionPayMessages.answer(a));
  }

  private String queryId() {
    return TXN_TIME.format(clock.instant().atZone(CHINA)) + String.format("%07d", ledger.next() % 10_000_000);
  }

  private static long fen(String s) {
    try {
      return s == null ? -1 : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The txnTime an orderId was sent with (the notifier repeats it); null for an unknown orderId. */
  public String txnTime(String orderId) {
    Request r = requests.get(orderId);
    return r == null ? null : r.txnTime();
  }
}
