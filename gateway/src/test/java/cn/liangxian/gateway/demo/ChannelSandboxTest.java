package cn.liangxian.gateway.demo;

import cn.liangxian.gateway.support.Eventually;
import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.channel.Crypto;
import cn.liangxian.channel.wechat.WechatPayScheme;
import cn.liangxian.channel.wechat.WechatPaySignatures;
import cn.liangxian.gateway.channel.Await;
import cn.liangxian.gateway.channel.ChannelException;
import cn.liangxian.channel.Vectors;
import cn.liangxian.gateway.channel.alipay.AlipayBill;
import cn.liangxian.gateway.channel.alipay.AlipayClient;
import cn.liangxian.gateway.channel.alipay.AlipayMerchant;
import cn.liangxian.gateway.channel.alipay.AlipayNotification;
import cn.liangxian.gateway.channel.wechat.Notification;
import cn.liangxian.gateway.channel.wechat.NotificationVerifier;
import cn.liangxian.gateway.channel.wechat.PlatformKeys;
import cn.liangxian.gateway.channel.wechat.TradeBill;
import cn.liangxian.gateway.channel.wechat.WechatPayClient;
import cn.liangxian.gateway.channel.wechat.WechatPayMerchant;
import cn.liangxian.sandbox.ChannelSandbox;
import cn.liangxian.sandbox.alipay.AlipayApp;
import cn.liangxian.sandbox.fault.SandboxFaults;
import cn.liangxian.sandbox.wechat.WechatMerchant;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The adapters against the sandbox over real HTTP on loopback: the sandbox checks our signatures, we
 * check its; payments, notifications, refunds, bills, and the faults it injects.
 */
class ChannelSandboxTest {
  static final Clock CLOCK = Clock.systemUTC();
  static final byte[] API_V3_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  /** The gateway's signing pool, as the gateway makes it, on this test's Vert.x. */
  static cn.liangxian.gateway.channel.Signing signing() {
    return cn.liangxian.gateway.channel.Signing.create(vertx, 2, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
  }

  static Vertx vertx;
  static ChannelSandbox sandbox;
  static HttpServer receiver;
  static String notifyUrl;
  static final List<Notification> wechatNotices = new CopyOnWriteArrayList<>();
  static final List<AlipayNotification> alipayNotices = new CopyOnWriteArrayList<>();
  static WechatPayClient wechat;
  static WechatPayClient guomi;
  static AlipayClient alipay;
  static KeyPair guomiKey;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    sandbox = new ChannelSandbox(vertx, CLOCK);
    KeyPair merchantKey = Vectors.rsa();
    guomiKey = Vectors.sm2();
    KeyPair appKey = Vectors.rsa();
    sandbox.registerWechat(new WechatMerchant("1900006891", "wxsandbox0000001", merchantKey.getPublic(),
        API_V3_KEY, WechatPayScheme.RSA));
    sandbox.registerWechat(new WechatMerchant("1900006892", "wxsandbox0000002", guomiKey.getPublic(),
        API_V3_KEY, WechatPayScheme.SM2));
    sandbox.registerAlipay(new AlipayApp("2021000117600000", appKey.getPublic()));
    Await.result(sandbox.listen(0));

    WebClient http = WebClient.create(vertx);
    WechatPayMerchant m = new WechatPayMerchant("1900006891", "wxsandbox0000001", "MERCHANT-SERIAL", merchantKey.getPrivate(),
        API_V3_KEY, WechatPayScheme.RSA,
        new PlatformKeys().put(sandbox.wechatSerial(), sandbox.wechatPlatformKey(WechatPayScheme.RSA)));
    WechatPayMerchant gm = new WechatPayMerchant("1900006892", "wxsandbox0000002", "GM-SERIAL", guomiKey.getPrivate(),
        API_V3_KEY, WechatPayScheme.SM2,
        new PlatformKeys().put(sandbox.wechatSerial(), sandbox.wechatPlatformKey(WechatPayScheme.SM2)));
    wechat = new WechatPayClient(vertx, http, sandbox.baseUrl(), m, CLOCK, signing());
    guomi = new WechatPayClient(vertx, http, sandbox.baseUrl(), gm, CLOCK, signing());
    AlipayMerchant am = new AlipayMerchant("2021000117600000", appKey.getPrivate(), sandbox.alipayPublicKey());
    alipay = new AlipayClient(vertx, http, sandbox.baseUrl() + "/gateway.do", am, CLOCK, signing());

    NotificationVerifier rsaVerifier = new NotificationVerifier(m, CLOCK);
    NotificationVerifier gmVerifier = new NotificationVerifier(gm, CLOCK);
    Router r = Router.router(vertx);
    r.route().handler(BodyHandler.create(false));
    r.post("/wechat/:mch").handler(ctx -> {
      NotificationVerifier v = ctx.pathParam("mch").equals("gm") ? gmVerifier : rsaVerifier;
      wechatNotices.add(v.verify(ctx.request().getHeader("Wechatpay-Timestamp"), ctx.request().getHeader("Wechatpay-Nonce"),
          ctx.request().getHeader("Wechatpay-Signature"), ctx.request().getHeader("Wechatpay-Serial"),
          ctx.body().buffer().getBytes()));
      ctx.response().setStatusCode(204).end();
    });
    r.post("/alipay").handler(ctx -> {
      Map<String, String> f = new LinkedHashMap<>();
      ctx.request().formAttributes().forEach(e -> f.put(e.getKey(), e.getValue()));
      alipayNotices.add(AlipayNotification.verify(am, f, CLOCK.instant()));
      ctx.response().end("success");
    });
    receiver = Await.result(vertx.createHttpServer().requestHandler(r).listen(0, "127.0.0.1"));
    notifyUrl = "http://127.0.0.1:" + receiver.actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    Await.result(sandbox.close());
    Await.result(vertx.close());
  }

