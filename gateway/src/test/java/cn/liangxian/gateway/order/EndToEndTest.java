package cn.liangxian.gateway.order;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.channel.Crypto;
import cn.liangxian.channel.wechat.WechatPaySignatures;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.DemoMerchant;
import cn.liangxian.sandbox.login.Logins;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** lookup → order → pay on the sandbox → callback → paid → receipt, for both channels, both ways. */
class EndToEndTest {
  TestGateway g;

  @BeforeEach
  void start() throws Exception {
    g = Fixture.load(new TestGateway());
  }

  @AfterEach
  void stop() throws Exception {
    g.close();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"wechat,qr", "wechat,mini", "alipay,qr", "alipay,mini"})
  void residentPaysAndGetsAReceipt(String channel, String mode) throws Exception {
    JsonObject h = g.lookup(Fixture.CHEN, "陈一");
    JsonObject body = new JsonObject().put("householdRef", h.getJsonObject("household").getString("ref")).put("channel", channel)
        .put("mode", mode).put("items", new JsonArray().add(new JsonObject()
            .put("memberRef", h.getJsonArray("members").getJsonObject(0).getString("ref")).put("insurance", "medical").put("year", 2020)));
    // the resident logs in to the channel's mini-program; a mini-program order's payer is who the channel says they are
    String session = "Bearer " + g.residentToken(channel, "e2e-" + channel + "-" + mode);
    HttpResponse<Buffer> created = g.post("/api/v1/orders", body, "Idempotency-Key", UUID.randomUUID().toString(),
        "Authorization", session);
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    JsonObject o = created.bodyAsJsonObject();
    JsonObject payment = o.getJsonObject("payment");
    if (mode.equals("qr")) {
      assertThat(payment.getString("codeUrl")).contains("/sandbox/pay/" + channel + "/" + o.getString("outTradeNo"));
    } else if (channel.equals("wechat")) {
      JsonObject p = payment.getJsonObject("wechatPayment");
      assertThat(p.getString("package")).startsWith("prepay_id=");
      // what wx.requestPayment gets is signed by the merchant key over appId\\ntimeStamp\\nnonceStr\\npackage\\n
      assertThat(Crypto.verify("SHA256withRSA", merchantPublicKey(), WechatPaySignatures.message(null, p.getString("appId"),
          p.getString("timeStamp"), p.getString("nonceStr"), p.getString("package")), p.getString("paySign"))).isTrue();
    } else {
      assertThat(payment.getString("alipayTradeNo")).isNotBlank();
    }
    // the resident pays (the sandbox's pay page does this for a QR code, the phone for a mini-program)
    HttpResponse<Buffer> page = g.http.getAbs(g.gateway.demo().sandbox().baseUrl() + "/sandbox/pay/" + channel + "/" + o.getString("outTradeNo"))
        .send().toCompletionStage().toCompletableFuture().get();
    assertThat(page.bodyAsString()).contains("360.00", "确认支付");
    g.http.postAbs(g.gateway.demo().sandbox().baseUrl() + "/sandbox/pay/" + channel + "/" + o.getString("outTradeNo")).send()
        .toCompletionStage().toCompletableFuture().get();
    JsonObject now = Eventually.until("the order to be paid", () -> g.get("/api/v1/orders/" + o.getString("id"),
        "Authorization", session).bodyAsJsonObject(), x -> x.getString("state").equals("PAID"));
    assertThat(now.getString("state")).isEqualTo("PAID");
    // every time a resident's page or kiosk receives is in Beijing time, with its offset
    assertThat(List.of(now.getString("createdAt"), now.getString("expiresAt"), now.getString("paidAt"))).allMatch(t -> t.endsWith("+08:00"));
    assertThat(java.time.Duration.between(java.time.OffsetDateTime.parse(now.getString("createdAt")),
        java.time.OffsetDateTime.parse(now.getString("expiresAt")))).isPositive();
    if (mode.equals("mini")) {
      String user = "e2e-" + channel + "-" + mode;
      JsonObject t = g.gateway.demo().sandbox().transactionOf(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get();
      assertThat(t.getJsonObject("payer").getString("openid")).isEqualTo(channel.equals("wechat")
          ? Logins.openid(DemoMerchant.WECHAT_APP_ID, user) : Logins.alipayUserId(user));
    }
    JsonObject receipt = g.get("/api/v1/orders/" + o.getString("id") + "/receipt", "Authorization", session).bodyAsJsonObject();
    assertThat(receipt.getString("channel")).isEqualTo(channel);
    assertThat(receipt.getLong("totalFen")).isEqualTo(36000);
    assertThat(receipt.getString("transactionId")).isNotBlank();
    assertThat(receipt.getJsonArray("items").getJsonObject(0).getString("name")).isEqualTo("陈*");
    // Beijing time: with its offset in the API, as residents read it on paper, and the channel by its Chinese name
    assertThat(receipt.getString("paidAt")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+08:00");
    assertThat(java.time.OffsetDateTime.parse(receipt.getString("paidAt")).toInstant())
        .isEqualTo(java.time.OffsetDateTime.parse(now.getString("paidAt")).toInstant());
    assertThat(receipt.getString("paidAtText")).matches("\\d{4}年\\d{1,2}月\\d{1,2}日 \\d\\d:\\d\\d:\\d\\d");
    assertThat(receipt.getString("channelName")).isEqualTo(channel.equals("wechat") ? "微信支付" : "支付宝");

    // the household now lists the member as paid, with when (Beijing time)
    JsonObject after = g.lookup(Fixture.CHEN, "陈一");
    JsonObject medical = after.getJsonArray("members").getJsonObject(0).getJsonArray("insurances").stream()
        .map(JsonObject.class::cast).filter(i -> i.getString("insurance").equals("medical")).findFirst().orElseThrow();
    assertThat(medical.getString("status")).isEqualTo("paid");
    assertThat(java.time.OffsetDateTime.parse(medical.getString("paidAt")).toInstant())
        .isEqualTo(java.time.OffsetDateTime.parse(receipt.getString("paidAt")).toInstant());
    assertThat(medical.getString("paidAt")).endsWith("+08:00");

    // the printed QR code's page: anyone may open it, it shows only what the paper shows
    HttpResponse<Buffer> verify = g.http.get("/r/" + receipt.getString("receiptNo")).send().toCompletionStage().toCompletableFuture().get();
    assertThat(verify.statusCode()).isEqualTo(200);
    assertThat(verify.getHeader("Content-Type")).startsWith("text/html");
    assertThat(verify.bodyAsString()).contains("凭证有效", "陈*", receipt.getString("transactionId"), "360.00",
        receipt.getString("paidAtText"), channel.equals("wechat") ? "微信支付" : "支付宝", "2020年")
        .doesNotContain(Fixture.CHEN);
    // a number one digit away from a real one names no receipt
    String no = receipt.getString("receiptNo");
    String guessed = no.substring(0, 31) + (no.charAt(31) == '0' ? '1' : '0');
    HttpResponse<Buffer> none = g.http.get("/r/" + guessed).putHeader("Accept", "application/json").send()
        .toCompletionStage().toCompletableFuture().get();
    assertThat(none.statusCode()).isEqualTo(404);
    assertThat(none.bodyAsJsonObject().getString("type")).endsWith("/receipt-not-found");
    assertThat(none.bodyAsJsonObject().getString("title")).isEqualTo("没有这张凭证");
    // a phone's browser asks for a page, and gets one saying so; a client that says nothing, problem+json
    HttpResponse<Buffer> asPage = g.http.get("/r/" + guessed).putHeader("Accept", "text/html,application/xhtml+xml,*/*;q=0.8").send()
        .toCompletionStage().toCompletableFuture().get();
    assertThat(asPage.statusCode()).isEqualTo(404);
    assertThat(asPage.getHeader("Content-Type")).startsWith("text/html");
    HttpResponse<Buffer> bare = g.http.get("/r/" + guessed).send().toCompletionStage().toCompletableFuture().get();
    assertThat(bare.statusCode()).isEqualTo(404);
    assertThat(bare.getHeader("Content-Type")).startsWith("application/problem+json");
  }

  private java.security.PublicKey merchantPublicKey() throws Exception {
    // the merchant key pair of this run: the private key signs, so derive the public one from it
    var priv = (java.security.interfaces.RSAPrivateCrtKey) g.gateway.wechatMerchant().privateKey();
    return java.security.KeyFactory.getInstance("RSA").generatePublic(
        new java.security.spec.RSAPublicKeySpec(priv.getModulus(), priv.getPublicExponent()));
  }
}
