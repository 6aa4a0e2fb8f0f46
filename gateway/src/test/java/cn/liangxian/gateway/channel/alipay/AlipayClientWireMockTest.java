package cn.liangxian.gateway.channel.alipay;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.channel.Crypto;
import cn.liangxian.channel.alipay.AlipaySignatures;
import cn.liangxian.gateway.channel.Await;
import cn.liangxian.gateway.channel.ChannelException;
import cn.liangxian.gateway.channel.PaymentChannel;
import cn.liangxian.gateway.channel.PaymentChannel.RefundState;
import cn.liangxian.gateway.support.WorkerWatch;
import cn.liangxian.channel.Vectors;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Alipay adapter against WireMock answering in Alipay's documented format, signed by "Alipay". */
class AlipayClientWireMockTest {
  static WireMockServer wm;
  /** The gateway's signing pool, as the gateway makes it, on this test's Vert.x. */
  static cn.liangxian.gateway.channel.Signing signing() {
    return cn.liangxian.gateway.channel.Signing.create(vertx, 2, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
  }

  static Vertx vertx;
  static final KeyPair app = Vectors.rsa();
  static final KeyPair alipay = Vectors.rsa();
  static AlipayClient client;

  @BeforeAll
  static void start() {
    wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    vertx = Vertx.vertx();
    client = new AlipayClient(vertx, WebClient.create(vertx), wm.baseUrl() + "/gateway.do",
        new AlipayMerchant("2014072300007148", app.getPrivate(), alipay.getPublic()),
        Clock.fixed(Instant.parse("2019-12-15T02:20:30Z"), ZoneOffset.UTC), signing());
  }

  @AfterAll
  static void stop() {
    wm.stop();
    vertx.close();
  }

  static String signed(String member, String json, KeyPair key) {
    return "{\"" + member + "\":" + json + ",\"sign\":\""
        + Crypto.sign("SHA256withRSA", key.getPrivate(), json.getBytes(StandardCharsets.UTF_8)) + "\"}";
  }


  @Test
  void precreateSendsASignedFormAndReadsTheQrCode() throws Exception {
    wm.stubFor(post("/gateway.do").withRequestBody(containing("method=alipay.trade.precreate")).willReturn(aResponse()
        .withHeader("Content-Type", "text/html;charset=utf-8").withBody(signed("alipay_trade_precreate_response",
            "{\"code\":\"10000\",\"msg\":\"Success\",\"out_trade_no\":\"6823789339978248\",\"qr_code\":\"https://qr.alipay.com/bavh4wjlxf12tper3a\"}",
            alipay))));
    String qr = Await.result(client.precreate("6823789339978248", 36000, "城乡居民医疗保险 2020", "https://pay.example.cn/cb", "15m",
        java.time.OffsetDateTime.parse("2019-12-15T02:35:30Z")));
    assertThat(qr).isEqualTo("https://qr.alipay.com/bavh4wjlxf12tper3a");

    String form = wm.findAll(postRequestedFor(urlEqualTo("/gateway.do"))).stream().map(r -> r.getBodyAsString())
        .filter(b -> b.contains("precreate")).findFirst().orElseThrow();
    Map<String, String> params = new LinkedHashMap<>();
    for (String kv : form.split("&")) {
      String[] p = kv.split("=", 2);
      params.put(URLDecoder.decode(p[0], StandardCharsets.UTF_8), URLDecoder.decode(p[1], StandardCharsets.UTF_8));
    }
    assertThat(params).containsEntry("app_id", "2014072300007148").containsEntry("sign_type", "RSA2")
        .containsEntry("charset", "utf-8").containsEntry("timestamp", "2019-12-15 10:20:30");
    assertThat(params.get("biz_content")).contains("\"total_amount\":\"360.00\"")
        .as("payable until the order's end in Beijing time, whenever the code is scanned").contains("\"time_expire\":\"2019-12-15 10:35:30\"");
    assertThat(AlipaySignatures.verifyRequest(app.getPublic(), params)).isTrue();
  }

  @Test
  void queryReadsAmountsExactlyAndAForgedAnswerIsNotBelieved() throws Exception {
    wm.stubFor(post("/gateway.do").withRequestBody(containing("method=alipay.trade.query")).willReturn(aResponse()
        .withBody(signed("alipay_trade_query_response", "{\"code\":\"10000\",\"msg\":\"Success\",\"trade_no\":\"2013112011001004330000121536\","
            + "\"out_trade_no\":\"6823789339978248\",\"buyer_logon_id\":\"159****5620\",\"trade_status\":\"TRADE_SUCCESS\","
            + "\"total_amount\":\"88.88\",\"buyer_user_id\":\"2088101117955611\"}", alipay))));
    AlipayClient.Trade t = Await.result(client.query("6823789339978248"));
    assertThat(t.tradeStatus()).isEqualTo("TRADE_SUCCESS");
    assertThat(t.totalFen()).isEqualTo(8888);

    wm.stubFor(post("/gateway.do").withRequestBody(containing("method=alipay.trade.close")).willReturn(aResponse()
        .withBody(signed("alipay_trade_close_response", "{\"code\":\"10000\",\"msg\":\"Success\",\"out_trade_no\":\"X\"}", Vectors.rsa()))));
    Throwable e = client.close("X").toCompletionStage().toCompletableFuture().handle((v, x) -> x).get();
    while (e instanceof CompletionException) {
      e = e.getCause();
    }
    assertThat(((ChannelException) e).code()).isEqualTo("RESPONSE_NOT_VERIFIED");
  }

  @Test
  void aRefundIsDoneOnlyWhenAlipaySaysTheMoneyWentBack() throws Exception {
    AlipayChannel channel = new AlipayChannel(client, () -> "https://pay.example.cn/cb");
    for (String fundChange : new String[] {"Y", "N"}) {
      wm.stubFor(post("/gateway.do").atPriority(1).withRequestBody(containing("method=alipay.trade.refund"))
          .withRequestBody(containing("FC-" + fundChange)).willReturn(aResponse().withBody(signed("alipay_trade_refund_response",
              "{\"code\":\"10000\",\"msg\":\"Success\",\"trade_no\":\"2019121522001404330500001234\",\"out_trade_no\":\"FC\","
                  + "\"fund_change\":\"" + fundChange + "\",\"refund_fee\":\"1.00\"}", alipay))));
    }
    assertThat(Await.result(channel.refund("FC", "FC-Y", 100, 100, "重复缴费"))).isEqualTo(RefundState.SUCCESS);
    // fund_change N: no money moved by this answer (a repeated request, a refund still being processed)
    assertThat(Await.result(channel.refund("FC", "FC-N", 100, 100, "重复缴费"))).isEqualTo(RefundState.PROCESSING);

    // the refund query: done with refund_status REFUND_SUCCESS; without it, not received or not carried out
    wm.stubFor(post("/gateway.do").atPriority(1).withRequestBody(containing("method=alipay.trade.fastpay.refund.query"))
        .withRequestBody(containing("FC-Y")).willReturn(aResponse().withBody(signed("alipay_trade_fastpay_refund_query_response",
            "{\"code\":\"10000\",\"msg\":\"Success\",\"out_request_no\":\"FC-Y\",\"out_trade_no\":\"FC\","
                + "\"refund_amount\":\"1.00\",\"total_amount\":\"1.00\",\"refund_status\":\"REFUND_SUCCESS\"}", alipay))));
    wm.stubFor(post("/gateway.do").atPriority(1).withRequestBody(containing("method=alipay.trade.fastpay.refund.query"))
        .withRequestBody(containing("FC-N")).willReturn(aResponse().withBody(signed("alipay_trade_fastpay_refund_query_response",
            "{\"code\":\"10000\",\"msg\":\"Success\",\"out_request_no\":\"FC-N\",\"out_trade_no\":\"FC\","
                + "\"refund_amount\":\"1.00\",\"total_amount\":\"1.00\"}", alipay))));
    assertThat(Await.result(channel.queryRefund("FC", "FC-Y"))).isEqualTo(new PaymentChannel.RefundAnswer(RefundState.SUCCESS, 100));
    assertThat(Await.result(channel.queryRefund("FC", "FC-N")).state()).isEqualTo(RefundState.NOT_FOUND);
  }

  /** A refund Alipay refuses for good only on its signed ACQ.TRADE_HAS_FINISHED; a short balance is asked again. */
  @Test
  void aRefundOfAFinishedTradeIsRefusedForGoodOnlyWhenAlipaySignedIt() throws Exception {
    AlipayChannel channel = new AlipayChannel(client, () -> "https://pay.example.cn/cb");
    String finished = "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"ACQ.TRADE_HAS_FINISHED\","
        + "\"sub_msg\":\"交易已完结\"}";
    String poor = "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"ACQ.SELLER_BALANCE_NOT_ENOUGH\","
        + "\"sub_msg\":\"卖家余额不足\"}";
    wm.stubFor(post("/gateway.do").atPriority(1).withRequestBody(containing("method=alipay.trade.refund"))
        .withRequestBody(containing("FIN-SIGNED")).willReturn(aResponse().withBody(signed("alipay_trade_refund_response", finished, alipay))));
    wm.stubFor(post("/gateway.do").atPriority(1).withRequestBody(containing("method=alipay.trade.refund"))
        .withRequestBody(containing("FIN-FORGED")).willReturn(aResponse().withBody(signed("alipay_trade_refund_response", finished,
            Vectors.rsa()))));
    wm.stubFor(post("/gateway.do").atPriority(1).withRequestBody(containing("method=alipay.trade.refund"))
        .withRequestBody(containing("POOR")).willReturn(aResponse().withBody(signed("alipay_trade_refund_response", poor, alipay))));
    assertThat(channel.refusesRefundForGood(Await.failure(channel.refund("FIN", "FIN-SIGNED", 100, 100, "重复缴费")))).isTrue();
    assertThat(channel.refusesRefundForGood(Await.failure(channel.refund("FIN", "FIN-FORGED", 100, 100, "重复缴费"))))
        .as("not signed by Alipay").isFalse();
    assertThat(channel.refusesRefundForGood(Await.failure(channel.refund("FIN", "POOR", 100, 100, "重复缴费"))))
        .as("asked again once money comes in").isFalse();
  }

  @Test
  void anAnswerAboutAnotherTradeOrRefundIsNeverTakenForThisOne() throws Exception {
    // signed by Alipay, but about another of our trades: its TRADE_SUCCESS would pay an order never paid
    String paid = "{\"code\":\"10000\",\"msg\":\"Success\",\"trade_no\":\"2013112011001004330000121536\","
        + "\"trade_status\":\"TRADE_SUCCESS\",\"total_amount\":\"88.88\"";
    wm.stubFor(post("/gateway.do").withRequestBody(containing("method=alipay.trade.query")).withRequestBody(containing("Q1"))
        .willReturn(aResponse().withBody(signed("alipay_trade_query_response", paid + ",\"out_trade_no\":\"Q2\"}", alipay))));
    ChannelException other = Await.failure(client.query("Q1"));
    assertThat(other.code()).isEqualTo("WRONG_ORDER");
    assertThat(other.retryable()).isTrue();
    wm.stubFor(post("/gateway.do").withRequestBody(containing("method=alipay.trade.query")).withRequestBody(containing("Q3"))
        .willReturn(aResponse().withBody(signed("alipay_trade_query_response", paid + "}", alipay))));
    assertThat(Await.failure(client.query("Q3")).code()).isEqualTo("MALFORMED_RESPONSE");

    // a refund query's answer names the refund done, and never another
    String done = "{\"code\":\"10000\",\"msg\":\"Success\",\"refund_amount\":\"1.00\",\"refund_status\":\"REFUND_SUCCESS\"";
    wm.stubFor(post("/gateway.do").withRequestBody(containing("method=alipay.trade.fastpay.refund.query")).withRequestBody(containing("Q1-R1"))
        .willReturn(aResponse().withBody(signed("alipay_trade_fastpay_refund_query_response",
            done + ",\"out_trade_no\":\"Q1\",\"out_request_no\":\"Q1-R2\"}", alipay))));
    assertThat(Await.failure(client.queryRefund("Q1", "Q1-R1")).code()).isEqualTo("WRONG_REFUND");
    wm.stubFor(post("/gateway.do").withRequestBody(containing("method=alipay.trade.fastpay.refund.query")).withRequestBody(containing("Q1-R3"))
        .willReturn(aResponse().withBody(signed("alipay_trade_fastpay_refund_query_response",
            done + ",\"out_trade_no\":\"Q9\",\"out_request_no\":\"Q1-R3\"}", alipay))));
    assertThat(Await.failure(client.queryRefund("Q1", "Q1-R3")).code()).isEqualTo("WRONG_ORDER");
    wm.stubFor(post("/gateway.do").withRequestBody(containing("method=alipay.trade.fastpay.refund.query")).withRequestBody(containing("Q1-R4"))
        .willReturn(aResponse().withBody(signed("alipay_trade_fastpay_refund_query_response", done + "}", alipay))));
    assertThat(Await.failure(client.queryRefund("Q1", "Q1-R4")).code()).isEqualTo("MALFORMED_RESPONSE");
    // one not done may leave both out: it confirms nothing
    wm.stubFor(post("/gateway.do").withRequestBody(containing("method=alipay.trade.fastpay.refund.query")).withRequestBody(containing("Q1-R5"))
        .willReturn(aResponse().withBody(signed("alipay_trade_fastpay_refund_query_response",
            "{\"code\":\"10000\",\"msg\":\"Success\"}", alipay))));
    assertThat(Await.result(client.queryRefund("Q1", "Q1-R5")).status()).isEqualTo("NOT_FOUND");
    wm.stubFor(post("/gateway.do").withRequestBody(containing("method=alipay.trade.fastpay.refund.query")).withRequestBody(containing("Q1-R6"))
        .willReturn(aResponse().withBody(signed("alipay_trade_fastpay_refund_query_response",
            done + ",\"out_request_no\":\"Q1-R6\"}", alipay))));
    assertThat(Await.result(client.queryRefund("Q1", "Q1-R6")).refundFen()).isEqualTo(100);

    // the refund's own answer says at once whether the money went back: about this trade only
    wm.stubFor(post("/gateway.do").withRequestBody(containing("method=alipay.trade.refund")).withRequestBody(containing("Q1-R7"))
        .willReturn(aResponse().withBody(signed("alipay_trade_refund_response", "{\"code\":\"10000\",\"msg\":\"Success\","
            + "\"trade_no\":\"2019121522001404330500001234\",\"out_trade_no\":\"Q2\",\"fund_change\":\"Y\",\"refund_fee\":\"1.00\"}",
            alipay))));
    assertThat(Await.failure(client.refund("Q1", "Q1-R7", 100, "重复缴费")).code()).isEqualTo("WRONG_ORDER");
  }

  @Test
  void theDailyBillIsUnzippedAndParsedOnAWorkerNeverOnTheEventLoop() throws Exception {
    java.io.ByteArrayOutputStream zip = new java.io.ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(zip, AlipayBill.GBK)) {
      out.putNextEntry(new java.util.zip.ZipEntry("20881234567890120156_20191215_业务明细.csv"));
      out.write(AlipayBillTest.CSV.replace("\t", "").getBytes(AlipayBill.GBK));
    }
    wm.stubFor(get("/bill/20881234567890120156_20191215.csv.zip").willReturn(aResponse().withBody(zip.toByteArray())));
    wm.stubFor(post("/gateway.do").withRequestBody(containing("method=alipay.data.dataservice.bill.downloadurl.query"))
        .willReturn(aResponse().withBody(signed("alipay_data_dataservice_bill_downloadurl_query_response",
            "{\"code\":\"10000\",\"msg\":\"Success\",\"bill_download_url\":\"" + wm.baseUrl()
                + "/bill/20881234567890120156_20191215.csv.zip\"}", alipay))));
    WorkerWatch watch = new WorkerWatch(vertx);
    AlipayClient watched = new AlipayClient(watch.vertx(), WebClient.create(vertx), wm.baseUrl() + "/gateway.do", client.merchant(),
        Clock.fixed(Instant.parse("2019-12-15T02:20:30Z"), ZoneOffset.UTC), signing());

    AlipayBill bill = Await.result(watched.bill(LocalDate.of(2019, 12, 15)));
    assertThat(bill.rows()).extracting(AlipayBill.Row::outTradeNo).containsExactly("LX20191215000002", "LX20191215000003");
    assertThat(watch.work()).as("the bill is unzipped and parsed on a worker").anySatisfy(w -> {
      assertThat(w.outcome()).isSameAs(bill);
      assertThat(w.onWorker()).isTrue();
    });
  }