  @BeforeEach
  void reset() {
    sandbox.faults(SandboxFaults.NONE);
    wechatNotices.clear();
    alipayNotices.clear();
  }



  static void eventually(Runnable check) throws Exception {
    Eventually.until("the check to hold", () -> {
      try {
        check.run();
        return true;
      } catch (AssertionError e) {
        return false;
      }
    });
  }

  static WechatPayClient.Prepay prepay(String no, long fen, String path) {
    return new WechatPayClient.Prepay(no, "城乡居民医疗保险 2020", fen, notifyUrl + path, null, "oOpenid123", null);
  }

  @Test
  void wechatNativePayNotifyQueryRefundAndBill() throws Exception {
    String codeUrl = Await.result(wechat.nativePay(prepay("LXW0001", 25000, "/wechat/rsa")));
    assertThat(codeUrl).startsWith(sandbox.baseUrl() + "/sandbox/pay/wechat/LXW0001");
    assertThat(Await.result(wechat.query("LXW0001")).tradeState()).isEqualTo("NOTPAY");

    Await.result(sandbox.pay("LXW0001"));
    eventually(() -> assertThat(wechatNotices).hasSize(1));
    Notification.Verified paid = (Notification.Verified) wechatNotices.get(0);
    assertThat(paid.eventType()).isEqualTo("TRANSACTION.SUCCESS");
    assertThat(paid.resource().path("out_trade_no").asText()).isEqualTo("LXW0001");
    assertThat(paid.resource().path("amount").path("total").asLong()).isEqualTo(25000);
    assertThat(paid.resource().path("mchid").asText()).isEqualTo("1900006891");

    WechatPayClient.Transaction t = Await.result(wechat.query("LXW0001"));
    assertThat(t.tradeState()).isEqualTo("SUCCESS");
    assertThat(t.totalFen()).isEqualTo(25000);

    // the original order's amount is checked, as WeChat Pay does: a refund naming another total is refused
    assertThat(Await.failure(wechat.refund("LXW0001", "LXW0001-R0", "重复缴费", 25000, 26000, notifyUrl + "/wechat/rsa")).code())
        .isEqualTo("PARAM_ERROR");
    WechatPayClient.Refund refund = Await.result(wechat.refund("LXW0001", "LXW0001-R1", "重复缴费", 25000, 25000, notifyUrl + "/wechat/rsa"));
    assertThat(refund.refundFen()).isEqualTo(25000);
    // the same out_refund_no again refunds nothing more
    assertThat(Await.result(wechat.refund("LXW0001", "LXW0001-R1", "重复缴费", 25000, 25000, notifyUrl + "/wechat/rsa")).refundId())
        .isEqualTo(refund.refundId());
    eventually(() -> assertThat(wechatNotices).hasSize(2));
    Notification.Verified refunded = (Notification.Verified) wechatNotices.get(1);
    assertThat(refunded.eventType()).isEqualTo("REFUND.SUCCESS");
    assertThat(refunded.resource().path("out_refund_no").asText()).isEqualTo("LXW0001-R1");
    assertThat(Await.result(wechat.queryRefund("LXW0001", "LXW0001-R1")).status()).isEqualTo("SUCCESS");

    TradeBill bill = Await.result(wechat.tradeBill(LocalDate.now(ZoneId.of("Asia/Shanghai"))));
    assertThat(bill.rows()).anySatisfy(r -> {
      assertThat(r.outTradeNo()).isEqualTo("LXW0001");
      assertThat(r.tradeState()).isEqualTo("SUCCESS");
      assertThat(r.settledFen()).isEqualTo(25000);
    });
    assertThat(bill.rows()).anySatisfy(r -> assertThat(r.outRefundNo()).isEqualTo("LXW0001-R1"));
  }

