package cn.liangxian.gateway.channel.unionpay;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.channel.Pem;
import cn.liangxian.channel.Vectors;
import cn.liangxian.channel.unionpay.UnionPayMessages;
import cn.liangxian.channel.unionpay.UnionPaySignatures;
import cn.liangxian.channel.unionpay.UnionPayTrust;
import cn.liangxian.gateway.channel.Await;
import cn.liangxian.gateway.channel.ChannelException;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The UnionPay client against WireMock answering as UnionPay's gateway does, signed with the OpenSSL-made
 * test certificates of channel-protocol's vectors: requests carry the documented fields and a signature
 * the merchant certificate verifies; answers are believed only when their certificate chains.
 */
class UnionPayClientWireMockTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2027-06-01T02:00:00Z"), ZoneOffset.UTC);
  static final PrivateKey UNIONPAY_KEY = Pem.privateKey(Vectors.text("unionpay-sign-key.pem"));
  static final String UNIONPAY_CERT = Vectors.text("unionpay-sign.pem").strip();
  static WireMockServer wm;
  static Vertx vertx;
  static UnionPayClient client;
  static io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();

  @BeforeAll
  static void start() {
    wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    vertx = Vertx.vertx();
    java.security.cert.X509Certificate cert = Pem.certificate(Vectors.text("unionpay-merchant-cert.pem"));
    UnionPayMerchant m = new UnionPayMerchant("777290058110048", UnionPaySignatures.certId(cert), cert.getNotAfter().toInstant(),
        Pem.privateKey(Vectors.text("merchant-rsa.pem")),
        new UnionPayTrust(Pem.certificate(Vectors.text("unionpay-root.pem")), Pem.certificate(Vectors.text("unionpay-middle.pem"))));
    client = new UnionPayClient(vertx, WebClient.create(vertx), wm.baseUrl(), wm.baseUrl() + "/file", m, CLOCK,
        cn.liangxian.gateway.channel.Signing.create(vertx, 2, registry));
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

  static String answer(Map<String, String> fields, String cert, PrivateKey key) {
    Map<String, String> a = new LinkedHashMap<>(fields);
    a.put("signPubKeyCert", cert);
    a.put("signature", UnionPaySignatures.sign(key, a));
    return UnionPayMessages.answer(a);
  }

  static Map<String, String> ok(String txnType) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("version", "5.1.0");
    a.put("encoding", "UTF-8");
    a.put("signMethod", "01");
    a.put("txnType", txnType);
    a.put("merId", "777290058110048");
    a.put("orderId", "LX20191215000002");
    a.put("respCode", "00");
    a.put("respMsg", "成功[0000000]");
    return a;
  }

  /** The answer to the refund the tests ask for, its orderId echoed. */
  static Map<String, String> refundAnswer() {
    Map<String, String> a = ok("04");
    a.put("orderId", "R0123456789abcdef0123456789abcde");
    return a;
  }

  static Map<String, String> form(LoggedRequest r) {
    Map<String, String> f = new LinkedHashMap<>();
    for (String kv : r.getBodyAsString().split("&")) {
      int eq = kv.indexOf('=');
      f.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return f;
  }

  @Test
  void aQrCodeRequestCarriesTheDocumentedFieldsSignedWithTheMerchantCertificate() throws Exception {
    Map<String, String> a = ok("01");
    a.put("qrCode", "https://qr.95516.com/00010000/01234567890123456789");
    wm.stubFor(post(urlEqualTo("/gateway/api/backTransReq.do")).willReturn(aResponse().withBody(answer(a, UNIONPAY_CERT, UNIONPAY_KEY))));
    String qr = Await.result(client.qrCode("LX20191215000002", 25000, "城乡居民医疗保险 2020", "https://pay.example.cn/cb",
        "20270601100000", "20270601101500"));
    assertThat(qr).isEqualTo("https://qr.95516.com/00010000/01234567890123456789");
    // signed and checked on the signing pool, counted as the gateway's own signatures beside WeChat Pay's and Alipay's
    assertThat(registry.get("liangxian_channel_crypto").tag("operation", "sign").timer().count()).isPositive();
    assertThat(registry.get("liangxian_channel_crypto").tag("operation", "verify").timer().count()).isPositive();
    Map<String, String> sent = form(wm.findAll(postRequestedFor(urlEqualTo("/gateway/api/backTransReq.do"))).get(0));
    assertThat(sent).containsEntry("version", "5.1.0").containsEntry("signMethod", "01").containsEntry("txnType", "01")
        .containsEntry("txnSubType", "07").containsEntry("bizType", "000000").containsEntry("channelType", "08")
        .containsEntry("accessType", "0").containsEntry("currencyCode", "156").containsEntry("txnAmt", "25000")
        .containsEntry("certId", "69042905377").containsEntry("payTimeout", "20270601101500")
        .containsEntry("orderDesc", "城乡居民医疗保险 2020");
    assertThat(UnionPaySignatures.verify(Pem.publicKey(Vectors.text("unionpay-merchant-cert.pem")), sent)).isTrue();
  }

  @Test
  void answersNotSignedThroughUnionPaysChainAreNeverBelieved() throws Exception {
    Map<String, String> a = ok("01");
    a.put("qrCode", "https://evil.example/qr");
    // a forger's own CA naming UnionPay, signing with the same key
    wm.stubFor(post(urlEqualTo("/gateway/api/backTransReq.do")).willReturn(aResponse()
        .withBody(answer(a, Vectors.text("unionpay-forged.pem").strip(), UNIONPAY_KEY))));
    ChannelException e = Await.failure(client.qrCode("LX20191215000002", 25000, "x", "https://cb", "20270601100000", "20270601101500"));
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("not signed by a UnionPay certificate");
    assertThat(e.code()).as("its respCode is not believed either").isEqualTo("RESPONSE_NOT_VERIFIED");
    // signed properly, then altered on the way
    String tampered = answer(a, UNIONPAY_CERT, UNIONPAY_KEY).replace("evil.example", "evil2.example");
    wm.stubFor(post(urlEqualTo("/gateway/api/backTransReq.do")).willReturn(aResponse().withBody(tampered)));
    assertThat(Await.failure(client.qrCode("LX20191215000002", 25000, "x", "https://cb", "20270601100000", "20270601101500"))
        .getMessage()).contains("not signed");
  }

  @Test
  void aQueryReadsThePaymentAndTreatsNoSuchTradeAsNotFound() throws Exception {
    Map<String, String> a = ok("00");
    a.put("origRespCode", "00");
    a.put("queryId", "771912151021000000012");
    a.put("txnAmt", "25000");
    a.put("currencyCode", "156");
    wm.stubFor(post(urlEqualTo("/gateway/api/queryTrans.do")).willReturn(aResponse().withBody(answer(a, UNIONPAY_CERT, UNIONPAY_KEY))));
    UnionPayClient.Trade t = Await.result(client.query("LX20191215000002", "20270601100000"));
    assertThat(t.found()).isTrue();
    assertThat(t.origRespCode()).isEqualTo("00");
    assertThat(t.queryId()).isEqualTo("771912151021000000012");
    assertThat(t.txnAmt()).isEqualTo(25000);
    Map<String, String> sent = form(wm.findAll(postRequestedFor(urlEqualTo("/gateway/api/queryTrans.do"))).get(0));
    assertThat(sent).containsEntry("txnType", "00").containsEntry("txnTime", "20270601100000");

    Map<String, String> none = ok("00");
    none.put("respCode", "34");
    none.put("respMsg", "查无此交易");
    wm.stubFor(post(urlEqualTo("/gateway/api/queryTrans.do")).willReturn(aResponse().withBody(answer(none, UNIONPAY_CERT, UNIONPAY_KEY))));
    assertThat(Await.result(client.query("LX20191215000002", "20270601100000")).found()).isFalse();
  }

  @Test
  void anAnswerAboutAnotherOrderOrMerchantIsNeverTakenForThisOne() throws Exception {
    // signed by UnionPay, but about what was not asked: a success replayed from another order would otherwise pay this one
    for (String[] c : new String[][] {{"orderId", "LX20191215000009", "WRONG_ORDER"}, {"merId", "777290058110099", "WRONG_MERCHANT"},
        {"orderId", null, "MALFORMED_RESPONSE"}, {"merId", null, "MALFORMED_RESPONSE"}}) {
      Map<String, String> a = ok("00");
      a.put("origRespCode", "00");
      a.put("queryId", "771912151021000000012");
      a.put("txnAmt", "25000");
      if (c[1] == null) {
        a.remove(c[0]);
      } else {
        a.put(c[0], c[1]);
      }
      wm.stubFor(post(urlEqualTo("/gateway/api/queryTrans.do")).willReturn(aResponse().withBody(answer(a, UNIONPAY_CERT, UNIONPAY_KEY))));
      ChannelException e = Await.failure(client.query("LX20191215000002", "20270601100000"));
      assertThat(e.code()).as(c[0] + " " + c[1]).isEqualTo(c[2]);
      assertThat(e.retryable()).isTrue();
    }
    // a refusal may leave the echoed fields out, and keeps its meaning
    Map<String, String> none = ok("00");
    none.remove("orderId");
    none.remove("merId");
    none.put("respCode", "34");
    none.put("respMsg", "查无此交易");
    wm.stubFor(post(urlEqualTo("/gateway/api/queryTrans.do")).willReturn(aResponse().withBody(answer(none, UNIONPAY_CERT, UNIONPAY_KEY))));
    assertThat(Await.result(client.query("LX20191215000002", "20270601100000")).found()).isFalse();
    // but a refusal naming another order is not this order's
    none.put("orderId", "LX20191215000009");
    wm.stubFor(post(urlEqualTo("/gateway/api/queryTrans.do")).willReturn(aResponse().withBody(answer(none, UNIONPAY_CERT, UNIONPAY_KEY))));
    assertThat(Await.failure(client.query("LX20191215000002", "20270601100000")).code()).isEqualTo("WRONG_ORDER");
  }

  @Test
  void aTransactionThatSucceededInAnotherCurrencyIsRefused() throws Exception {
    // US dollars (840), succeeded or succeeded with defects, or a code that is no currency: its txnAmt is not fen
    for (String[] c : new String[][] {{"00", "840"}, {"A6", "840"}, {"00", "CNY"}}) {
      Map<String, String> a = ok("00");
      a.put("origRespCode", c[0]);
      a.put("queryId", "771912151021000000012");
      a.put("txnAmt", "25000");
      if (c[1] != null) {
        a.put("currencyCode", c[1]);
      }
      wm.stubFor(post(urlEqualTo("/gateway/api/queryTrans.do")).willReturn(aResponse().withBody(answer(a, UNIONPAY_CERT, UNIONPAY_KEY))));
      ChannelException e = Await.failure(client.query("LX20191215000002", "20270601100000"));
      assertThat(e.code()).as(c[0] + " in " + c[1]).isEqualTo("WRONG_CURRENCY");
    }
    // one naming no currency is this merchant's renminbi
    Map<String, String> unnamed = ok("00");
    unnamed.put("origRespCode", "00");
    unnamed.put("queryId", "771912151021000000012");
    unnamed.put("txnAmt", "25000");
    wm.stubFor(post(urlEqualTo("/gateway/api/queryTrans.do")).willReturn(aResponse().withBody(answer(unnamed, UNIONPAY_CERT, UNIONPAY_KEY))));
    assertThat(Await.result(client.query("LX20191215000002", "20270601100000")).succeeded()).isTrue();
    // one that did not succeed pays nothing, whatever its currency
    Map<String, String> failed = ok("00");
    failed.put("origRespCode", "01");
    failed.put("currencyCode", "840");
    wm.stubFor(post(urlEqualTo("/gateway/api/queryTrans.do")).willReturn(aResponse().withBody(answer(failed, UNIONPAY_CERT, UNIONPAY_KEY))));
    assertThat(Await.result(client.query("LX20191215000002", "20270601100000")).succeeded()).isFalse();
  }

  @Test
  void aRefundNamesTheOriginalQueryIdAndARepeatIsNotAnError() throws Exception {
    wm.stubFor(post(urlEqualTo("/gateway/api/backTransReq.do")).willReturn(aResponse().withBody(answer(refundAnswer(), UNIONPAY_CERT, UNIONPAY_KEY))));
    Await.result(client.refund("R0123456789abcdef0123456789abcde", "20270601100000", "771912151021000000012", 12500, "https://cb"));
    Map<String, String> sent = form(wm.findAll(postRequestedFor(urlEqualTo("/gateway/api/backTransReq.do"))).get(0));
    assertThat(sent).containsEntry("txnType", "04").containsEntry("txnSubType", "00")
        .containsEntry("origQryId", "771912151021000000012").containsEntry("txnAmt", "12500");
    Map<String, String> dup = refundAnswer();
    dup.put("respCode", "12");
    wm.stubFor(post(urlEqualTo("/gateway/api/backTransReq.do")).willReturn(aResponse().withBody(answer(dup, UNIONPAY_CERT, UNIONPAY_KEY))));
    Await.result(client.refund("R0123456789abcdef0123456789abcde", "20270601100000", "771912151021000000012", 12500, "https://cb"));
  }

  @Test
  void aSuccessWithDefectsIsASuccess() throws Exception {
    // 有缺陷的成功: the trade queried, or the answer itself
    Map<String, String> a = ok("00");
    a.put("origRespCode", "A6");
    a.put("origRespMsg", "有缺陷的成功");
    a.put("queryId", "771912151021000000012");
    a.put("txnAmt", "25000");
    a.put("currencyCode", "156");
    wm.stubFor(post(urlEqualTo("/gateway/api/queryTrans.do")).willReturn(aResponse().withBody(answer(a, UNIONPAY_CERT, UNIONPAY_KEY))));
    UnionPayClient.Trade t = Await.result(client.query("LX20191215000002", "20270601100000"));
    assertThat(t.succeeded()).isTrue();
    assertThat(t.txnAmt()).isEqualTo(25000);

    Map<String, String> refund = refundAnswer();
    refund.put("respCode", "A6");
    refund.put("respMsg", "有缺陷的成功");
    wm.stubFor(post(urlEqualTo("/gateway/api/backTransReq.do")).willReturn(aResponse().withBody(answer(refund, UNIONPAY_CERT, UNIONPAY_KEY))));
    Await.result(client.refund("R0123456789abcdef0123456789abcde", "20270601100000", "771912151021000000012", 12500, "https://cb"));

    Map<String, String> failed = ok("00");
    failed.put("origRespCode", "01");
    wm.stubFor(post(urlEqualTo("/gateway/api/queryTrans.do")).willReturn(aResponse().withBody(answer(failed, UNIONPAY_CERT, UNIONPAY_KEY))));
    assertThat(Await.result(client.query("LX20191215000002", "20270601100000")).succeeded()).isFalse();
  }

  @Test
  void refusalsAndOutagesKeepTheirMeaning() throws Exception {
    Map<String, String> refused = ok("04");
    refused.put("orderId", "R1");
    refused.put("respCode", "36");
    refused.put("respMsg", "原交易状态或金额不符");
    wm.stubFor(post(urlEqualTo("/gateway/api/backTransReq.do")).willReturn(aResponse().withBody(answer(refused, UNIONPAY_CERT, UNIONPAY_KEY))));
    ChannelException e = Await.failure(client.refund("R1", "20270601100000", "1", 1, "https://cb"));
    assertThat(e.code()).isEqualTo("UNIONPAY_36");
    assertThat(e.retryable()).isFalse();
    wm.stubFor(post(urlEqualTo("/gateway/api/queryTrans.do")).willReturn(aResponse().withStatus(502)));
    ChannelException down = Await.failure(client.query("LX1", "20270601100000"));
    assertThat(down.retryable()).isTrue();
    assertThat(down.code()).isEqualTo("HTTP_502");
  }

  @Test
  void aBusyOrThrottledUnionPayIsAskedAgainLater() throws Exception {
    // 02 系统未开放或暂时关闭, 06 系统繁忙, 37 已超过最大查询次数或操作过于频繁: not taken for now, never refused for good
    for (String code : List.of("02", "06", "37", "99")) {
      Map<String, String> busy = ok("00");
      busy.put("respCode", code);
      busy.put("respMsg", "稍后再试");
      wm.stubFor(post(urlEqualTo("/gateway/api/queryTrans.do")).willReturn(aResponse().withBody(answer(busy, UNIONPAY_CERT, UNIONPAY_KEY))));
      ChannelException e = Await.failure(client.query("LX20191215000002", "20270601100000"));
      assertThat(e.code()).isEqualTo("UNIONPAY_" + code);
      assertThat(e.retryable()).as(code).isTrue();
    }
    for (String code : List.of("01", "12", "31", "36", "61")) {
      assertThat(UnionPayClient.retryable(code)).as(code).isFalse();
    }
  }
}