  /** An error answer signed by another key keeps its code for the log but is never final: "no bill" forged is retried. */
  @Test
  void anErrorNotSignedByAlipayIsNeverFinal() throws Exception {
    wm.stubFor(post("/gateway.do").withRequestBody(containing("method=alipay.data.dataservice.bill.downloadurl.query"))
        .willReturn(aResponse().withBody(signed("alipay_data_dataservice_bill_downloadurl_query_response",
            "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"isp.bill_not_exist\",\"sub_msg\":\"账单不存在\"}",
            Vectors.rsa()))));
    ChannelException forged = (ChannelException) Await.failure(client.bill(java.time.LocalDate.of(2019, 12, 10)));
    assertThat(forged.code()).isEqualTo("isp.bill_not_exist");
    assertThat(forged.retryable()).isTrue();

    wm.stubFor(post("/gateway.do").withRequestBody(containing("method=alipay.data.dataservice.bill.downloadurl.query"))
        .willReturn(aResponse().withBody(signed("alipay_data_dataservice_bill_downloadurl_query_response",
            "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"isp.bill_not_exist\",\"sub_msg\":\"账单不存在\"}",
            alipay))));
    assertThat(((ChannelException) Await.failure(client.bill(java.time.LocalDate.of(2019, 12, 10)))).retryable()).isFalse();
  }

