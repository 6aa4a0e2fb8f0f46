package cn.liangxian.sandbox;

import cn.liangxian.sandbox.alipay.AlipayApi;
import cn.liangxian.sandbox.alipay.AlipayApp;
import cn.liangxian.sandbox.alipay.AlipayNotifier;
import cn.liangxian.sandbox.alipay.AlipayPlatform;
import cn.liangxian.sandbox.fault.Delivery;
import cn.liangxian.sandbox.fault.Faults;
import cn.liangxian.sandbox.ledger.Ledger;
import cn.liangxian.sandbox.ledger.Trade;
import cn.liangxian.sandbox.login.Logins;
import cn.liangxian.sandbox.page.PayPage;
import cn.liangxian.sandbox.page.PaySheet;
import cn.liangxian.sandbox.page.RootPage;
import cn.liangxian.sandbox.unionpay.UnionPayApi;
import cn.liangxian.sandbox.unionpay.UnionPayMerchant;
import cn.liangxian.sandbox.unionpay.UnionPayNotifier;
import cn.liangxian.sandbox.unionpay.UnionPayPlatform;
import cn.liangxian.sandbox.wechat.WechatApi;
import cn.liangxian.sandbox.wechat.WechatMerchant;
import cn.liangxian.sandbox.wechat.WechatNotifier;
import cn.liangxian.sandbox.wechat.WechatPlatform;
import cn.liangxian.sandbox.wechat.WechatResources;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The sandbox at work. Its HTTP server, its notifications and every trade live on this verticle's
 * context, so nothing needs a lock and none of its work runs on another deployment's event loop; what
 * other threads ask of it is handed over with {@link #onContext}.
 */
final class SandboxVerticle extends VerticleBase {
  /** Connections per merchant host the notifications are sent through. */
  static final int NOTIFYING_CONNECTIONS = 128;

  private final Clock clock;
  /** How many of the most recent WeChat Pay API calls are kept for tests to read. */
  static final int KEPT_RECORDS = 10_000;

  private final Recent<String> calls = new Recent<>(KEPT_RECORDS);
  private final int requestedPort;
  private final WechatPlatform wechatPlatform;
  private final AlipayPlatform alipayPlatform;
  private final Map<String, WechatMerchant> wechatMerchants;
  private final Map<String, AlipayApp> alipayApps;
  private final UnionPayPlatform unionPayPlatform;
  private final Map<String, UnionPayMerchant> unionPayMerchants;
  private final Faults faults;
  private final Logins logins;
  private final Ledger ledger = new Ledger();
  private Delivery delivery;
  private WebClient http;
  private WechatNotifier wechat;
  private AlipayNotifier alipay;
  private UnionPayNotifier unionpay;
  private UnionPayApi unionPayApi;
  private HttpServer server;
  private Signer signer;
  private volatile int port;

  SandboxVerticle(Clock clock, int requestedPort, WechatPlatform wechatPlatform, AlipayPlatform alipayPlatform,
      Map<String, WechatMerchant> wechatMerchants, Map<String, AlipayApp> alipayApps, UnionPayPlatform unionPayPlatform,
      Map<String, UnionPayMerchant> unionPayMerchants, Faults faults, Logins logins) {
    this.clock = clock;
    this.requestedPort = requestedPort;
    this.wechatPlatform = wechatPlatform;
    this.alipayPlatform = alipayPlatform;
    this.wechatMerchants = wechatMerchants;
    this.alipayApps = alipayApps;
    this.unionPayPlatform = unionPayPlatform;
    this.unionPayMerchants = unionPayMerchants;
    this.faults = faults;
    this.logins = logins;
  }

  @Override
  public Future<?> start() {
    // the channels notify from many servers at once: a merchant slow to answer is not sent one notification
    // at a time through a handful of connections (the client's default), which would make every payment late
    http = WebClient.create(vertx, new io.vertx.ext.web.client.WebClientOptions().setKeepAlive(true),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(NOTIFYING_CONNECTIONS));
    delivery = new Delivery(vertx, faults);
    signer = new Signer(vertx);
    wechat = new WechatNotifier(wechatPlatform, wechatMerchants, ledger, delivery, http, clock, signer);
    alipay = new AlipayNotifier(alipayPlatform, ledger, delivery, http, clock, signer);
    unionpay = new UnionPayNotifier(unionPayPlatform, delivery, http, clock, orderId -> unionPayApi.txnTime(orderId));
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(1 << 20));
    router.route("/v3/*").handler(this::record).handler(faults::failSome);
    router.route("/gateway.do").handler(faults::failSome);
    router.route("/gateway/api/*").handler(this::record).handler(faults::failSome);
    router.route("/sns/*").handler(this::record).handler(faults::failSome);
    new WechatApi(wechatPlatform, wechatMerchants, ledger, wechat, this::baseUrl, clock, signer, faults).routes(router);
    new AlipayApi(alipayPlatform, alipayApps, ledger, this::baseUrl, clock, logins, signer, faults).routes(router);
    logins.routes(router);
    unionPayApi = new UnionPayApi(unionPayPlatform, unionPayMerchants, ledger, unionpay, this::baseUrl, clock);
    unionPayApi.routes(router);
    new PayPage(ledger, this::pay).routes(router);
    new PaySheet(ledger, wechatMerchants, this::pay).routes(router);
    new RootPage(ledger).routes(router);
    router.get("/sandbox/payments").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("payments", new JsonArray(ledger.payments())).encode()));
    router.post("/sandbox/faults").handler(faults::update);
    return vertx.createHttpServer().requestHandler(router).listen(requestedPort, "127.0.0.1").onSuccess(s -> {
      server = s;
      port = s.actualPort();
    }).recover(e -> io.vertx.core.Future.failedFuture(e instanceof java.net.BindException
        ? new IllegalStateException("the channel sandbox cannot listen on 127.0.0.1:" + requestedPort + ": " + e.getMessage()
            + "; another process has it, or choose another port (demo.sandboxPort or GATEWAY_SANDBOX_PORT in the gateway,"
            + " SANDBOX_PORT on its own)", e)
        : e));
  }

  @Override
  public Future<?> stop() {
    http.close();
    signer.close();
    return server == null ? Future.succeededFuture() : server.close();
  }

  int port() {
    return port;
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** Runs {@code work} on this verticle's context, where the ledger lives, whichever thread asks. */
  <T> Future<T> onContext(Supplier<Future<T>> work) {
    if (Vertx.currentContext() == context) {
      return work.get();
    }
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> {
      try {
        work.get().onComplete(done);
      } catch (RuntimeException e) {
        done.fail(e);
      }
    });
    return done.future();
  }

  /** The resident pays: the trade succeeds and the channel notifies the merchant. On the context. */
  Future<Void> pay(String outTradeNo) {
    Trade t;
    try {
      t = ledger.pay(outTradeNo, clock.instant());
    } catch (IllegalStateException e) {
      return Future.failedFuture(e.getMessage());
    }
    notifyPaid(t);
    return Future.succeededFuture();
  }

  /** A payment the merchant's order cannot take: at another amount, or after the trade was closed. On the context. */
  Future<Void> payWrongly(String outTradeNo, long fen, boolean despiteClose) {
    Trade t = ledger.get(outTradeNo);
    if (t == null) {
      return Future.failedFuture("no such trade " + outTradeNo);
    }
    try {
      ledger.pay(outTradeNo, clock.instant(), despiteClose);
    } catch (IllegalStateException e) {
      return Future.failedFuture(e.getMessage());
    }
    if (fen > 0) {
      t.settleAt(fen);
    }
    notifyPaid(t);
    return Future.succeededFuture();
  }

  /**
   * The merchant gives back {@code fen} of a paid trade on the channel's own merchant platform, not through the gateway:
   * WeChat Pay's trade state becomes REFUND, Alipay closes a trade refunded in full, UnionPay books a refund transaction
   * of its own; each lists it in its bill, and nobody is notified. The refund's number, as the bill gives it. On the context.
   */
  Future<String> refundOnMerchantPlatform(String outTradeNo, long fen) {
    Trade t = ledger.get(outTradeNo);
    if (t == null || t.paidAt() == null || fen <= 0 || t.refundedFen() + fen > t.totalFen()) {
      return Future.failedFuture("no paid trade " + outTradeNo + " with " + fen + " fen left to refund");
    }
    if (t.channel() == Trade.Channel.UNIONPAY) {
      return Future.succeededFuture(unionPayApi.refundOnPlatform(t, fen));
    }
    // the channel's own refund number: WeChat Pay's refund_id, Alipay's
    String no = "PLATFORM" + ledger.next();
    String channelsOwn = (t.channel() == Trade.Channel.WECHAT ? "5030" : "R") + ledger.next();
    t.add(new cn.liangxian.sandbox.ledger.Refund(no, channelsOwn, fen, "商户平台退款", clock.instant()));
    return Future.succeededFuture(no);
  }

  /** The payer of a trade closes their account. On the context. */
  Future<Void> closePayerAccount(String outTradeNo) {
    Trade t = ledger.get(outTradeNo);
    if (t == null) {
      return Future.failedFuture("no such trade " + outTradeNo);
    }
    t.payerAccountClosed(true);
    return Future.succeededFuture();
  }

  /** A trade paid in another currency than renminbi; the channel notifies it so. On the context. */
  Future<Void> payInCurrency(String outTradeNo, String currency) {
    return payMarked(outTradeNo, t -> t.currency(currency));
  }

  /** Pays the trade, marks it as the case asks before its notification is made, and notifies it. On the context. */
  private Future<Void> payMarked(String outTradeNo, java.util.function.Consumer<Trade> mark) {
    Trade t;
    try {
      t = ledger.pay(outTradeNo, clock.instant());
    } catch (IllegalStateException e) {
      return Future.failedFuture(e.getMessage());
    }
    mark.accept(t);
    notifyPaid(t);
    return Future.succeededFuture();
  }

  /** A UnionPay trade paid with defects (respCode A6); UnionPay notifies it so. On the context. */
  Future<Void> payWithDefects(String outTradeNo) {
    Trade t = ledger.get(outTradeNo);
    if (t == null || t.channel() != Trade.Channel.UNIONPAY) {
      return Future.failedFuture("no UnionPay trade " + outTradeNo);
    }
    return payMarked(outTradeNo, paid -> paid.defective(true));
  }

  /** A UnionPay trade scanned and paid whose issuer has not answered yet: its query says 05. On the context. */
  Future<Void> payPending(String outTradeNo) {
    Trade t = ledger.get(outTradeNo);
    if (t == null || t.channel() != Trade.Channel.UNIONPAY || t.paidAt() != null) {
      return Future.failedFuture("no unpaid UnionPay trade " + outTradeNo);
    }
    t.processing(true);
    return Future.succeededFuture();
  }

  /** The payment notification of a paid trade again, as the channels send it for hours. On the context. */
  Future<Void> renotify(String outTradeNo) {
    Trade t = ledger.get(outTradeNo);
    if (t != null && t.paidAt() != null) {
      notifyPaid(t);
    }
    return Future.succeededFuture();
  }

  /** The transaction resource WeChat Pay would send for a trade, or null. On the context. */
  Future<JsonObject> transactionOf(String outTradeNo) {
    Trade t = ledger.get(outTradeNo);
    return Future.succeededFuture(t == null ? null : WechatResources.transaction(t));
  }

  Future<List<JsonObject>> payments() {
    return Future.succeededFuture(ledger.payments());
  }

  WechatNotifier wechat() {
    return wechat;
  }

  /** "METHOD path" of the WeChat Pay API calls received, in order, the last {@link #KEPT_RECORDS} (a test counts what the merchant asked). */
  List<String> calls() {
    return calls.list();
  }

  private void record(RoutingContext ctx) {
    calls.add(ctx.request().method().name() + " " + ctx.request().path());
    ctx.next();
  }

  /** The notification attempts (the last {@link Delivery#KEPT_ATTEMPTS}); safe from any thread. */
  List<JsonObject> deliveries() {
    return delivery == null ? List.of() : delivery.attempts();
  }

  UnionPayNotifier unionpay() {
    return unionpay;
  }

  /** The notification fields UnionPay would send for a paid trade, unsigned, or null. On the context. */
  Future<Map<String, String>> unionPayFieldsOf(String outTradeNo) {
    Trade t = ledger.get(outTradeNo);
    return Future.succeededFuture(t == null || t.paidAt() == null || t.channel() != Trade.Channel.UNIONPAY ? null
        : unionpay.paidFields(t));
  }

  private void notifyPaid(Trade t) {
    switch (t.channel()) {
      case WECHAT -> wechat.paid(t);
      case ALIPAY -> alipay.paid(t);
      case UNIONPAY -> unionpay.paid(t);
    }
  }
}
