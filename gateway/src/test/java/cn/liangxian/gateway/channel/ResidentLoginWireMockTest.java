package cn.liangxian.gateway.channel;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.channel.Crypto;
import cn.liangxian.channel.Vectors;
import cn.liangxian.channel.alipay.AlipaySignatures;
import cn.liangxian.gateway.channel.alipay.AlipayMerchant;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Mini-program login against WireMock answering as WeChat's {@code jscode2session} and Alipay's
 * {@code alipay.system.oauth.token} do (formats from their documentation): who the resident is, a code the
 * channel refuses, a gateway the channel refuses (wrong appid or secret), a channel that cannot answer.
 */
class ResidentLoginWireMockTest {
  static WireMockServer wm;
  static Vertx vertx;
  static final KeyPair app = Vectors.rsa();
  static final KeyPair alipay = Vectors.rsa();
  static ResidentLogins logins;

  @BeforeAll
  static void start() {
    wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    vertx = Vertx.vertx();
    logins = ResidentLogins.of(vertx, Clock.fixed(Instant.parse("2019-12-15T02:20:30Z"), ZoneOffset.UTC),
        Signing.create(vertx, 1, new io.micrometer.core.instrument.simple.SimpleMeterRegistry()), wm.baseUrl(),
        "wx1234567890abcdef", "app-secret-of-the-mini-program", new AlipayMerchant("2021000000000001", app.getPrivate(),
        alipay.getPublic()), wm.baseUrl() + "/gateway.do");
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

  static Future<String> wechat(String code) {
    return logins.byChannel().get("wechat").subject(code);
  }

  static Future<String> alipay(String code) {
    return logins.byChannel().get("alipay").subject(code);
  }

  static void wechatAnswers(String body) {
    // WeChat answers JSON with Content-Type text/plain
    wm.stubFor(get(urlPathEqualTo("/sns/jscode2session")).willReturn(aResponse().withHeader("Content-Type", "text/plain").withBody(body)));
  }

  static Throwable failure(Future<?> f) throws Exception {
    Throwable x = f.toCompletionStage().toCompletableFuture().handle((v, t) -> t).get(20, TimeUnit.SECONDS);
    while (x instanceof CompletionException) {
      x = x.getCause();
    }
    assertThat(x).as("the login fails").isNotNull();
    return x;
  }

  @Test
  void wechatExchangesTheCodeWithTheConfiguredAppidAndSecret() throws Exception {
    wechatAnswers("{\"openid\":\"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o\",\"session_key\":\"tiihtNczf5v6AKRyjwEUhQ==\"}");
    assertThat(Await.result(wechat("081ABCdef0ghijk1lmnOp2qrSt3uvWxy"))).isEqualTo("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
    wm.verify(getRequestedFor(urlPathEqualTo("/sns/jscode2session")).withQueryParam("appid", equalTo("wx1234567890abcdef"))
        .withQueryParam("secret", equalTo("app-secret-of-the-mini-program"))
        .withQueryParam("js_code", equalTo("081ABCdef0ghijk1lmnOp2qrSt3uvWxy"))
        .withQueryParam("grant_type", equalTo("authorization_code")));
  }

  @Test
  void wechatCodesTheChannelRefusesAreTheResidentsToRenew() throws Exception {
    // invalid (expired, or issued to another appid), already used, a user WeChat holds as risky
    for (int errcode : new int[] {40029, 40163, 40226}) {
      wechatAnswers("{\"errcode\":" + errcode + ",\"errmsg\":\"invalid code, rid: 652d44d0-1d0af18b-5b069232\"}");
      assertThat(failure(wechat("used-or-expired"))).as("errcode " + errcode).isInstanceOf(ResidentLogin.CodeRefused.class);
    }
  }

  @Test
  void aWrongAppidOrSecretOrABusyChannelIsTheGatewaysNotTheResidents() throws Exception {
    wechatAnswers("{\"errcode\":40013,\"errmsg\":\"invalid appid\"}");
    ChannelException wrongAppid = (ChannelException) failure(wechat("c1"));
    assertThat(wrongAppid.code()).isEqualTo("40013");
    assertThat(wrongAppid.retryable()).isFalse();
    wechatAnswers("{\"errcode\":40125,\"errmsg\":\"invalid appsecret\"}");
    assertThat(((ChannelException) failure(wechat("c2"))).code()).isEqualTo("40125");
    wechatAnswers("{\"errcode\":-1,\"errmsg\":\"system error\"}");
    assertThat(((ChannelException) failure(wechat("c3"))).retryable()).isTrue();
    wechatAnswers("{\"errcode\":45011,\"errmsg\":\"api minute-quota reach limit\"}");
    assertThat(((ChannelException) failure(wechat("c4"))).retryable()).isTrue();
    wm.stubFor(get(urlPathEqualTo("/sns/jscode2session")).willReturn(aResponse().withStatus(502).withBody("<html>bad gateway</html>")));
    assertThat(((ChannelException) failure(wechat("c5"))).code()).isEqualTo("HTTP_502");
    wechatAnswers("<html>not json</html>");
    assertThat(((ChannelException) failure(wechat("c6"))).code()).isEqualTo("MALFORMED_RESPONSE");
    // a success without an openid is no identity
    wechatAnswers("{\"session_key\":\"tiihtNczf5v6AKRyjwEUhQ==\"}");
    assertThat(failure(wechat("c7"))).isInstanceOf(ChannelException.class);
  }

  static String signed(String member, String json, KeyPair key) {
    return "{\"" + member + "\":" + json + ",\"sign\":\""
        + Crypto.sign("SHA256withRSA", key.getPrivate(), json.getBytes(StandardCharsets.UTF_8)) + "\"}";
  }

  static void alipayAnswers(String body) {
    wm.stubFor(post("/gateway.do").withRequestBody(containing("method=alipay.system.oauth.token"))
        .willReturn(aResponse().withHeader("Content-Type", "text/html;charset=utf-8").withBody(body)));
  }

  @Test
  void alipaySignsTheCodeOutsideBizContentAndReadsTheUserId() throws Exception {
    alipayAnswers(signed("alipay_system_oauth_token_response", "{\"access_token\":\"publicpB93df44c0ed984cdd85f\","
        + "\"alipay_user_id\":\"20881042\",\"expires_in\":300,\"re_expires_in\":360,\"refresh_token\":\"publicpB7036862\","
        + "\"user_id\":\"2088102150477652\"}", alipay));
    assertThat(Await.result(alipay("4b203fe6c11548bcabd8da5bb087a83b"))).isEqualTo("2088102150477652");
    String form = wm.findAll(postRequestedFor(urlEqualTo("/gateway.do"))).get(0).getBodyAsString();
    Map<String, String> params = new LinkedHashMap<>();
    for (String kv : form.split("&")) {
      String[] p = kv.split("=", 2);
      params.put(URLDecoder.decode(p[0], StandardCharsets.UTF_8), URLDecoder.decode(p[1], StandardCharsets.UTF_8));
    }
    assertThat(params).containsEntry("method", "alipay.system.oauth.token").containsEntry("grant_type", "authorization_code")
        .containsEntry("code", "4b203fe6c11548bcabd8da5bb087a83b").containsEntry("app_id", "2021000000000001")
        .containsEntry("sign_type", "RSA2").doesNotContainKey("biz_content");
    assertThat(AlipaySignatures.verifyRequest(app.getPublic(), params)).isTrue();
  }

  @Test
  void alipayAppsThatGetOpenIdsLogInByOpenId() throws Exception {
    alipayAnswers(signed("alipay_system_oauth_token_response", "{\"access_token\":\"authusrB7f\",\"expires_in\":\"1296000\","
        + "\"open_id\":\"074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5\",\"refresh_token\":\"authusrB8e\",\"re_expires_in\":\"2592000\"}",
        alipay));
    assertThat(Await.result(alipay("c"))).isEqualTo("074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5");
  }

  @Test
  void alipayRefusedCodesForgedAnswersAndErrors() throws Exception {
    // a used, expired or another app's code: Alipay answers under error_response
    alipayAnswers(signed("error_response", "{\"code\":\"40002\",\"msg\":\"Invalid Arguments\",\"sub_code\":\"isv.code-invalid\","
        + "\"sub_msg\":\"授权码code无效\"}", alipay));
    assertThat(failure(alipay("expired"))).isInstanceOf(ResidentLogin.CodeRefused.class);
    // the app is unknown to Alipay (a wrong app_id): the gateway's configuration, not the resident's code
    alipayAnswers("{\"error_response\":{\"code\":\"40002\",\"msg\":\"Invalid Arguments\",\"sub_code\":\"isv.invalid-app-id\","
        + "\"sub_msg\":\"无效的AppID参数\"}}");
    ChannelException wrongApp = (ChannelException) failure(alipay("c"));
    assertThat(wrongApp.code()).isEqualTo("isv.invalid-app-id");
    // a success not signed by Alipay's key names nobody
    alipayAnswers(signed("alipay_system_oauth_token_response", "{\"user_id\":\"2088000000000001\",\"access_token\":\"x\"}",
        Vectors.rsa()));
    assertThat(((ChannelException) failure(alipay("c"))).code()).isEqualTo("RESPONSE_NOT_VERIFIED");
    alipayAnswers(signed("error_response", "{\"code\":\"20000\",\"msg\":\"Service Currently Unavailable\","
        + "\"sub_code\":\"isp.unknow-error\",\"sub_msg\":\"系统繁忙\"}", alipay));
    assertThat(((ChannelException) failure(alipay("c"))).retryable()).isTrue();
  }
}