  @Test
  void closingStopsPaymentAndAPaidTradeCannotBeClosed() throws Exception {
    Await.result(wechat.nativePay(prepay("LXW0002", 36000, "/wechat/rsa")));
    Await.result(wechat.close("LXW0002"));
    assertThat(Await.result(wechat.query("LXW0002")).tradeState()).isEqualTo("CLOSED");
    assertThat(Await.settled(sandbox.pay("LXW0002")).failed()).isTrue();

    Await.result(wechat.nativePay(prepay("LXW0003", 36000, "/wechat/rsa")));
    Await.result(sandbox.pay("LXW0003"));
    ChannelException e = Await.failure(wechat.close("LXW0003"));
    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo("ORDERPAID");
    assertThat(Await.result(wechat.query("NEVER-CREATED")).tradeState()).isEqualTo("NOTFOUND");
    eventually(() -> assertThat(wechatNotices).hasSize(1)); // LXW0003 paid, before the next test counts its own
  }

  @Test
  void theLedgerListsConfirmedPaymentsOnlyWithTheirRefunds() throws Exception {
    Await.result(wechat.nativePay(prepay("LXL0001", 18000, "/wechat/rsa")));
    Await.result(wechat.nativePay(prepay("LXL0002", 18000, "/wechat/rsa")));
    Await.result(sandbox.pay("LXL0001"));
    Await.result(wechat.refund("LXL0001", "LXL0001-R1", "重复缴费", 5000, 18000, notifyUrl + "/wechat/rsa"));

    JsonObject ledger = Await.result(WebClient.create(vertx).getAbs(sandbox.baseUrl() + "/sandbox/payments")
        .send()).bodyAsJsonObject();
    List<JsonObject> mine = ledger.getJsonArray("payments").stream().map(o -> (JsonObject) o)
        .filter(o -> o.getString("outTradeNo").startsWith("LXL")).toList();
    assertThat(mine).hasSize(1);
    assertThat(mine.get(0).getString("channel")).isEqualTo("wechat");
    assertThat(mine.get(0).getLong("totalFen")).isEqualTo(18000);
    assertThat(mine.get(0).getLong("refundedFen")).isEqualTo(5000);
    assertThat(mine.get(0).getString("paidAt")).isNotBlank();
    eventually(() -> assertThat(wechatNotices).hasSize(2)); // paid and refunded, before the next test counts its own
  }

