package cn.liangxian.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.channel.alipay.AlipaySignatures;
import cn.liangxian.channel.wechat.ResourceCipher;
import cn.liangxian.channel.wechat.WechatPayScheme;
import cn.liangxian.channel.wechat.WechatPaySignatures;
import cn.liangxian.sandbox.alipay.AlipayApp;
import cn.liangxian.sandbox.fault.SandboxFaults;
import cn.liangxian.sandbox.wechat.WechatMerchant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sandbox on its own, as a merchant meets it over loopback HTTP: requests signed with the merchant's
 * key and checked, answers and notifications signed with the channel's, the pay page, the ledger, faults.
 */
class ChannelSandboxTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2020-12-15T02:00:00Z"), ZoneOffset.UTC);
  static final byte[] API_V3_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  static final String MCHID = "1900006891";
  static final String APP_ID = "wxsandbox0000001";

  static Vertx vertx;
  static ChannelSandbox sandbox;
  static KeyPair merchantKey;
  static KeyPair appKey;
  static HttpServer receiver;
  static String notifyUrl;
  static final BlockingQueue<Received> notifications = new LinkedBlockingQueue<>();
  static final HttpClient http = HttpClient.newHttpClient();

  record Received(Map<String, String> headers, byte[] body) {}

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    sandbox = new ChannelSandbox(vertx, CLOCK);
    merchantKey = rsa();
    appKey = rsa();
    sandbox.registerWechat(new WechatMerchant(MCHID, APP_ID, merchantKey.getPublic(), API_V3_KEY, WechatPayScheme.RSA));
    sandbox.registerAlipay(new AlipayApp("2021000117600000", appKey.getPublic()));
    await(sandbox.listen(0));
    receiver = await(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      Map<String, String> headers = new LinkedHashMap<>();
      req.headers().forEach(e -> headers.put(e.getKey().toLowerCase(), e.getValue()));
      notifications.add(new Received(headers, b.getBytes()));
      req.response().setStatusCode(204).end();
    })).listen(0, "127.0.0.1"));
    notifyUrl = "http://127.0.0.1:" + receiver.actualPort() + "/notify";
  }

  @AfterAll
  static void stop() throws Exception {
    await(sandbox.close());
    await(vertx.close());
  }

  @AfterEach
  void noFaults() {
    sandbox.faults(SandboxFaults.NONE);
  }

  @Test
  void listeningDeploysAVerticleOfItsOwn() {
    assertThat(vertx.deploymentIDs()).hasSize(1);
    assertThat(sandbox.baseUrl()).isEqualTo("http://127.0.0.1:" + sandbox.port());
  }

  @Test
  void aSignedPrepayIsAnsweredWithThePlatformsSignature() throws Exception {
    HttpResponse<byte[]> r = wechat("POST", "/v3/pay/transactions/native", prepay("SBX0001", 25000), merchantKey);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(new String(r.body(), StandardCharsets.UTF_8)).getString("code_url"))
        .isEqualTo(sandbox.baseUrl() + "/sandbox/pay/wechat/SBX0001");
    assertThat(r.headers().firstValue("Wechatpay-Serial")).hasValue(sandbox.wechatSerial());
    byte[] message = WechatPaySignatures.responseMessage(r.headers().firstValue("Wechatpay-Timestamp").orElseThrow(),
        r.headers().firstValue("Wechatpay-Nonce").orElseThrow(), r.body());
    assertThat(WechatPaySignatures.verify(WechatPayScheme.RSA, sandbox.wechatPlatformKey(WechatPayScheme.RSA), message,
        r.headers().firstValue("Wechatpay-Signature").orElseThrow())).isTrue();
  }

  @Test
  void aRequestSignedWithAnotherKeyIsRefused() throws Exception {
    HttpResponse<byte[]> r = wechat("POST", "/v3/pay/transactions/native", prepay("SBX0002", 25000), rsa());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("SIGN_ERROR");
  }

  @Test
  void payingOnThePayPageNotifiesTheMerchantAndEntersTheLedger() throws Exception {
    assertThat(wechat("POST", "/v3/pay/transactions/native", prepay("SBX0003", 25000), merchantKey).statusCode()).isEqualTo(200);
    HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/sandbox/pay/wechat/SBX0003"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(page.body()).contains("¥250.00", "确认支付");
    assertThat(payOnPage("SBX0003").statusCode()).isEqualTo(200);
    // a second tap, on a code paid already: the payer is told in Chinese that nothing more is taken
    HttpResponse<String> again = payOnPage("SBX0003");
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(again.body()).contains("无法付款", "没有扣款");

    Received n = notifications.poll(20, TimeUnit.SECONDS);
    assertThat(n).as("the notification").isNotNull();
    byte[] message = WechatPaySignatures.responseMessage(n.headers().get("wechatpay-timestamp"), n.headers().get("wechatpay-nonce"),
        n.body());
    assertThat(WechatPaySignatures.verify(WechatPayScheme.RSA, sandbox.wechatPlatformKey(WechatPayScheme.RSA), message,
        n.headers().get("wechatpay-signature"))).isTrue();
    JsonObject resource = new JsonObject(new String(n.body(), StandardCharsets.UTF_8)).getJsonObject("resource");
    byte[] plain = ResourceCipher.decrypt(resource.getString("algorithm"), API_V3_KEY, resource.getString("nonce"),
        resource.getString("associated_data"), resource.getString("ciphertext"));
    JsonObject transaction = new JsonObject(new String(plain, StandardCharsets.UTF_8));
    assertThat(transaction.getString("out_trade_no")).isEqualTo("SBX0003");
    assertThat(transaction.getString("trade_state")).isEqualTo("SUCCESS");
    assertThat(transaction.getJsonObject("amount").getLong("total")).isEqualTo(25000);

    assertThat(await(sandbox.payments())).anySatisfy(p -> {
      assertThat(p.getString("outTradeNo")).isEqualTo("SBX0003");
      assertThat(p.getLong("totalFen")).isEqualTo(25000);
      assertThat(p.getString("paidAt")).isEqualTo("2020-12-15T02:00:00Z");
    });
    assertThat(payOnPage("SBX0003").statusCode()).as("paid already").isEqualTo(409);
  }

  /**
   * The mini-program pay sheet takes what wx.requestPayment takes and checks it as the real sheet does: the
   * merchant's paySign over appId, timeStamp, nonceStr and package; a changed package or another key is
   * refused and pays nothing; the root page lists the trade while it waits.
   */
  @Test
  void thePaySheetChecksTheRequestPaymentParametersBeforeItPays() throws Exception {
    String jsapi = new JsonObject(prepay("SBX0010", 36000)).put("payer", new JsonObject().put("openid", "oUpF8uMuAJO")).encode();
    HttpResponse<byte[]> created = wechat("POST", "/v3/pay/transactions/jsapi", jsapi, merchantKey);
    String pkg = "prepay_id=" + new JsonObject(new String(created.body(), StandardCharsets.UTF_8)).getString("prepay_id");
    assertThat(http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/")).build(), HttpResponse.BodyHandlers.ofString())
        .body()).contains("/sandbox/payments", "/sandbox/pay/wechat/SBX0010");
    String ts = Long.toString(CLOCK.instant().getEpochSecond());
    String sign = cn.liangxian.channel.Crypto.sign("SHA256withRSA", merchantKey.getPrivate(),
        WechatPaySignatures.message(null, APP_ID, ts, "n0nce", pkg));
    JsonObject params = new JsonObject().put("appId", APP_ID).put("timeStamp", ts).put("nonceStr", "n0nce").put("package", pkg)
        .put("signType", "RSA").put("paySign", sign);

    assertThat(sheet(params.copy().put("package", "prepay_id=wxSBX0003")).body()).contains("requestPayment:fail");
    String forged = cn.liangxian.channel.Crypto.sign("SHA256withRSA", rsa().getPrivate(),
        WechatPaySignatures.message(null, APP_ID, ts, "n0nce", pkg));
    HttpResponse<String> refused = sheet(params.copy().put("paySign", forged).put("confirm", true));
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(refused.body()).getString("errMsg")).isEqualTo("requestPayment:fail 支付验证签名失败");
    assertThat(await(sandbox.payments())).noneSatisfy(p -> assertThat(p.getString("outTradeNo")).isEqualTo("SBX0010"));

    HttpResponse<String> shown = sheet(params);
    assertThat(new JsonObject(shown.body()).getLong("totalFen")).isEqualTo(36000);
    HttpResponse<String> paid = sheet(params.copy().put("confirm", true));
    assertThat(paid.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    assertThat(new JsonObject(paid.body()).getString("errMsg")).isEqualTo("requestPayment:ok");
    assertThat(await(sandbox.payments())).anySatisfy(p -> assertThat(p.getString("outTradeNo")).isEqualTo("SBX0010"));
    assertThat(sheet(params.copy().put("confirm", true)).body()).contains("requestPayment:fail 该订单已支付");
    // its notification comes while this test runs and is taken here, never read as another test's
    assertThat(notifications.poll(20, TimeUnit.SECONDS)).as("the payment's notification").isNotNull();
  }

  static HttpResponse<String> sheet(JsonObject params) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/sandbox/sheet/wechat"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(params.encode())).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anUnknownTradeHasNoPayPageAndCannotBePaid() throws Exception {
    HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/sandbox/pay/wechat/NOPE"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(404);
    Future<Void> paid = sandbox.pay("NOPE");
    assertThat(paid.toCompletionStage().toCompletableFuture().handle((v, e) -> e.getMessage()).get(20, TimeUnit.SECONDS))
        .isEqualTo("no such trade NOPE");
  }

  @Test
  void faultsPostedOverHttpFailTheNextCalls() throws Exception {
    HttpResponse<String> set = http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/sandbox/faults"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"failCalls\":1}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(set.statusCode()).isEqualTo(204);
    HttpResponse<byte[]> failed = wechat("POST", "/v3/pay/transactions/native", prepay("SBX0004", 25000), merchantKey);
    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(new String(failed.body(), StandardCharsets.UTF_8)).contains("SYSTEM_ERROR");
    assertThat(wechat("POST", "/v3/pay/transactions/native", prepay("SBX0004", 25000), merchantKey).statusCode()).isEqualTo(200);
  }

  @Test
  void alipayChecksTheAppsSignatureAndSignsItsAnswer() throws Exception {
    String member = "alipay_trade_precreate_response";
    String body = alipay("SBX0005", appKey);
    String sign = new JsonObject(body).getString("sign");
    assertThat(AlipaySignatures.verifyResponse(sandbox.alipayPublicKey(), body, member, sign)).isTrue();
    assertThat(new JsonObject(body).getJsonObject(member).getString("qr_code"))
        .isEqualTo(sandbox.baseUrl() + "/sandbox/pay/alipay/SBX0005");

    assertThat(new JsonObject(alipay("SBX0006", rsa())).getJsonObject(member).getString("sub_code"))
        .isEqualTo("isv.invalid-signature");
  }

  static String prepay(String outTradeNo, long fen) {
    return new JsonObject().put("appid", APP_ID).put("mchid", MCHID).put("description", "城乡居民医疗保险 2021")
        .put("out_trade_no", outTradeNo).put("notify_url", notifyUrl).put("amount", new JsonObject().put("total", fen)).encode();
  }

  static HttpResponse<byte[]> wechat(String method, String path, String body, KeyPair key) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String authorization = WechatPaySignatures.authorization(WechatPayScheme.RSA, MCHID, "MERCHANT-SERIAL", key.getPrivate(),
        method, path, CLOCK.instant().getEpochSecond(), "5K8264ILTKCH16CQ2502SI8ZNMTM67VS", bytes);
    return http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path)).header("Authorization", authorization)
        .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  static String alipay(String outTradeNo, KeyPair key) throws Exception {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("app_id", "2021000117600000");
    p.put("method", "alipay.trade.precreate");
    p.put("charset", "utf-8");
    p.put("sign_type", "RSA2");
    p.put("timestamp", "2020-12-15 10:00:00");
    p.put("version", "1.0");
    p.put("notify_url", notifyUrl);
    p.put("biz_content", new JsonObject().put("out_trade_no", outTradeNo).put("total_amount", "250.00")
        .put("subject", "城乡居民医疗保险 2021").encode());
    p.put("sign", AlipaySignatures.signRequest(key.getPrivate(), p));
    String form = p.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    return http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/gateway.do"))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  static HttpResponse<String> payOnPage(String outTradeNo) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/sandbox/pay/wechat/" + outTradeNo))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  static KeyPair rsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }
}
