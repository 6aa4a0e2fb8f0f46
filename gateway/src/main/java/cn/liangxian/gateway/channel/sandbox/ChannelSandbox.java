package cn.liangxian.gateway.channel.sandbox;

import cn.liangxian.channel.Crypto;
import cn.liangxian.channel.Money;
import cn.liangxian.channel.alipay.AlipaySignatures;
import cn.liangxian.channel.wechat.ResourceCipher;
import cn.liangxian.channel.wechat.WechatPayScheme;
import cn.liangxian.channel.wechat.WechatPaySignatures;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A loopback stand-in for WeChat Pay and Alipay that speaks their wire protocols with its own
 * generated keys: prepay, query, close, refund, signed and encrypted notifications, bills. The
 * adapters reach it exactly as they would the real hosts; only the base URLs differ. On demand it
 * delays, duplicates, reorders or drops notifications and fails calls ({@link SandboxFaults}).
 *
 * <p>A QR code it hands out opens {@code /sandbox/pay/{channel}/{out_trade_no}}, a page whose button
 * completes the payment as a resident's phone would.
 */
public final class ChannelSandbox {
  private static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");
  private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
  private static final DateTimeFormatter ALIPAY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final Charset GBK = Charset.forName("GBK");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A WeChat Pay merchant the sandbox knows: whose requests it accepts, and how it encrypts for it. */
  public record WechatMerchant(String mchid, String appId, PublicKey merchantKey, byte[] apiV3Key, WechatPayScheme scheme) {}

  /** An Alipay application the sandbox knows. */
  public record AlipayApp(String appId, PublicKey appKey) {}

  private final Vertx vertx;
  private final Clock clock;
  private final WebClient notifier;
  private final KeyPair wechatRsa = generate("RSA");
  private final KeyPair wechatSm2 = generate("SM2");
  private final KeyPair alipayKey = generate("RSA");
  private final String wechatSerial = "PUB_KEY_ID_0000SANDBOX" + HexFormat.of().withUpperCase().formatHex(bytes(8));
  private final Map<String, WechatMerchant> wechatMerchants = new ConcurrentHashMap<>();
  private final Map<String, AlipayApp> alipayApps = new ConcurrentHashMap<>();
  private final Map<String, SandboxTrade> trades = new LinkedHashMap<>();
  private final AtomicLong sequence = new AtomicLong(1);
  private final List<JsonObject> deliveries = new ArrayList<>();
  private volatile SandboxFaults faults = SandboxFaults.NONE;
  private volatile int failuresLeft;
  private volatile String baseUrl;
  private HttpServer server;

  public ChannelSandbox(Vertx vertx, Clock clock) {
    this.vertx = vertx;
    this.clock = clock;
    this.notifier = WebClient.create(vertx);
  }

  public ChannelSandbox registerWechat(WechatMerchant m) {
    wechatMerchants.put(m.mchid(), m);
    return this;
  }

  public ChannelSandbox registerAlipay(AlipayApp app) {
    alipayApps.put(app.appId(), app);
    return this;
  }

  /** The key WeChat Pay signs with, under {@link #wechatSerial()}: the merchant side trusts it. */
  public PublicKey wechatPlatformKey(WechatPayScheme scheme) {
    return scheme == WechatPayScheme.RSA ? wechatRsa.getPublic() : wechatSm2.getPublic();
  }

  public String wechatSerial() {
    return wechatSerial;
  }

  public PublicKey alipayPublicKey() {
    return alipayKey.getPublic();
  }

  public void faults(SandboxFaults f) {
    this.faults = f;
    this.failuresLeft = f.failCalls();
  }