  @Test
  void guomiMerchantSignsWithSm2AndReadsSm4Notifications() throws Exception {
    String prepayId = Await.result(guomi.jsapi(prepay("LXG0001", 32000, "/wechat/gm")));
    WechatPayClient.MiniProgramPayment p = guomi.miniProgramPayment(prepayId);
    assertThat(p.packageValue()).isEqualTo("prepay_id=" + prepayId);
    assertThat(Crypto.verify("SM3withSM2", guomiKey.getPublic(),
        WechatPaySignatures.message(null, p.appId(), p.timeStamp(), p.nonceStr(), p.packageValue()), p.paySign())).isTrue();
    Await.result(sandbox.pay("LXG0001"));
    eventually(() -> assertThat(wechatNotices).hasSize(1));
    assertThat(wechatNotices.get(0)).isInstanceOf(Notification.Verified.class);
    assertThat(((Notification.Verified) wechatNotices.get(0)).resource().path("trade_type").asText()).isEqualTo("JSAPI");
  }

  @Test
  void alipayPrecreatePayNotifyQueryRefundOnceAndBill() throws Exception {
    String qr = Await.result(alipay.precreate("LXA0001", 26000, "城乡居民医疗保险 2020", notifyUrl + "/alipay", "15m"));
    assertThat(qr).endsWith("/sandbox/pay/alipay/LXA0001");
    // as Alipay does: a QR code's trade is opened when the code is scanned; before, there is none to query or close
    assertThat(Await.result(alipay.query("LXA0001")).tradeStatus()).isEqualTo("NOT_EXIST");
    assertThat(Await.result(alipay.close("LXA0001"))).as("closed").isFalse();
    java.net.http.HttpResponse<String> scanned = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(qr)).timeout(java.time.Duration.ofSeconds(20)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(scanned.statusCode()).isEqualTo(200);
    assertThat(Await.result(alipay.query("LXA0001")).tradeStatus()).as("scanned, not closed by the close before")
        .isEqualTo("WAIT_BUYER_PAY");
    Await.result(sandbox.pay("LXA0001"));
    eventually(() -> assertThat(alipayNotices).hasSize(1));
    AlipayNotification.Verified n = (AlipayNotification.Verified) alipayNotices.get(0);
    assertThat(n.paid()).isTrue();
    assertThat(n.totalFen()).isEqualTo(26000);
    assertThat(n.outTradeNo()).isEqualTo("LXA0001");
    assertThat(Await.result(alipay.query("LXA0001")).tradeStatus()).isEqualTo("TRADE_SUCCESS");

    AlipayClient.Refund r1 = Await.result(alipay.refund("LXA0001", "LXA0001-R1", 13000, "特殊群体身份后到，退差额"));
    AlipayClient.Refund again = Await.result(alipay.refund("LXA0001", "LXA0001-R1", 13000, "特殊群体身份后到，退差额"));
    assertThat(r1.fundChanged()).isTrue();
    assertThat(again.fundChanged()).isFalse();
    assertThat(again.refundFen()).isEqualTo(13000);
    assertThat(Await.result(alipay.queryRefund("LXA0001", "LXA0001-R1")).refundFen()).isEqualTo(13000);

    AlipayBill bill = Await.result(alipay.bill(LocalDate.now(ZoneId.of("Asia/Shanghai"))));
    assertThat(bill.rows()).anySatisfy(r -> {
      assertThat(r.outTradeNo()).isEqualTo("LXA0001");
      assertThat(r.type()).isEqualTo("交易");
      assertThat(r.amountFen()).isEqualTo(26000);
    });
    assertThat(bill.rows()).anySatisfy(r -> assertThat(r.refundRequestNo()).isEqualTo("LXA0001-R1"));
    assertThat(Await.result(alipay.query("NEVER-CREATED")).tradeStatus()).isEqualTo("NOT_EXIST");
  }

