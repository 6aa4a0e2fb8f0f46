package cn.liangxian.sandbox;

import cn.liangxian.channel.wechat.WechatPayScheme;
import cn.liangxian.sandbox.alipay.AlipayApp;
import cn.liangxian.sandbox.alipay.AlipayPlatform;
import cn.liangxian.sandbox.fault.Faults;
import cn.liangxian.sandbox.fault.SandboxFaults;
import cn.liangxian.sandbox.unionpay.UnionPayMerchant;
import cn.liangxian.sandbox.unionpay.UnionPayPlatform;
import cn.liangxian.sandbox.login.Logins;
import cn.liangxian.sandbox.wechat.WechatMerchant;
import cn.liangxian.sandbox.wechat.WechatPlatform;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback stand-in for WeChat Pay, Alipay and UnionPay that speaks their wire protocols with its own generated
 * keys: prepay, query, close, refund, signed and encrypted notifications, bills. Merchants reach it
 * exactly as they would the real hosts; only the base URLs differ. On demand it delays, duplicates,
 * reorders or drops notifications and fails calls ({@link SandboxFaults}).
 *
 * <p>A QR code it hands out opens {@code /sandbox/pay/{channel}/{out_trade_no}}, a page whose button
 * completes the payment as a resident's phone would. {@code GET /sandbox/payments} is its ledger.
 *
 * <p>{@link #listen} deploys it as a verticle of its own on the given Vert.x; its trades live on that
 * verticle's context, so what reads or changes them answers with a {@link Future}.
 */
public final class ChannelSandbox {
  private final Vertx vertx;
  private final Clock clock;
  private final WechatPlatform wechat = WechatPlatform.generate();
  private final AlipayPlatform alipay = AlipayPlatform.generate();
  private final Map<String, WechatMerchant> wechatMerchants = new ConcurrentHashMap<>();
  private final Map<String, AlipayApp> alipayApps = new ConcurrentHashMap<>();
  private final Map<String, UnionPayMerchant> unionPayMerchants = new ConcurrentHashMap<>();
  private final UnionPayPlatform unionpay;
  private final Faults faults = new Faults();
  private final Logins logins;
  private volatile SandboxVerticle verticle;
  private volatile String deploymentId;

  /** @param clock the channel's time: of its timestamps, and the one merchants' request timestamps are checked against */
  public ChannelSandbox(Vertx vertx, Clock clock) {
    this.vertx = vertx;
    this.clock = clock;
    this.logins = new Logins(clock);
    this.unionpay = new UnionPayPlatform(clock.instant());
    wechat.rotate(clock.instant().minus(Duration.ofDays(1)), Duration.ofDays(5 * 365));
  }

  /**
   * WeChat Pay issues a new platform certificate valid for {@code validity} from now: answers and
   * notifications to merchants in certificate mode carry it from now on; the older ones stay listed by
   * {@code /v3/certificates} until they expire. Resolves to the new serial number. Any thread.
   */
  public String rotateWechatCertificate(Duration validity) {
    return wechat.rotate(clock.instant(), validity).serial();
  }

  /** The serial numbers of WeChat Pay's platform certificates, oldest first. */
  public List<String> wechatCertificateSerials() {
    return wechat.certificates().stream().map(WechatPlatform.PlatformCertificate::serial).toList();
  }

  public ChannelSandbox registerUnionPay(UnionPayMerchant merchant) {
    unionPayMerchants.put(merchant.merId(), merchant);
    return this;
  }

  /** UnionPay's root and middle certificates: what a merchant's notifications and answers must chain to. */
  public X509Certificate unionPayRoot() {
    return unionpay.root();
  }

  public X509Certificate unionPayMiddle() {
    return unionpay.middle();
  }

  /** UnionPay's certificates and signing key, for tests that forge what a merchant must refuse. */
  public UnionPayPlatform unionPayPlatform() {
    return unionpay;
  }

  public ChannelSandbox registerWechat(WechatMerchant merchant) {
    wechatMerchants.put(merchant.mchid(), merchant);
    return this;
  }

  /** A WeChat mini-program and its AppSecret, for {@code jscode2session}. */
  public ChannelSandbox registerMiniProgram(String appId, String appSecret) {
    logins.registerWechat(appId, appSecret);
    return this;
  }

  /** Mini-program login codes, as a phone's {@code wx.login} and {@code my.getAuthCode} get them. Any thread. */
  public Logins logins() {
    return logins;
  }

  public ChannelSandbox registerAlipay(AlipayApp app) {
    alipayApps.put(app.appId(), app);
    return this;
  }

  /** The key WeChat Pay signs with, under {@link #wechatSerial()}: the merchant side trusts it. */
  /**
   * A merchant's app ({@code authAppId}, collecting for {@code sellerId}) authorizes the ISV app
   * {@code isvAppId} (第三方应用授权): the {@code app_auth_token} the ISV sends when it calls for the merchant.
   */
  public String authorizeAlipay(String isvAppId, String authAppId, String sellerId) {
    String token = "202512BB" + java.util.HexFormat.of().formatHex(java.nio.ByteBuffer.allocate(16)
        .putLong(System.nanoTime()).putLong(alipayApps.size()).array());
    alipayApps.put(authAppId, new AlipayApp(authAppId, null, sellerId, isvAppId, token));
    return token;
  }

  public PublicKey wechatPlatformKey(WechatPayScheme scheme) {
    return wechat.publicKey(scheme);
  }

  public String wechatSerial() {
    return wechat.serial();
  }

  public PublicKey alipayPublicKey() {
    return alipay.publicKey();
  }

  /** From now on, these faults; any thread. */
  public void faults(SandboxFaults f) {
    faults.set(f);
  }

  /** A WeChat Pay refund held at the channel (its query answers ABNORMAL) until {@link #releaseWechatRefund}. */
  public void holdWechatRefund(String outRefundNo) {
    faults.holdWechatRefund(outRefundNo);
  }

  public void releaseWechatRefund(String outRefundNo) {
    faults.releaseWechatRefund(outRefundNo);
  }

  /** Holds the next API call whose method and path start with {@code call} (such as {@code "POST /v3/pay"}) until released. */
  public cn.liangxian.sandbox.fault.HeldCall holdNext(String call) {
    return faults.holdNext(call);
  }

  /**
   * Alipay answers the next new refund fund_change N, the money not moved when it answered: the refund then never
   * arrived ({@code NOT_RECEIVED}: its query knows nothing of it until it is requested again), or was still processing
   * and is done just after ({@code DONE_AFTER_ANSWER}). Once per refund so answered; any thread.
   */
  public void alipayRefundUnmoved(Faults.UnmovedRefund what) {
    faults.alipayRefundUnmoved(what);
  }

  /** From now on WeChat Pay's trade bills edited so (a line listed twice, a line cut short); any thread. */
  public void editWechatBill(java.util.function.UnaryOperator<String> edit) {
    faults.editWechatBill(edit);
  }

  /** From now on WeChat Pay's trade bill of these (mchid, day) is not out yet: {@code STATEMENT_CREATING}; any thread. */
  public void wechatBillNotOut(java.util.function.BiPredicate<String, java.time.LocalDate> notOut) {
    faults.wechatBillNotOut(notOut);
  }

  /** From now on Alipay's bill of these (app id, day) does not exist yet: {@code isp.bill_not_exist}; any thread. */
  public void alipayBillNotOut(java.util.function.BiPredicate<String, java.time.LocalDate> notOut) {
    faults.alipayBillNotOut(notOut);
  }

  /** Deploys the sandbox's verticle, listening on loopback; port 0 picks a free one. Resolves to the port. */
  public Future<Integer> listen(int port) {
    SandboxVerticle v = new SandboxVerticle(clock, port, wechat, alipay, wechatMerchants, alipayApps, unionpay, unionPayMerchants,
        faults, logins);
    return vertx.deployVerticle(v).map(id -> {
      deploymentId = id;
      verticle = v;
      return v.port();
    });
  }

  /** {@code http://127.0.0.1:<port>}: WeChat Pay's base URL; Alipay's gateway is {@code /gateway.do} under it. */
  public String baseUrl() {
    return started().baseUrl();
  }

  public int port() {
    return started().port();
  }

  /** Undeploys the sandbox's verticle: its server stops, pending notifications are dropped. */
  public Future<Void> close() {
    String id = deploymentId;
    return id == null ? Future.succeededFuture() : vertx.undeploy(id);
  }

  /** "METHOD path" of the WeChat Pay API calls received, the last 10,000, oldest first. Any thread. */
  public List<String> calls() {
    SandboxVerticle v = verticle;
    return v == null ? List.of() : v.calls();
  }

  /** The notification delivery attempts, the last 10,000: channel, outTradeNo, event, HTTP status answered. Any thread. */
  public List<JsonObject> deliveries() {
    SandboxVerticle v = verticle;
    return v == null ? List.of() : v.deliveries();
  }

  /**
   * The sandbox's own record of every payment it confirmed, whatever the merchant made of the
   * notification: channel, outTradeNo, totalFen, paidAt, refundedFen. The same as {@code GET /sandbox/payments}.
   */
  public Future<List<JsonObject>> payments() {
    SandboxVerticle v = started();
    return v.onContext(v::payments);
  }

  /** The resident pays: the trade succeeds and the channel notifies the merchant. Fails for an unknown or closed trade. */
  public Future<Void> pay(String outTradeNo) {
    SandboxVerticle v = started();
    return v.onContext(() -> v.pay(outTradeNo));
  }

  /**
   * The channel takes another amount than the trade's (a fault no merchant may keep the money of): the
   * trade is paid at {@code fen}, and the notification, query and bill say so.
   */
  public Future<Void> payAmount(String outTradeNo, long fen) {
    SandboxVerticle v = started();
    return v.onContext(() -> v.payWrongly(outTradeNo, fen, false));
  }

  /**
   * WeChat Pay takes the payment in another currency than renminbi ({@code currency}, such as USD): its notification,
   * query and bill name that currency for the trade's amount and the payer's (a fault no merchant may book as fen).
   */
  public Future<Void> payInCurrency(String outTradeNo, String currency) {
    SandboxVerticle v = started();
    return v.onContext(() -> v.payInCurrency(outTradeNo, currency));
  }

  /**
   * The merchant gives back {@code fen} of a paid trade on the channel's own merchant platform, not through the gateway
   * (WeChat Pay's 商户平台, Alipay's 商家中心, UnionPay's 商户服务平台): the channel's bill lists it, nobody is notified.
   * Resolves to the refund's number as the bill gives it.
   */
  public Future<String> refundOnMerchantPlatform(String outTradeNo, long fen) {
    SandboxVerticle v = started();
    return v.onContext(() -> v.refundOnMerchantPlatform(outTradeNo, fen));
  }

  /**
   * The payer of a paid trade closes their WeChat Pay account: WeChat Pay refuses any new refund of the trade for good
   * (403 USER_ACCOUNT_ABNORMAL, 用户账户异常或已注销，不能原路退回), and the merchant must pay it back another way.
   */
  public Future<Void> closePayerAccount(String outTradeNo) {
    SandboxVerticle v = started();
    return v.onContext(() -> v.closePayerAccount(outTradeNo));
  }

  /**
   * UnionPay takes the payment without the issuer's answer: its notification says respCode A6 and its query
   * origRespCode A6 (有缺陷的成功, a success with defects), which settles as any payment. UnionPay trades only.
   */
  public Future<Void> payWithDefects(String outTradeNo) {
    SandboxVerticle v = started();
    return v.onContext(() -> v.payWithDefects(outTradeNo));
  }

  /**
   * The resident scans a UnionPay code and pays, but the issuer has not answered yet: the query says origRespCode 05
   * (交易处理中) until the payment lands ({@link #payAfterClose}, which may come after the code's payTimeout).
   * UnionPay trades only.
   */
  public Future<Void> payPending(String outTradeNo) {
    SandboxVerticle v = started();
    return v.onContext(() -> v.payPending(outTradeNo));
  }

  /**
   * A payment that lands after the merchant closed the trade (the channel had taken it when it answered
   * the close): the trade is paid all the same, and the merchant notified.
   */
  public Future<Void> payAfterClose(String outTradeNo) {
    SandboxVerticle v = started();
    return v.onContext(() -> v.payWrongly(outTradeNo, 0, true));
  }

  /** Sends the payment notification of a paid trade again, as the channels do for hours. */
  public Future<Void> renotify(String outTradeNo) {
    SandboxVerticle v = started();
    return v.onContext(() -> v.renotify(outTradeNo));
  }

  /**
   * Sends a notification of the sandbox's own making, signed and encrypted as WeChat Pay does: for tests
   * of what a merchant must refuse (another amount or merchant, an unknown order, a stale timestamp,
   * an unknown serial, a tampered ciphertext). Resolves to the HTTP status the merchant answered.
   *
   * @param serial the {@code Wechatpay-Serial} to send, null for the platform's own
   */
  public Future<Integer> sendWechat(String mchid, String url, JsonObject transaction, long clockSkewSeconds, String serial,
      boolean tamper) {
    SandboxVerticle v = started();
    return v.onContext(() -> v.wechat().crafted(mchid, url, transaction, clockSkewSeconds, serial, tamper));
  }

  /**
   * A TRANSACTION.SUCCESS notification for this transaction resource, signed and encrypted as WeChat Pay does but not
   * sent: {@code {headers: {...}, body: "..."}}, for tests that post the very same request again (a replay).
   */
  public Future<JsonObject> signedWechat(String mchid, JsonObject transaction) {
    SandboxVerticle v = started();
    return v.onContext(() -> v.wechat().signedTransaction(mchid, transaction));
  }

  /** Sends a REFUND.SUCCESS notification of the sandbox's own making, signed and encrypted as WeChat Pay does. */
  public Future<Integer> sendWechatRefund(String mchid, String url, JsonObject refund) {
    SandboxVerticle v = started();
    return v.onContext(() -> v.wechat().craftedRefund(mchid, url, refund));
  }

  /** The fields of the UnionPay notification of a paid trade, unsigned (tests alter and sign them); null if none. */
  public Future<Map<String, String>> unionPayNotificationOf(String outTradeNo) {
    SandboxVerticle v = started();
    return v.onContext(() -> v.unionPayFieldsOf(outTradeNo));
  }

  /** Posts a UnionPay notification form as it stands to {@code url}: the HTTP status the merchant answered. */
  public Future<Integer> sendUnionPay(String url, Map<String, String> fields) {
    SandboxVerticle v = started();
    return v.onContext(() -> v.unionpay().post(url, fields));
  }

  /** The transaction resource the sandbox would send for a trade (tests alter it); null for an unknown trade. */
  public Future<JsonObject> transactionOf(String outTradeNo) {
    SandboxVerticle v = started();
    return v.onContext(() -> v.transactionOf(outTradeNo));
  }

  private SandboxVerticle started() {
    SandboxVerticle v = verticle;
    if (v == null) {
      throw new IllegalStateException("the channel sandbox is not listening yet");
    }
    return v;
  }
}