  /** Starts on loopback; port 0 picks a free one. */
  public Future<Integer> listen(int port) {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create().setBodyLimit(1 << 20));
    router.route("/v3/*").handler(this::failSome);
    router.route("/gateway.do").handler(this::failSome);
    router.post("/v3/pay/transactions/jsapi").handler(ctx -> wechatPrepay(ctx, "JSAPI"));
    router.post("/v3/pay/transactions/native").handler(ctx -> wechatPrepay(ctx, "NATIVE"));
    router.get("/v3/pay/transactions/out-trade-no/:no").handler(this::wechatQuery);
    router.post("/v3/pay/transactions/out-trade-no/:no/close").handler(this::wechatClose);
    router.post("/v3/refund/domestic/refunds").handler(this::wechatRefund);
    router.get("/v3/refund/domestic/refunds/:no").handler(this::wechatRefundQuery);
    router.get("/v3/bill/tradebill").handler(this::wechatBill);
    router.get("/v3/billdownload/file").handler(this::wechatBillFile);
    router.post("/gateway.do").handler(this::alipay);
    router.get("/sandbox/alipay/bill").handler(this::alipayBillFile);
    router.get("/sandbox/pay/:channel/:no").handler(this::payPage);
    router.post("/sandbox/pay/:channel/:no").handler(ctx -> pay(ctx.pathParam("no"))
        .onSuccess(v -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(page("支付成功", "")))
        .onFailure(e -> ctx.response().setStatusCode(409).putHeader("Content-Type", "text/plain; charset=utf-8")
            .end(e.getMessage())));
    router.get("/sandbox/payments").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("payments", new JsonArray(payments())).encode()));
    router.post("/sandbox/faults").handler(ctx -> {
      JsonObject f = ctx.body().asJsonObject();
      faults(new SandboxFaults(f.getLong("notifyDelayMs", 0L), f.getInteger("duplicates", 0),
          f.getBoolean("dropNotifications", false), f.getInteger("failCalls", 0), f.getBoolean("reorder", false)));
      ctx.response().setStatusCode(204).end();
    });
    return vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1").map(s -> {
      server = s;
      baseUrl = "http://127.0.0.1:" + s.actualPort();
      return s.actualPort();
    });
  }

  public String baseUrl() {
    return baseUrl;
  }

  public Future<Void> close() {
    notifier.close();
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** Every notification delivery attempt: channel, out_trade_no, event, HTTP status answered. */
  public synchronized List<JsonObject> deliveries() {
    return List.copyOf(deliveries);
  }

  /**
   * The sandbox's own record of every payment it confirmed, whatever the merchant made of the
   * notification: channel, out_trade_no, amount, when, and how much of it was refunded since. What a
   * load test holds the merchant's database against.
   */
  public synchronized List<JsonObject> payments() {
    List<JsonObject> out = new ArrayList<>();
    for (SandboxTrade t : trades.values()) {
      if (t.paidAt != null) {
        out.add(new JsonObject().put("channel", t.channel == SandboxTrade.Channel.WECHAT ? "wechat" : "alipay")
            .put("outTradeNo", t.outTradeNo).put("totalFen", t.totalFen).put("paidAt", t.paidAt.toString())
            .put("refundedFen", t.refundedFen()));
      }
    }
    return out;
  }

  /** The resident pays: the trade succeeds and the channel notifies the merchant. */
  public Future<Void> pay(String outTradeNo) {
    SandboxTrade t;
    synchronized (this) {
      t = trades.get(outTradeNo);
      if (t == null) {
        return Future.failedFuture("no such trade " + outTradeNo);
      }
      boolean open = t.state.equals("NOTPAY") || t.state.equals("WAIT_BUYER_PAY");
      if (!open) {
        return Future.failedFuture("trade " + outTradeNo + " is " + t.state);
      }
      t.state = t.channel == SandboxTrade.Channel.WECHAT ? "SUCCESS" : "TRADE_SUCCESS";
      t.paidAt = clock.instant();
      t.payer = t.channel == SandboxTrade.Channel.WECHAT ? "oSandbox" + t.outTradeNo.hashCode() : "2088" + Math.abs(t.outTradeNo.hashCode());
    }
    notifyPaid(t);
    return Future.succeededFuture();
  }

  /** Sends the payment notification of a paid trade again, as the channels do for hours. */
  public void renotify(String outTradeNo) {
    SandboxTrade t;
    synchronized (this) {
      t = trades.get(outTradeNo);
    }
    if (t != null && t.paidAt != null) {
      notifyPaid(t);
    }
  }

  /**
   * Sends a notification of the sandbox's own making, signed and encrypted as WeChat Pay does: for tests
   * of what a merchant must refuse (another amount or merchant, an unknown order, a stale timestamp,
   * an unknown serial, a tampered ciphertext). Resolves to the HTTP status the merchant answered.
   */
  public Future<Integer> sendWechat(String mchid, String url, JsonObject transaction, long clockSkewSeconds, String serial,
      boolean tamper) {
    WechatMerchant m = wechatMerchants.get(mchid);
    String nonce = HexFormat.of().formatHex(bytes(6));
    String ciphertext;
    try {
      ciphertext = ResourceCipher.encrypt(m.scheme().resourceAlgorithm(), m.apiV3Key(), nonce, "transaction",
          transaction.encode().getBytes(StandardCharsets.UTF_8));
    } catch (java.security.GeneralSecurityException e) {
      return Future.failedFuture(e);
    }
    if (tamper) {
      char c = ciphertext.charAt(8);
      ciphertext = ciphertext.substring(0, 8) + (c == 'A' ? 'B' : 'A') + ciphertext.substring(9);
    }
    JsonObject body = new JsonObject().put("id", "EV-" + sequence.getAndIncrement()).put("event_type", "TRANSACTION.SUCCESS")
        .put("resource_type", "encrypt-resource").put("summary", "支付成功")
        .put("resource", new JsonObject().put("original_type", "transaction").put("algorithm", m.scheme().resourceAlgorithm())
            .put("ciphertext", ciphertext).put("associated_data", "transaction").put("nonce", nonce));
    byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
    String ts = Long.toString(clock.instant().getEpochSecond() + clockSkewSeconds);
    String n = HexFormat.of().formatHex(bytes(16));
    String sig = Crypto.sign(m.scheme().signatureAlgorithm(),
        m.scheme() == WechatPayScheme.RSA ? wechatRsa.getPrivate() : wechatSm2.getPrivate(),
        WechatPaySignatures.responseMessage(ts, n, bytes));
    return notifier.postAbs(url).putHeader("Content-Type", "application/json").putHeader("Wechatpay-Timestamp", ts)
        .putHeader("Wechatpay-Nonce", n).putHeader("Wechatpay-Signature", sig)
        .putHeader("Wechatpay-Serial", serial == null ? wechatSerial : serial).sendBuffer(Buffer.buffer(bytes))
        .map(r -> r.statusCode());
  }

  /** The transaction resource the sandbox would send for a paid trade (tests alter it). */
  public synchronized JsonObject transactionOf(String outTradeNo) {
    SandboxTrade t = trades.get(outTradeNo);
    return t == null ? null : transaction(t);
  }

  // ---------------------------------------------------------------- WeChat Pay

  private void wechatPrepay(RoutingContext ctx, String type) {
    WechatMerchant m = wechatAuthenticated(ctx);
    if (m == null) {
      return;
    }
    JsonObject b = json(ctx);
    if (b == null) {
      return;
    }
    JsonObject amount = b.getJsonObject("amount", new JsonObject());
    String no = b.getString("out_trade_no");
    if (no == null || amount.getLong("total", 0L) <= 0 || b.getString("notify_url") == null
        || !m.mchid().equals(b.getString("mchid")) || !m.appId().equals(b.getString("appid"))
        || (type.equals("JSAPI") && b.getJsonObject("payer", new JsonObject()).getString("openid") == null)) {
      wechatError(ctx, m, 400, "PARAM_ERROR", "参数错误");
      return;
    }
    synchronized (this) {
      SandboxTrade existing = trades.get(no);
      if (existing != null && (existing.totalFen != amount.getLong("total") || !existing.state.equals("NOTPAY"))) {
        wechatError(ctx, m, 400, existing.state.equals("SUCCESS") ? "ORDERPAID" : "OUT_TRADE_NO_USED", "商户订单号重复");
        return;
      }
      if (existing == null) {
        trades.put(no, new SandboxTrade(SandboxTrade.Channel.WECHAT, m.mchid(), m.appId(), no, amount.getLong("total"),
            b.getString("description"), b.getString("notify_url"), type, "42000" + sequence.getAndIncrement() + System.nanoTime() % 100000,
            clock.instant(), "NOTPAY"));
      }
    }
    JsonObject r = type.equals("JSAPI")
        ? new JsonObject().put("prepay_id", "wx" + no)
        : new JsonObject().put("code_url", baseUrl + "/sandbox/pay/wechat/" + no);
    wechatAnswer(ctx, m, 200, r);
  }

  private void wechatQuery(RoutingContext ctx) {
    WechatMerchant m = wechatAuthenticated(ctx);
    if (m == null) {
      return;
    }
    SandboxTrade t;
    JsonObject r;
    synchronized (this) {
      t = trades.get(ctx.pathParam("no"));
      if (t == null || !t.merchantId.equals(m.mchid())) {
        wechatError(ctx, m, 404, "ORDER_NOT_EXIST", "订单不存在");
        return;
      }
      r = transaction(t);
    }
    wechatAnswer(ctx, m, 200, r);
  }

  private void wechatClose(RoutingContext ctx) {
    WechatMerchant m = wechatAuthenticated(ctx);
    if (m == null) {
      return;
    }
    synchronized (this) {
      SandboxTrade t = trades.get(ctx.pathParam("no"));
      if (t == null) {
        wechatError(ctx, m, 404, "ORDER_NOT_EXIST", "订单不存在");
        return;
      }
      if (t.state.equals("SUCCESS") || t.state.equals("REFUND")) {
        wechatError(ctx, m, 400, "ORDERPAID", "订单已支付");
        return;
      }
      t.state = "CLOSED";
    }
    wechatSigned(ctx, m, 204, new byte[0]);
  }

  private void wechatRefund(RoutingContext ctx) {
    WechatMerchant m = wechatAuthenticated(ctx);
    if (m == null) {
      return;
    }
    JsonObject b = json(ctx);
    if (b == null) {
      return;
    }
    SandboxTrade t;
    SandboxTrade.Refund refund;
    boolean fresh = false;
    synchronized (this) {
      t = trades.get(b.getString("out_trade_no", ""));
      long fen = b.getJsonObject("amount", new JsonObject()).getLong("refund", 0L);
      String outRefundNo = b.getString("out_refund_no");
      if (t == null || outRefundNo == null) {
        wechatError(ctx, m, 404, "RESOURCE_NOT_EXISTS", "订单不存在");
        return;
      }
      refund = t.refunds.stream().filter(r -> r.outRefundNo().equals(outRefundNo)).findFirst().orElse(null);
      if (refund == null) {
        if (!(t.state.equals("SUCCESS") || t.state.equals("REFUND")) || fen <= 0 || t.refundedFen() + fen > t.totalFen) {
          wechatError(ctx, m, 400, "INVALID_REQUEST", "订单状态或退款金额不正确");
          return;
        }
        refund = new SandboxTrade.Refund(outRefundNo, "5030" + sequence.getAndIncrement(), fen, b.getString("reason"),
            clock.instant());
        t.refunds.add(refund);
        t.state = "REFUND";
        fresh = true;
      }
    }
    wechatAnswer(ctx, m, 200, refundJson(t, refund, "PROCESSING"));
    if (fresh) {
      String url = b.getString("notify_url", t.notifyUrl);
      SandboxTrade.Refund r = refund;
      vertx.setTimer(Math.max(1, faults.notifyDelayMs()), x -> sendWechat(m, url, "REFUND.SUCCESS", "refund",
          refundJson(t, r, "SUCCESS").put("refund_status", "SUCCESS").put("mchid", m.mchid()), t.outTradeNo));
    }
  }

  private void wechatRefundQuery(RoutingContext ctx) {
    WechatMerchant m = wechatAuthenticated(ctx);
    if (m == null) {
      return;
    }
    synchronized (this) {
      for (SandboxTrade t : trades.values()) {
        for (SandboxTrade.Refund r : t.refunds) {
          if (r.outRefundNo().equals(ctx.pathParam("no"))) {
            wechatAnswer(ctx, m, 200, refundJson(t, r, "SUCCESS"));
            return;
          }
        }
      }
    }
    wechatError(ctx, m, 404, "RESOURCE_NOT_EXISTS", "退款单不存在");
  }

  private void wechatBill(RoutingContext ctx) {
    WechatMerchant m = wechatAuthenticated(ctx);
    if (m == null) {
      return;
    }
    LocalDate date;
    try {
      date = LocalDate.parse(ctx.queryParams().get("bill_date"));
    } catch (RuntimeException e) {
      wechatError(ctx, m, 400, "PARAM_ERROR", "bill_date");
      return;
    }
    byte[] file = wechatBillText(m.mchid(), date).getBytes(StandardCharsets.UTF_8);
    wechatAnswer(ctx, m, 200, new JsonObject().put("hash_type", "SHA1").put("hash_value", sha1(file))
        .put("download_url", baseUrl + "/v3/billdownload/file?token=" + m.mchid() + "_" + date));
  }

  private void wechatBillFile(RoutingContext ctx) {
    WechatMerchant m = wechatAuthenticated(ctx);
    if (m == null) {
      return;
    }
    String token = ctx.queryParams().get("token");
    String prefix = m.mchid() + "_";
    if (token == null || !token.startsWith(prefix)) {
      wechatError(ctx, m, 400, "PARAM_ERROR", "token");
      return;
    }
    ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8")
        .end(wechatBillText(m.mchid(), LocalDate.parse(token.substring(prefix.length()))));
  }

  private synchronized String wechatBillText(String mchid, LocalDate date) {
    StringBuilder sb = new StringBuilder("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,"
        + "货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,"
        + "申请退款金额,费率备注\n");
    long count = 0;
    long settled = 0;
    long refunded = 0;
    for (SandboxTrade t : trades.values()) {
      if (t.channel != SandboxTrade.Channel.WECHAT || !t.merchantId.equals(mchid) || t.paidAt == null) {
        continue;
      }
      if (t.paidAt.atZone(CHINA).toLocalDate().equals(date)) {
        sb.append(row(ALIPAY_TIME.format(t.paidAt.atZone(CHINA)), t.appId, mchid, "0", "", t.tradeNo, t.outTradeNo, t.payer,
            t.tradeType, "SUCCESS", "OTHERS", "CNY", Money.fenToYuan(t.totalFen), "0.00", "0", "0", "0.00", "0.00", "", "",
            t.description, "", "0.00000", "0.00%", Money.fenToYuan(t.totalFen), "0.00", ""));
        count++;
        settled += t.totalFen;
      }
      for (SandboxTrade.Refund r : t.refunds) {
        if (r.at().atZone(CHINA).toLocalDate().equals(date)) {
          sb.append(row(ALIPAY_TIME.format(r.at().atZone(CHINA)), t.appId, mchid, "0", "", t.tradeNo, t.outTradeNo, t.payer,
              t.tradeType, "REFUND", "OTHERS", "CNY", "0.00", "0.00", r.refundId(), r.outRefundNo(), Money.fenToYuan(r.fen()),
              "0.00", "ORIGINAL", "SUCCESS", t.description, "", "0.00000", "0.00%", Money.fenToYuan(t.totalFen),
              Money.fenToYuan(r.fen()), ""));
          count++;
          refunded += r.fen();
        }
      }
    }
    sb.append("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\n");
    sb.append(row(Long.toString(count), Money.fenToYuan(settled), Money.fenToYuan(refunded), "0.00", "0.00000",
        Money.fenToYuan(settled), Money.fenToYuan(refunded)));
    return sb.toString();
  }

  private static String row(String... fields) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < fields.length; i++) {
      sb.append(i == 0 ? "`" : ",`").append(fields[i]);
    }
    return sb.append('\n').toString();
  }

  private JsonObject transaction(SandboxTrade t) {
    JsonObject r = new JsonObject().put("appid", t.appId).put("mchid", t.merchantId).put("out_trade_no", t.outTradeNo)
        .put("trade_type", t.tradeType).put("trade_state", t.state).put("trade_state_desc", t.state)
        .put("amount", new JsonObject().put("total", t.totalFen).put("payer_total", t.paidAt == null ? 0 : t.totalFen)
            .put("currency", "CNY").put("payer_currency", "CNY"));
    if (t.paidAt != null) {
      r.put("transaction_id", t.tradeNo).put("bank_type", "OTHERS")
          .put("success_time", RFC3339.format(t.paidAt.atZone(CHINA).toOffsetDateTime()))
          .put("payer", new JsonObject().put("openid", t.payer));
    }
    return r;
  }

  private static JsonObject refundJson(SandboxTrade t, SandboxTrade.Refund r, String status) {
    return new JsonObject().put("refund_id", r.refundId()).put("out_refund_no", r.outRefundNo())
        .put("transaction_id", t.tradeNo).put("out_trade_no", t.outTradeNo).put("channel", "ORIGINAL")
        .put("user_received_account", "支付用户零钱").put("status", status)
        .put("amount", new JsonObject().put("total", t.totalFen).put("refund", r.fen()).put("payer_total", t.totalFen)
            .put("payer_refund", r.fen()).put("currency", "CNY"));
  }

  /** Checks the merchant's Authorization signature; answers 401 itself when it fails. */
  private WechatMerchant wechatAuthenticated(RoutingContext ctx) {
    var auth = WechatPaySignatures.parseAuthorization(ctx.request().getHeader("Authorization"));
    WechatMerchant m = auth.map(a -> wechatMerchants.get(a.get("mchid"))).orElse(null);
    if (auth.isEmpty() || m == null || auth.get().scheme() != m.scheme()) {
      ctx.response().setStatusCode(401).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("code", "SIGN_ERROR").put("message", "签名错误").encode());
      return null;
    }
    var a = auth.get();
    byte[] body = ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    long ts;
    try {
      ts = Long.parseLong(a.get("timestamp"));
    } catch (RuntimeException e) {
      ts = -1;
    }
    boolean ok = Math.abs(clock.instant().getEpochSecond() - ts) <= 300 && WechatPaySignatures.verify(m.scheme(),
        m.merchantKey(), WechatPaySignatures.requestMessage(ctx.request().method().name(), ctx.request().uri(), ts,
            a.get("nonce_str"), body), a.get("signature"));
    if (!ok) {
      wechatError(ctx, m, 401, "SIGN_ERROR", "签名错误");
      return null;
    }
    return m;
  }

  private void wechatAnswer(RoutingContext ctx, WechatMerchant m, int status, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json");
    wechatSigned(ctx, m, status, body.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** Every answer carries the platform signature, an empty 204 included. */
  private void wechatSigned(RoutingContext ctx, WechatMerchant m, int status, byte[] bytes) {
    String ts = Long.toString(clock.instant().getEpochSecond());
    String nonce = HexFormat.of().formatHex(bytes(16));
    String sig = Crypto.sign(m.scheme().signatureAlgorithm(),
        m.scheme() == WechatPayScheme.RSA ? wechatRsa.getPrivate() : wechatSm2.getPrivate(),
        WechatPaySignatures.responseMessage(ts, nonce, bytes));
    ctx.response().setStatusCode(status)
        .putHeader("Wechatpay-Timestamp", ts).putHeader("Wechatpay-Nonce", nonce)
        .putHeader("Wechatpay-Signature", sig).putHeader("Wechatpay-Serial", wechatSerial)
        .putHeader("Request-ID", "sandbox-" + sequence.getAndIncrement())
        .end(Buffer.buffer(bytes));
  }

  private void wechatError(RoutingContext ctx, WechatMerchant m, int status, String code, String message) {
    wechatAnswer(ctx, m, status, new JsonObject().put("code", code).put("message", message));
  }

  private void notifyPaid(SandboxTrade t) {
    if (t.channel == SandboxTrade.Channel.WECHAT) {
      WechatMerchant m = wechatMerchants.get(t.merchantId);
      JsonObject resource;
      synchronized (this) {
        resource = transaction(t);
      }
      sendWechat(m, t.notifyUrl, "TRANSACTION.SUCCESS", "transaction", resource, t.outTradeNo);
    } else {
      Map<String, String> f = new LinkedHashMap<>();
      f.put("notify_time", ALIPAY_TIME.format(clock.instant().atZone(CHINA)));
      f.put("notify_type", "trade_status_sync");
      f.put("notify_id", "sandbox" + sequence.getAndIncrement());
      f.put("app_id", t.appId);
      f.put("charset", "utf-8");
      f.put("version", "1.0");
      f.put("trade_no", t.tradeNo);
      f.put("out_trade_no", t.outTradeNo);
      f.put("buyer_id", t.payer);
      f.put("trade_status", "TRADE_SUCCESS");
      f.put("total_amount", Money.fenToYuan(t.totalFen));
      f.put("receipt_amount", Money.fenToYuan(t.totalFen));
      f.put("gmt_payment", ALIPAY_TIME.format(t.paidAt.atZone(CHINA)));
      f.put("subject", t.description);
      f.put("sign_type", "RSA2");
      f.put("sign", AlipaySignatures.signNotification(alipayKey.getPrivate(), f));
      deliver("alipay", t.outTradeNo, "TRADE_SUCCESS", () -> {
        MultiMap form = MultiMap.caseInsensitiveMultiMap();
        f.forEach(form::add);
        return notifier.postAbs(t.notifyUrl).sendForm(form, "UTF-8")
            .map(r -> r.statusCode() == 200 && "success".equals(r.bodyAsString()) ? 200 : Math.max(r.statusCode(), 299));
      });
    }
  }

  private void sendWechat(WechatMerchant m, String url, String event, String originalType, JsonObject resource, String outTradeNo) {
    String nonce = HexFormat.of().formatHex(bytes(6));
    String ciphertext;
    try {
      ciphertext = ResourceCipher.encrypt(m.scheme().resourceAlgorithm(), m.apiV3Key(), nonce, originalType,
          resource.encode().getBytes(StandardCharsets.UTF_8));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    JsonObject body = new JsonObject().put("id", "EV-" + sequence.getAndIncrement())
        .put("create_time", RFC3339.format(clock.instant().atZone(CHINA).toOffsetDateTime()))
        .put("resource_type", "encrypt-resource").put("event_type", event)
        .put("summary", event.startsWith("REFUND") ? "退款成功" : "支付成功")
        .put("resource", new JsonObject().put("original_type", originalType).put("algorithm", m.scheme().resourceAlgorithm())
            .put("ciphertext", ciphertext).put("associated_data", originalType).put("nonce", nonce));
    byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
    deliver("wechat", outTradeNo, event, () -> {
      String ts = Long.toString(clock.instant().getEpochSecond());
      String n = HexFormat.of().formatHex(bytes(16));
      String sig = Crypto.sign(m.scheme().signatureAlgorithm(),
          m.scheme() == WechatPayScheme.RSA ? wechatRsa.getPrivate() : wechatSm2.getPrivate(),
          WechatPaySignatures.responseMessage(ts, n, bytes));
      return notifier.postAbs(url).putHeader("Content-Type", "application/json")
          .putHeader("Wechatpay-Timestamp", ts).putHeader("Wechatpay-Nonce", n).putHeader("Wechatpay-Signature", sig)
          .putHeader("Wechatpay-Serial", wechatSerial).putHeader("Wechatpay-Signature-Type",
              m.scheme() == WechatPayScheme.RSA ? "WECHATPAY2-SHA256-RSA2048" : "WECHATPAY2-SM2-WITH-SM3")
          .sendBuffer(Buffer.buffer(bytes)).map(r -> r.statusCode());
    });
  }

  /** Delivers with the configured faults, retrying (as the channels do) until the merchant says yes. */
  private void deliver(String channel, String outTradeNo, String event, java.util.function.Supplier<Future<Integer>> send) {
    SandboxFaults f = faults;
    if (f.dropNotifications()) {
      record(channel, outTradeNo, event, -1);
      return;
    }
    int copies = 1 + f.duplicates();
    for (int i = 0; i < copies; i++) {
      long delay = Math.max(1, f.notifyDelayMs() * (f.reorder() ? copies - i : 1));
      vertx.setTimer(delay, x -> attempt(channel, outTradeNo, event, send, 0));
    }
  }

  private void attempt(String channel, String outTradeNo, String event, java.util.function.Supplier<Future<Integer>> send, int tries) {
    send.get().onComplete(ar -> {
      int status = ar.succeeded() ? ar.result() : 0;
      record(channel, outTradeNo, event, status);
      if ((status < 200 || status > 299) && tries < 5) {
        vertx.setTimer(200L << tries, x -> attempt(channel, outTradeNo, event, send, tries + 1));
      }
    });
  }

  private synchronized void record(String channel, String outTradeNo, String event, int status) {
    deliveries.add(new JsonObject().put("channel", channel).put("outTradeNo", outTradeNo).put("event", event)
        .put("status", status));
  }

  // ---------------------------------------------------------------- Alipay

  private void alipay(RoutingContext ctx) {
    Map<String, String> p = new LinkedHashMap<>();
    ctx.request().formAttributes().forEach(e -> p.put(e.getKey(), e.getValue()));
    String method = p.getOrDefault("method", "");
    String member = method.replace('.', '_') + "_response";
    AlipayApp app = alipayApps.get(p.getOrDefault("app_id", ""));
    if (app == null) {
      alipayAnswer(ctx, member, new JsonObject().put("code", "40002").put("msg", "Invalid Arguments")
          .put("sub_code", "isv.invalid-app-id").put("sub_msg", "无效的AppID参数"), false);
      return;
    }
    if (!AlipaySignatures.verifyRequest(app.appKey(), p)) {
      alipayAnswer(ctx, member, new JsonObject().put("code", "40002").put("msg", "Invalid Arguments")
          .put("sub_code", "isv.invalid-signature").put("sub_msg", "验签出错"), false);
      return;
    }
    JsonObject biz;
    try {
      biz = new JsonObject(p.getOrDefault("biz_content", "{}"));
    } catch (RuntimeException e) {
      alipayAnswer(ctx, member, fail("40002", "isv.invalid-biz-content", "biz_content"), true);
      return;
    }
    JsonObject r = switch (method) {
      case "alipay.trade.precreate", "alipay.trade.create" -> alipayCreate(app, method, biz, p.get("notify_url"));
      case "alipay.trade.query" -> alipayQuery(biz);
      case "alipay.trade.close" -> alipayClose(biz);
      case "alipay.trade.refund" -> alipayRefund(biz);
      case "alipay.trade.fastpay.refund.query" -> alipayRefundQuery(biz);
      case "alipay.data.dataservice.bill.downloadurl.query" -> new JsonObject().put("code", "10000").put("msg", "Success")
          .put("bill_download_url", baseUrl + "/sandbox/alipay/bill?app_id=" + app.appId() + "&bill_date="
              + biz.getString("bill_date", ""));
      default -> fail("40004", "isv.invalid-method", "不存在的方法名");
    };
    alipayAnswer(ctx, member, r, true);
  }

  private synchronized JsonObject alipayCreate(AlipayApp app, String method, JsonObject biz, String notifyUrl) {
    String no = biz.getString("out_trade_no");
    long fen;
    try {
      fen = Money.yuanToFen(biz.getString("total_amount"));
    } catch (IllegalArgumentException e) {
      return fail("40004", "ACQ.INVALID_PARAMETER", "total_amount");
    }
    boolean mini = method.equals("alipay.trade.create");
    if (no == null || fen <= 0 || notifyUrl == null || (mini && biz.getString("buyer_id") == null)) {
      return fail("40004", "ACQ.INVALID_PARAMETER", "参数无效");
    }
    SandboxTrade t = trades.get(no);
    if (t != null && (t.totalFen != fen || !t.state.equals("WAIT_BUYER_PAY"))) {
      return fail("40004", t.state.equals("TRADE_SUCCESS") ? "ACQ.TRADE_HAS_SUCCESS" : "ACQ.TRADE_HAS_CLOSE", "交易状态不合法");
    }
    if (t == null) {
      t = new SandboxTrade(SandboxTrade.Channel.ALIPAY, app.appId(), app.appId(), no, fen, biz.getString("subject"), notifyUrl,
          mini ? "JSAPI" : "QR", "2019" + System.nanoTime() % 1_000_000_000L + sequence.getAndIncrement(), clock.instant(),
          "WAIT_BUYER_PAY");
      trades.put(no, t);
    }
    JsonObject r = new JsonObject().put("code", "10000").put("msg", "Success").put("out_trade_no", no);
    return mini ? r.put("trade_no", t.tradeNo) : r.put("qr_code", baseUrl + "/sandbox/pay/alipay/" + no);
  }

  private synchronized JsonObject alipayQuery(JsonObject biz) {
    SandboxTrade t = trades.get(biz.getString("out_trade_no", ""));
    if (t == null || t.channel != SandboxTrade.Channel.ALIPAY) {
      return fail("40004", "ACQ.TRADE_NOT_EXIST", "交易不存在");
    }
    JsonObject r = new JsonObject().put("code", "10000").put("msg", "Success").put("trade_no", t.tradeNo)
        .put("out_trade_no", t.outTradeNo).put("trade_status", t.state).put("total_amount", Money.fenToYuan(t.totalFen));
    if (t.payer != null) {
      r.put("buyer_user_id", t.payer).put("send_pay_date", ALIPAY_TIME.format(t.paidAt.atZone(CHINA)));
    }
    return r;
  }

  private synchronized JsonObject alipayClose(JsonObject biz) {
    SandboxTrade t = trades.get(biz.getString("out_trade_no", ""));
    if (t == null) {
      return fail("40004", "ACQ.TRADE_NOT_EXIST", "交易不存在");
    }
    if (!t.state.equals("WAIT_BUYER_PAY") && !t.state.equals("TRADE_CLOSED")) {
      return fail("40004", "ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
    }
    t.state = "TRADE_CLOSED";
    return new JsonObject().put("code", "10000").put("msg", "Success").put("out_trade_no", t.outTradeNo).put("trade_no", t.tradeNo);
  }

  private synchronized JsonObject alipayRefund(JsonObject biz) {
    SandboxTrade t = trades.get(biz.getString("out_trade_no", ""));
    String req = biz.getString("out_request_no", biz.getString("out_trade_no"));
    if (t == null) {
      return fail("40004", "ACQ.TRADE_NOT_EXIST", "交易不存在");
    }
    long fen;
    try {
      fen = Money.yuanToFen(biz.getString("refund_amount"));
    } catch (IllegalArgumentException e) {
      return fail("40004", "ACQ.INVALID_PARAMETER", "refund_amount");
    }
    SandboxTrade.Refund existing = t.refunds.stream().filter(r -> r.outRefundNo().equals(req)).findFirst().orElse(null);
    if (existing == null) {
      if (!t.state.equals("TRADE_SUCCESS") || fen <= 0 || t.refundedFen() + fen > t.totalFen) {
        return fail("40004", "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限或交易状态不合法");
      }
      t.refunds.add(new SandboxTrade.Refund(req, "R" + sequence.getAndIncrement(), fen, biz.getString("refund_reason"),
          clock.instant()));
    }
    // a repeated out_request_no answers the first refund again and moves no money (fund_change N)
    return new JsonObject().put("code", "10000").put("msg", "Success").put("trade_no", t.tradeNo)
        .put("out_trade_no", t.outTradeNo).put("fund_change", existing == null ? "Y" : "N")
        .put("refund_fee", Money.fenToYuan(t.refundedFen()));
  }

  private synchronized JsonObject alipayRefundQuery(JsonObject biz) {
    SandboxTrade t = trades.get(biz.getString("out_trade_no", ""));
    String req = biz.getString("out_request_no", "");
    JsonObject r = new JsonObject().put("code", "10000").put("msg", "Success").put("out_trade_no", biz.getString("out_trade_no"))
        .put("out_request_no", req);
    if (t != null) {
      t.refunds.stream().filter(x -> x.outRefundNo().equals(req)).findFirst()
          .ifPresent(x -> r.put("refund_amount", Money.fenToYuan(x.fen())).put("refund_status", "REFUND_SUCCESS")
              .put("total_amount", Money.fenToYuan(t.totalFen)));
    }
    return r;
  }

  private void alipayBillFile(RoutingContext ctx) {
    String appId = ctx.queryParams().get("app_id");
    LocalDate date;
    try {
      date = LocalDate.parse(ctx.queryParams().get("bill_date"));
    } catch (RuntimeException e) {
      ctx.response().setStatusCode(400).end();
      return;
    }
    StringBuilder csv = new StringBuilder("#支付宝业务明细查询\n#账号：[" + appId + "]\n"
        + "#-----------------------------------------业务明细列表----------------------------------------\n"
        + "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,"
        + "支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,"
        + "退款批次号/请求号,服务费（元）,分润（元）,备注\n");
    synchronized (this) {
      for (SandboxTrade t : trades.values()) {
        if (t.channel != SandboxTrade.Channel.ALIPAY || !t.appId.equals(appId) || t.paidAt == null) {
          continue;
        }
        if (t.paidAt.atZone(CHINA).toLocalDate().equals(date)) {
          csv.append(String.join(",", t.tradeNo + "\t", t.outTradeNo + "\t", "交易", t.description,
              ALIPAY_TIME.format(t.createdAt.atZone(CHINA)), ALIPAY_TIME.format(t.paidAt.atZone(CHINA)), "", "", "", "",
              "sandbox", Money.fenToYuan(t.totalFen), Money.fenToYuan(t.totalFen), "0.00", "0.00", "0.00", "0.00", "0.00", "",
              "0.00", "0.00", "", "0.00", "0.00", "")).append('\n');
        }
        for (SandboxTrade.Refund r : t.refunds) {
          if (r.at().atZone(CHINA).toLocalDate().equals(date)) {
            csv.append(String.join(",", t.tradeNo + "\t", t.outTradeNo + "\t", "退款", t.description,
                ALIPAY_TIME.format(r.at().atZone(CHINA)), ALIPAY_TIME.format(r.at().atZone(CHINA)), "", "", "", "", "sandbox",
                "-" + Money.fenToYuan(r.fen()), "-" + Money.fenToYuan(r.fen()), "0.00", "0.00", "0.00", "0.00", "0.00", "",
                "0.00", "0.00", r.outRefundNo(), "0.00", "0.00", "")).append('\n');
          }
        }
      }
    }
    csv.append("#-----------------------------------------业务明细列表结束------------------------------------\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out, GBK)) {
      zip.putNextEntry(new ZipEntry(appId + "_" + date.toString().replace("-", "") + "_业务明细.csv"));
      zip.write(csv.toString().replace("\t", "").getBytes(GBK));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ctx.response().putHeader("Content-Type", "application/zip").end(Buffer.buffer(out.toByteArray()));
  }

  private void alipayAnswer(RoutingContext ctx, String member, JsonObject r, boolean sign) {
    String raw = r.encode();
    String body = "{\"" + member + "\":" + raw
        + (sign ? ",\"sign\":\"" + Crypto.sign("SHA256withRSA", alipayKey.getPrivate(), raw.getBytes(StandardCharsets.UTF_8)) + "\"" : "")
        + "}";
    ctx.response().putHeader("Content-Type", "application/json;charset=utf-8").end(body);
  }

  private static JsonObject fail(String code, String subCode, String subMsg) {
    return new JsonObject().put("code", code).put("msg", code.equals("40004") ? "Business Failed" : "Invalid Arguments")
        .put("sub_code", subCode).put("sub_msg", subMsg);
  }

  // ---------------------------------------------------------------- common

  private void failSome(RoutingContext ctx) {
    if (failuresLeft > 0) {
      failuresLeft--;
      ctx.response().setStatusCode(500).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("code", "SYSTEM_ERROR").put("message", "系统错误").encode());
      return;
    }
    ctx.next();
  }

  private void payPage(RoutingContext ctx) {
    SandboxTrade t;
    synchronized (this) {
      t = trades.get(ctx.pathParam("no"));
    }
    if (t == null) {
      ctx.response().setStatusCode(404).putHeader("Content-Type", "text/html; charset=utf-8").end(page("没有这笔交易", ""));
      return;
    }
    String action = "/sandbox/pay/" + ctx.pathParam("channel") + "/" + t.outTradeNo;
    ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(page(
        (t.channel == SandboxTrade.Channel.WECHAT ? "微信支付" : "支付宝") + "（演示）",
        "<p>" + escape(t.description) + "</p><p class=amount>¥" + Money.fenToYuan(t.totalFen) + "</p>"
            + "<form method=post action=\"" + action + "\"><button type=submit id=pay>确认支付</button></form>"));
  }

  private static String page(String title, String body) {
    return "<!doctype html><html lang=zh-CN><meta charset=utf-8><meta name=viewport content=\"width=device-width\">"
        + "<title>" + title + "</title><style>body{font:20px sans-serif;margin:2em;text-align:center}"
        + ".amount{font-size:2em}button{font-size:1.2em;padding:.6em 2em}</style><h1>" + title + "</h1>" + body + "</html>";
  }

  private static String escape(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static JsonObject json(RoutingContext ctx) {
    try {
      return ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("code", "PARAM_ERROR").put("message", "body is not JSON").encode());
      return null;
    }
  }

  private static String sha1(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(data));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private static KeyPair generate(String kind) {
    try {
      if (kind.equals("SM2")) {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", Crypto.BC);
        g.initialize(new java.security.spec.ECGenParameterSpec("sm2p256v1"));
        return g.generateKeyPair();
      }
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