  /**
   * "No such trade" frees an order's items (query) or counts as closed (close), so only Alipay's own signed answer says
   * it: the same answer signed by another key fails, retryable, and the order waits for the next query.
   */
  @Test
  void noSuchTradeCountsOnlyWhenAlipaySignedIt() throws Exception {
    String notExist = "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"ACQ.TRADE_NOT_EXIST\",\"sub_msg\":\"交易不存在\"}";
    for (String method : new String[] {"query", "close"}) {
      String member = "alipay_trade_" + method + "_response";
      wm.stubFor(post("/gateway.do").withRequestBody(containing("method=alipay.trade." + method))
          .willReturn(aResponse().withBody(signed(member, notExist, Vectors.rsa()))));
      ChannelException forged = (ChannelException) Await.failure(method.equals("query") ? client.query("NX1") : client.close("NX1"));
      assertThat(forged.code()).as(method).isEqualTo("ACQ.TRADE_NOT_EXIST");
      assertThat(forged.retryable()).as(method).isTrue();
      wm.stubFor(post("/gateway.do").withRequestBody(containing("method=alipay.trade." + method))
          .willReturn(aResponse().withBody(signed(member, notExist, alipay))));
    }
    assertThat(Await.result(client.query("NX1")).tradeStatus()).isEqualTo("NOT_EXIST");
    assertThat(Await.result(client.close("NX1"))).as("closed: no, there is no such trade").isFalse();
  }

  @Test
  void businessErrorsKeepAlipaysSubCode() throws Exception {
    wm.stubFor(post("/gateway.do").withRequestBody(containing("method=alipay.trade.refund")).willReturn(aResponse()
        .withBody(signed("alipay_trade_refund_response", "{\"code\":\"40004\",\"msg\":\"Business Failed\","
            + "\"sub_code\":\"ACQ.TRADE_NOT_ALLOW_REFUND\",\"sub_msg\":\"当前交易不允许退款\"}", alipay))));
    Throwable e = client.refund("X", "X-R1", 100, "重复缴费").toCompletionStage().toCompletableFuture().handle((v, x) -> x).get();
    while (e instanceof CompletionException) {
      e = e.getCause();
    }
    assertThat(((ChannelException) e).code()).isEqualTo("ACQ.TRADE_NOT_ALLOW_REFUND");
    assertThat(((ChannelException) e).retryable()).isFalse();
  }
}