  /** A QR code whose time_expire has passed takes no payment, however late it is scanned. */
  @Test
  void alipayTakesNoPaymentPastTheTimeExpireItWasGiven() throws Exception {
    java.time.OffsetDateTime passed = java.time.OffsetDateTime.now(CLOCK).minusMinutes(1);
    Await.result(alipay.precreate("LXA0009", 26000, "城乡居民医疗保险 2020", notifyUrl + "/alipay", "15m", passed));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> sandbox.pay("LXA0009").toCompletionStage().toCompletableFuture()
        .get(30, java.util.concurrent.TimeUnit.SECONDS)).hasMessageContaining("past its");
    Await.result(alipay.precreate("LXA0010", 26000, "城乡居民医疗保险 2020", notifyUrl + "/alipay", "15m", passed.plusMinutes(16)));
    Await.result(sandbox.pay("LXA0010"));
    assertThat(Await.result(alipay.query("LXA0010")).tradeStatus()).isEqualTo("TRADE_SUCCESS");
    // its notification comes while this test runs, never into the list of a test after it
    eventually(() -> assertThat(alipayNotices).anySatisfy(n ->
        assertThat(((AlipayNotification.Verified) n).outTradeNo()).isEqualTo("LXA0010")));
  }

  @Test
  void alipayMiniProgramCreateNeedsABuyer() throws Exception {
    String tradeNo = Await.result(alipay.create("LXA0002", 32000, "城乡居民医疗保险 2022", "2088102177846875", notifyUrl + "/alipay", "15m"));
    assertThat(tradeNo).isNotBlank();
    ChannelException e = Await.failure(alipay.create("LXA0003", 32000, "x", null, notifyUrl + "/alipay", "15m"));
    assertThat(e.code()).isEqualTo("ACQ.INVALID_PARAMETER");
  }

  @Test
  void duplicatedNotificationsAllArriveAndDroppedOnesNever() throws Exception {
    sandbox.faults(new SandboxFaults(0, 2, false, 0, false));
    Await.result(wechat.nativePay(prepay("LXW0010", 25000, "/wechat/rsa")));
    Await.result(sandbox.pay("LXW0010"));
    eventually(() -> assertThat(wechatNotices).hasSize(3));
    assertThat(wechatNotices).allSatisfy(n -> assertThat(n).isInstanceOf(Notification.Verified.class));

    sandbox.faults(new SandboxFaults(0, 0, true, 0, false));
    Await.result(wechat.nativePay(prepay("LXW0011", 25000, "/wechat/rsa")));
    Await.result(sandbox.pay("LXW0011"));
    // the sandbox has dropped this notification (recorded as status -1): nothing more will come
    eventually(() -> assertThat(sandbox.deliveries()).anySatisfy(d -> {
      assertThat(d.getString("outTradeNo")).isEqualTo("LXW0011");
      assertThat(d.getInteger("status")).isEqualTo(-1);
    }));
    assertThat(wechatNotices).hasSize(3);
    // the payment happened all the same: only an active query finds it
    assertThat(Await.result(wechat.query("LXW0011")).tradeState()).isEqualTo("SUCCESS");
  }

  @Test
  void failedCallsAreRetryableErrorsNotAnswers() throws Exception {
    sandbox.faults(new SandboxFaults(0, 0, false, 1, false));
    ChannelException e = Await.failure(wechat.nativePay(prepay("LXW0020", 25000, "/wechat/rsa")));
    ChannelException c = e;
    assertThat(c.code()).isEqualTo("SYSTEM_ERROR");
    assertThat(c.retryable()).isTrue();
    assertThat(Await.result(wechat.nativePay(prepay("LXW0020", 25000, "/wechat/rsa")))).contains("LXW0020");
  }

  @Test
  void aRequestSignedWithTheWrongKeyIsRefused() throws Exception {
    WechatPayMerchant impostor = new WechatPayMerchant("1900006891", "wxsandbox0000001", "X", Vectors.rsa().getPrivate(),
        API_V3_KEY, WechatPayScheme.RSA,
        new PlatformKeys().put(sandbox.wechatSerial(), sandbox.wechatPlatformKey(WechatPayScheme.RSA)));
    WechatPayClient client = new WechatPayClient(vertx, WebClient.create(vertx), sandbox.baseUrl(), impostor, CLOCK, signing());
    ChannelException e = Await.failure(client.nativePay(prepay("LXW0030", 25000, "/wechat/rsa")));
    assertThat(e.code()).isEqualTo("SIGN_ERROR");
    assertThat(e.status()).isEqualTo(401);
  }
}
