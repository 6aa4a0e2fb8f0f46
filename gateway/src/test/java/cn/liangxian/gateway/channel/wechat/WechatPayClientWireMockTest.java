package cn.liangxian.gateway.channel.wechat;

import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.channel.Crypto;
import cn.liangxian.channel.wechat.WechatPayScheme;
import cn.liangxian.channel.wechat.WechatPaySignatures;
import cn.liangxian.gateway.channel.Await;
import cn.liangxian.gateway.channel.ChannelException;
import cn.liangxian.gateway.support.WorkerWatch;
import cn.liangxian.channel.Vectors;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The WeChat Pay adapter against WireMock answering in the documented formats, signed by a platform key. */
class WechatPayClientWireMockTest {
  static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1576376430L), ZoneOffset.UTC);
  static final String SERIAL = "PUB_KEY_ID_0114232134912410000000000001";
  static WireMockServer wm;
  /** The gateway's signing pool, as the gateway makes it, on this test's Vert.x. */
  static cn.liangxian.gateway.channel.Signing signing() {
    return cn.liangxian.gateway.channel.Signing.create(vertx, 2, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
  }

  static Vertx vertx;
  static KeyPair merchantKey = Vectors.rsa();
  static KeyPair platform = Vectors.rsa();
  static WechatPayClient client;

  @BeforeAll
  static void start() {
    wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    vertx = Vertx.vertx();
    WechatPayMerchant m = new WechatPayMerchant("1230000109", "wxd678efh567hg6787", "444F4864EA9B34415", merchantKey.getPrivate(),
        "a7cde1f0b2c4d6e8a7cde1f0b2c4d6e8".getBytes(StandardCharsets.US_ASCII), WechatPayScheme.RSA,
        new PlatformKeys().put(SERIAL, platform.getPublic()));
    client = new WechatPayClient(vertx, WebClient.create(vertx), wm.baseUrl(), m, CLOCK, signing());
  }

  @AfterAll
  static void stop() {
    wm.stop();
    vertx.close();
  }

  @BeforeEach
  void reset() {
    wm.resetAll();
  }

  static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder signed(int status, String body, KeyPair key) {
    String ts = "1576376431";
    String nonce = "6A1DC4DC9E2B9F3B4D5A1A3F0A8F2E11";
    String sig = Crypto.sign("SHA256withRSA", key.getPrivate(),
        WechatPaySignatures.responseMessage(ts, nonce, body.getBytes(StandardCharsets.UTF_8)));
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
        .withHeader("Wechatpay-Timestamp", ts).withHeader("Wechatpay-Nonce", nonce)
        .withHeader("Wechatpay-Signature", sig).withHeader("Wechatpay-Serial", SERIAL)
        .withHeader("Request-ID", "08F78BB5AF0610D302A1FA8C11B3BB0CCF06-0").withBody(body);
  }



  @Test
  void nativePrepaySendsTheDocumentedBodySignedAndReadsCodeUrl() throws Exception {
    wm.stubFor(post("/v3/pay/transactions/native").willReturn(
        signed(200, "{\"code_url\":\"weixin://wxpay/bizpayurl?pr=p4lpSuKzz\"}", platform)));
    String codeUrl = Await.result(client.nativePay(new WechatPayClient.Prepay("1217752501201407033233368018", "城乡居民医疗保险 2020",
        25000, "https://pay.example.cn/api/v1/callbacks/wechatpay", null, null, null)));
    assertThat(codeUrl).isEqualTo("weixin://wxpay/bizpayurl?pr=p4lpSuKzz");

    wm.verify(postRequestedFor(urlEqualTo("/v3/pay/transactions/native"))
        .withHeader("Authorization", matching("WECHATPAY2-SHA256-RSA2048 mchid=\"1230000109\",nonce_str=\"[0-9A-F]{32}\","
            + "signature=\"[A-Za-z0-9+/=]+\",timestamp=\"1576376430\",serial_no=\"444F4864EA9B34415\""))
        .withHeader("Content-Type", equalTo("application/json"))
        // the public key's id, so that WeChat Pay signs the answer with that key (also while a merchant is switched to it)
        .withHeader("Wechatpay-Serial", equalTo(SERIAL))
        .withRequestBody(equalToJson("{\"appid\":\"wxd678efh567hg6787\",\"mchid\":\"1230000109\","
            + "\"description\":\"城乡居民医疗保险 2020\",\"out_trade_no\":\"1217752501201407033233368018\","
            + "\"notify_url\":\"https://pay.example.cn/api/v1/callbacks/wechatpay\","
            + "\"amount\":{\"total\":25000,\"currency\":\"CNY\"}}")));
    // the signature in the header covers exactly the bytes that were sent
    LoggedRequest req = wm.findAll(postRequestedFor(urlEqualTo("/v3/pay/transactions/native"))).get(0);
    WechatPaySignatures.Authorization auth = WechatPaySignatures.parseAuthorization(req.getHeader("Authorization")).orElseThrow();
    assertThat(WechatPaySignatures.verify(WechatPayScheme.RSA, merchantKey.getPublic(),
        WechatPaySignatures.requestMessage("POST", "/v3/pay/transactions/native", 1576376430L, auth.get("nonce_str"),
            req.getBody()), auth.get("signature"))).isTrue();
  }

  /** time_expire as the API documents it: whole seconds at Beijing's offset, not the instant's nanoseconds and Z. */
  @Test
  void theCodesEndIsSentInTheDocumentedForm() throws Exception {
    wm.stubFor(post("/v3/pay/transactions/native").willReturn(
        signed(200, "{\"code_url\":\"weixin://wxpay/bizpayurl?pr=p4lpSuKzz\"}", platform)));
    Await.result(client.nativePay(new WechatPayClient.Prepay("1217752501201407033233368018", "城乡居民医疗保险 2020", 25000,
        "https://pay.example.cn/api/v1/callbacks/wechatpay", java.time.OffsetDateTime.parse("2019-12-15T02:35:30.358707755Z"),
        null, null)));
    wm.verify(postRequestedFor(urlEqualTo("/v3/pay/transactions/native"))
        .withRequestBody(matchingJsonPath("$.time_expire", equalTo("2019-12-15T10:35:30+08:00"))));
  }

  /** "202 USER_PAYING": the payer is typing the password. Not closed: the order must not be released as if it were. */
  @Test
  void aCloseAnsweredUserPayingIsNoClose() throws Exception {
    wm.stubFor(post("/v3/pay/transactions/out-trade-no/1217752501201407033233368018/close")
        .willReturn(signed(202, "{\"code\":\"USER_PAYING\",\"message\":\"用户支付中，需要输入密码\"}", platform)));
    cn.liangxian.gateway.channel.ChannelException e = Await.failure(client.close("1217752501201407033233368018"));
    assertThat(e.code()).isEqualTo("USER_PAYING");
    assertThat(e.retryable()).as("asked about again, not given up").isTrue();
  }

  @Test
  void aServiceProviderCallsThePartnerApiForItsSubMerchant() throws Exception {
    WechatPayMerchant sp = new WechatPayMerchant("1230000109", "wxd678efh567hg6787", "444F4864EA9B34415", merchantKey.getPrivate(),
        "a7cde1f0b2c4d6e8a7cde1f0b2c4d6e8".getBytes(StandardCharsets.US_ASCII), WechatPayScheme.RSA,
        new PlatformKeys().put(SERIAL, platform.getPublic()), "1900000109");
    WechatPayClient partner = new WechatPayClient(vertx, WebClient.create(vertx), wm.baseUrl(), sp, CLOCK, signing());
    wm.stubFor(post("/v3/pay/partner/transactions/native").willReturn(
        signed(200, "{\"code_url\":\"weixin://wxpay/bizpayurl?pr=p4lpSuKzz\"}", platform)));
    assertThat(Await.result(partner.nativePay(new WechatPayClient.Prepay("1217752501201407033233368018", "城乡居民医疗保险 2020",
        25000, "https://pay.example.cn/api/v1/callbacks/wechatpay/1900000109", null, null, null))))
        .isEqualTo("weixin://wxpay/bizpayurl?pr=p4lpSuKzz");
    wm.verify(postRequestedFor(urlEqualTo("/v3/pay/partner/transactions/native"))
        .withHeader("Authorization", matching("WECHATPAY2-SHA256-RSA2048 mchid=\"1230000109\",.*"))
        .withRequestBody(equalToJson("{\"sp_appid\":\"wxd678efh567hg6787\",\"sp_mchid\":\"1230000109\","
            + "\"sub_mchid\":\"1900000109\",\"description\":\"城乡居民医疗保险 2020\",\"out_trade_no\":\"1217752501201407033233368018\","
            + "\"notify_url\":\"https://pay.example.cn/api/v1/callbacks/wechatpay/1900000109\","
            + "\"amount\":{\"total\":25000,\"currency\":\"CNY\"}}")));

    wm.stubFor(get("/v3/pay/partner/transactions/out-trade-no/1217752501201407033233368018?sp_mchid=1230000109&sub_mchid=1900000109")
        .willReturn(signed(200, "{\"amount\":{\"currency\":\"CNY\",\"payer_currency\":\"CNY\",\"payer_total\":25000,\"total\":25000},"
            + "\"sp_appid\":\"wxd678efh567hg6787\",\"sp_mchid\":\"1230000109\",\"sub_mchid\":\"1900000109\","
            + "\"out_trade_no\":\"1217752501201407033233368018\",\"payer\":{\"sp_openid\":\"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o\"},"
            + "\"success_time\":\"2019-12-15T23:59:59+08:00\",\"trade_state\":\"SUCCESS\",\"trade_type\":\"NATIVE\","
            + "\"transaction_id\":\"4200000423201912151234567890\"}", platform)));
    WechatPayClient.Transaction t = Await.result(partner.query("1217752501201407033233368018"));
    assertThat(t.tradeState()).isEqualTo("SUCCESS");
    assertThat(t.mchid()).isEqualTo("1230000109");
    assertThat(cn.liangxian.gateway.channel.ChannelDays.beijingDay(cn.liangxian.gateway.channel.ChannelDays.timestamp(t.successTime()))).hasToString("2019-12-15");

    wm.stubFor(post("/v3/pay/partner/transactions/out-trade-no/1217752501201407033233368018/close")
        .willReturn(signed(204, "", platform)));
    Await.result(partner.close("1217752501201407033233368018"));
    wm.verify(postRequestedFor(urlEqualTo("/v3/pay/partner/transactions/out-trade-no/1217752501201407033233368018/close"))
        .withRequestBody(equalToJson("{\"sp_mchid\":\"1230000109\",\"sub_mchid\":\"1900000109\"}")));
  }

  @Test
  void queryReadsTheDocumentedTransaction() throws Exception {
    wm.stubFor(get("/v3/pay/transactions/out-trade-no/1217752501201407033233368018?mchid=1230000109").willReturn(signed(200,
        "{\"amount\":{\"currency\":\"CNY\",\"payer_currency\":\"CNY\",\"payer_total\":25000,\"total\":25000},"
            + "\"appid\":\"wxd678efh567hg6787\",\"attach\":\"\",\"bank_type\":\"OTHERS\",\"mchid\":\"1230000109\","
            + "\"out_trade_no\":\"1217752501201407033233368018\",\"payer\":{\"openid\":\"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o\"},"
            + "\"promotion_detail\":[],\"success_time\":\"2019-12-15T10:20:45+08:00\",\"trade_state\":\"SUCCESS\","
            + "\"trade_state_desc\":\"支付成功\",\"trade_type\":\"NATIVE\",\"transaction_id\":\"4200000423201912151234567890\"}",
        platform)));
    WechatPayClient.Transaction t = Await.result(client.query("1217752501201407033233368018"));
    assertThat(t.tradeState()).isEqualTo("SUCCESS");
    assertThat(t.totalFen()).isEqualTo(25000);
    assertThat(t.transactionId()).isEqualTo("4200000423201912151234567890");
  }

  @Test
  void theDailyBillIsCheckedAgainstItsHashAndParsedOnAWorkerNeverOnTheEventLoop() throws Exception {
    byte[] file = TradeBillTest.BILL.getBytes(StandardCharsets.UTF_8);
    String sha1 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(file));
    wm.stubFor(get("/v3/billdownload/file?token=6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA_Cv_isCaNp4Hbm9GBb1Ux")
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/octet-stream").withBody(file)));
    for (String[] day : new String[][] {{"2019-12-15", sha1}, {"2019-12-16", "79bb0f45fc4c42234a918000b2668d689e2bde04"}}) {
      wm.stubFor(get("/v3/bill/tradebill?bill_date=" + day[0] + "&bill_type=ALL").willReturn(signed(200, new JsonObject()
          .put("hash_type", "SHA1").put("hash_value", day[1])
          .put("download_url", wm.baseUrl() + "/v3/billdownload/file?token=6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA_Cv_isCaNp4Hbm9GBb1Ux")
          .encode(), platform)));
    }
    WorkerWatch watch = new WorkerWatch(vertx);
    WechatPayClient watched = new WechatPayClient(watch.vertx(), WebClient.create(vertx), wm.baseUrl(), client.merchant(), CLOCK,
        signing());

    TradeBill bill = Await.result(watched.tradeBill(java.time.LocalDate.of(2019, 12, 15)));
    assertThat(bill.rows()).extracting(TradeBill.Row::outTradeNo).containsExactly("LX20191215000001", "LX20191215000004");
    assertThat(watch.work()).as("the bill is parsed on a worker").anySatisfy(w -> {
      assertThat(w.outcome()).isSameAs(bill);
      assertThat(w.onWorker()).isTrue();
    });
    // a file that is not the one the answer vouched for is refused, and it too is hashed on a worker
    ChannelException e = Await.failure(watched.tradeBill(java.time.LocalDate.of(2019, 12, 16)));
    assertThat(e.code()).isEqualTo("BILL_HASH_MISMATCH");
    assertThat(watch.work()).as("the file is hashed on a worker").anySatisfy(w -> {
      assertThat(w.outcome()).isSameAs(e);
      assertThat(w.onWorker()).isTrue();
    });
  }

  @Test
  void aTradePaidInAnotherCurrencyIsRefused() throws Exception {
    for (String[] c : new String[][] {{"X4", "USD", "USD"}, {"X5", "CNY", "USD"}, {"X6", null, null}}) {
      JsonObject amount = new JsonObject().put("total", 25000).put("payer_total", 25000);
      if (c[1] != null) {
        amount.put("currency", c[1]).put("payer_currency", c[2]);
      }
      wm.stubFor(get("/v3/pay/transactions/out-trade-no/" + c[0] + "?mchid=1230000109").willReturn(signed(200, new JsonObject()
          .put("appid", "wxd678efh567hg6787").put("mchid", "1230000109").put("out_trade_no", c[0]).put("trade_state", "SUCCESS")
          .put("transaction_id", "4200000423201912151234567890").put("amount", amount).encode(), platform)));
      ChannelException e = Await.failure(client.query(c[0]));
      assertThat(e.code()).as(c[0]).isEqualTo("WRONG_CURRENCY");
    }
  }

  @Test
  void anAnswerNamingAnotherMerchantOrAppIsRefused() throws Exception {
    JsonObject paid = new JsonObject().put("trade_state", "SUCCESS").put("transaction_id", "4200000423201912151234567890")
        .put("amount", new JsonObject().put("total", 25000).put("payer_total", 25000).put("currency", "CNY").put("payer_currency", "CNY"));
    JsonObject ours = paid.copy().put("appid", "wxd678efh567hg6787").put("mchid", "1230000109");
    JsonObject[] others = {
        ours.copy().put("mchid", "1230000110"),
        ours.copy().put("appid", "wx0000000000000000"),
        ours.copy().put("mchid", "1230000110").put("trade_state", "CLOSED"),
        paid.copy().put("appid", "wxd678efh567hg6787"),
        // a service provider's answer for its sub-merchant, though we collect for ourselves
        paid.copy().put("sp_appid", "wxd678efh567hg6787").put("sp_mchid", "1230000109").put("sub_mchid", "1900000109")};
    for (int i = 0; i < others.length; i++) {
      String no = "M" + i;
      wm.stubFor(get("/v3/pay/transactions/out-trade-no/" + no + "?mchid=1230000109").willReturn(signed(200,
          others[i].copy().put("out_trade_no", no).encode(), platform)));
      ChannelException e = Await.failure(client.query(no));
      assertThat(e.code()).as(others[i].encode()).isEqualTo("WRONG_MERCHANT");
    }
    wm.stubFor(get("/v3/pay/transactions/out-trade-no/M9?mchid=1230000109").willReturn(signed(200,
        ours.copy().put("out_trade_no", "M9").encode(), platform)));
    assertThat(Await.result(client.query("M9")).totalFen()).isEqualTo(25000);

    // a service provider compares the provider's sp_mchid and sp_appid and the sub-merchant's sub_mchid
    WechatPayMerchant sp = new WechatPayMerchant("1230000109", "wxd678efh567hg6787", "444F4864EA9B34415", merchantKey.getPrivate(),
        "a7cde1f0b2c4d6e8a7cde1f0b2c4d6e8".getBytes(StandardCharsets.US_ASCII), WechatPayScheme.RSA,
        new PlatformKeys().put(SERIAL, platform.getPublic()), "1900000109");
    WechatPayClient partner = new WechatPayClient(vertx, WebClient.create(vertx), wm.baseUrl(), sp, CLOCK, signing());
    JsonObject ourSub = paid.copy().put("sp_appid", "wxd678efh567hg6787").put("sp_mchid", "1230000109").put("sub_mchid", "1900000109");
    JsonObject[] notOurSub = {
        ourSub.copy().put("sub_mchid", "1900000110"),
        ourSub.copy().put("sp_mchid", "1230000110"),
        ourSub.copy().put("sp_appid", "wx0000000000000000"),
        // the provider's own trade, not the sub-merchant's
        ours.copy()};
    for (int i = 0; i < notOurSub.length; i++) {
      String no = "S" + i;
      wm.stubFor(get("/v3/pay/partner/transactions/out-trade-no/" + no + "?sp_mchid=1230000109&sub_mchid=1900000109")
          .willReturn(signed(200, notOurSub[i].copy().put("out_trade_no", no).encode(), platform)));
      ChannelException e = Await.failure(partner.query(no));
      assertThat(e.code()).as(notOurSub[i].encode()).isEqualTo("WRONG_MERCHANT");
    }
    wm.stubFor(get("/v3/pay/partner/transactions/out-trade-no/S9?sp_mchid=1230000109&sub_mchid=1900000109")
        .willReturn(signed(200, ourSub.copy().put("out_trade_no", "S9").put("sub_appid", "wx1111111111111111").encode(), platform)));
    assertThat(Await.result(partner.query("S9")).tradeState()).isEqualTo("SUCCESS");
  }

  @Test
  void anAnswerAboutAnotherTradeOrRefundIsNeverTakenForThisOne() throws Exception {
    // signed by the platform, but about another of our trades: its SUCCESS would pay an order never paid
    JsonObject paid = new JsonObject().put("appid", "wxd678efh567hg6787").put("mchid", "1230000109").put("trade_state", "SUCCESS")
        .put("transaction_id", "4200000423201912151234567890")
        .put("amount", new JsonObject().put("total", 25000).put("payer_total", 25000).put("currency", "CNY").put("payer_currency", "CNY"));
    wm.stubFor(get("/v3/pay/transactions/out-trade-no/T1?mchid=1230000109").willReturn(signed(200,
        paid.copy().put("out_trade_no", "T2").encode(), platform)));
    ChannelException other = Await.failure(client.query("T1"));
    assertThat(other.code()).isEqualTo("WRONG_ORDER");
    assertThat(other.retryable()).isTrue();
    wm.stubFor(get("/v3/pay/transactions/out-trade-no/T3?mchid=1230000109").willReturn(signed(200, paid.encode(), platform)));
    assertThat(Await.failure(client.query("T3")).code()).isEqualTo("MALFORMED_RESPONSE");

    JsonObject refunded = new JsonObject().put("refund_id", "50000000382019052709732678859").put("out_trade_no", "T1")
        .put("status", "SUCCESS").put("amount", new JsonObject().put("refund", 100).put("total", 25000).put("currency", "CNY"));
    wm.stubFor(get("/v3/refund/domestic/refunds/T1-R1").willReturn(signed(200, refunded.copy().put("out_refund_no", "T1-R2").encode(),
        platform)));
    assertThat(Await.failure(client.queryRefund("T1", "T1-R1")).code()).isEqualTo("WRONG_REFUND");
    wm.stubFor(get("/v3/refund/domestic/refunds/T1-R3").willReturn(signed(200, refunded.encode(), platform)));
    assertThat(Await.failure(client.queryRefund("T1", "T1-R3")).code()).isEqualTo("MALFORMED_RESPONSE");
    wm.stubFor(get("/v3/refund/domestic/refunds/T1-R4").willReturn(signed(200, refunded.copy().put("out_refund_no", "T1-R4").encode(),
        platform)));
    assertThat(Await.result(client.queryRefund("T1", "T1-R4")).status()).isEqualTo("SUCCESS");
    // the refund of another trade, under the number asked for
    assertThat(Await.failure(client.queryRefund("T2", "T1-R4")).code()).isEqualTo("WRONG_ORDER");
  }

  @Test
  void anAnswerSignedByAnyoneElseIsNotBelieved() throws Exception {
    wm.stubFor(get("/v3/pay/transactions/out-trade-no/X1?mchid=1230000109").willReturn(signed(200,
        "{\"out_trade_no\":\"X1\",\"trade_state\":\"SUCCESS\",\"amount\":{\"total\":25000}}", Vectors.rsa())));
    ChannelException e = Await.failure(client.query("X1"));
    assertThat(e.code()).isEqualTo("RESPONSE_NOT_VERIFIED");
    assertThat(e.retryable()).isTrue();
  }

  @Test
  void documentedErrorsKeepTheirCode() throws Exception {
    wm.stubFor(get("/v3/pay/transactions/out-trade-no/X2?mchid=1230000109").willReturn(signed(404,
        "{\"code\":\"ORDER_NOT_EXIST\",\"message\":\"订单不存在\"}", platform)));
    assertThat(Await.result(client.query("X2")).tradeState()).isEqualTo("NOTFOUND");
    // "no such order" frees the order's items: the same answer signed by another key is never final
    wm.stubFor(get("/v3/pay/transactions/out-trade-no/X7?mchid=1230000109").willReturn(signed(404,
        "{\"code\":\"ORDER_NOT_EXIST\",\"message\":\"订单不存在\"}", Vectors.rsa())));
    ChannelException forged = Await.failure(client.query("X7"));
    assertThat(forged.code()).isEqualTo("ORDER_NOT_EXIST");
    assertThat(forged.retryable()).isTrue();
    wm.stubFor(post("/v3/pay/transactions/out-trade-no/X7/close").willReturn(signed(400,
        "{\"code\":\"ORDER_NOT_EXIST\",\"message\":\"订单不存在\"}", Vectors.rsa())));
    assertThat(Await.failure(client.close("X7")).retryable()).isTrue();
    wm.stubFor(post("/v3/refund/domestic/refunds").willReturn(signed(403,
        "{\"code\":\"NOT_ENOUGH\",\"message\":\"基本账户余额不足，请充值后重新发起\"}", platform)));
    ChannelException e = Await.failure(client.refund("X3", "X3-R1", "重复缴费", 100, 100, "https://pay.example.cn/cb"));
    assertThat(e.code()).isEqualTo("NOT_ENOUGH");
    assertThat(e.retryable()).isFalse();
    wm.stubFor(post("/v3/refund/domestic/refunds").willReturn(aResponse().withStatus(500).withBody("{\"code\":\"SYSTEM_ERROR\"}")));
    assertThat(Await.failure(client.refund("X3", "X3-R1", "重复缴费", 100, 100, "https://pay.example.cn/cb")).retryable()).isTrue();
  }
}
