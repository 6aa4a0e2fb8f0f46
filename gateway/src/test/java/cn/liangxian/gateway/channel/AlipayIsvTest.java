package cn.liangxian.gateway.channel;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.operator.Scope;
import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.ChannelSandbox;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The deployment as an Alipay ISV (第三方应用): 如皋's own app authorized the deployment's app, which calls
 * for it with the app_auth_token. Its orders are opened, notified, refunded and billed as 如皋's app.
 */
class AlipayIsvTest {
  static final String RUGAO_APP = "2021000000000009";

  @Test
  void anAuthorizingAppsOrdersArePaidRefundedAndBilledAsItsOwn() throws Exception {
    Path config = TestGateway.configWithMerchants("""
            - name: rugao
              regions: ["320682"]
              alipay: {appId: "2021000000000001", authAppId: "%s", appAuthTokenFile: rugao-alipay-app-auth-token}
        """.formatted(RUGAO_APP));
    try (TestGateway g = Fixture.load(new TestGateway(Map.of("GATEWAY_CONFIG", config.toString())))) {
      ChannelSandbox sandbox = g.gateway.demo().sandbox();
      JsonObject paid = order(g, Fixture.CHEN, "陈一");
      sandbox.pay(paid.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      g.awaitState(paid.getString("id"), "PAID");
      assertThat(g.count("select count(*) from orders where merchant = '" + RUGAO_APP + "' and state = 'PAID'")).isEqualTo(1);
      assertThat(g.count("select count(*) from payment where merchant = '" + RUGAO_APP + "'")).isEqualTo(1);

      String token = g.operatorToken(Role.FINANCE, Scope.ALL);
      HttpResponse<Buffer> r = g.http.post("/api/v1/operator/reconciliation/alipay/2019-12-15?merchant=" + RUGAO_APP)
          .putHeader("Authorization", "Bearer " + token).send().toCompletionStage().toCompletableFuture().get();
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      assertThat(r.bodyAsJsonObject().getInteger("matched")).isEqualTo(1);
      assertThat(r.bodyAsJsonObject().getJsonArray("differences")).isEmpty();

      // a refund goes back through the same authorization
      JsonObject h = g.lookup(Fixture.CHEN, "陈一");
      HttpResponse<Buffer> refund = g.refundFirstMembersMedical(token, h, paid.getString("id"), "death");
      assertThat(refund.statusCode()).as(refund.bodyAsString()).isEqualTo(200);
      Eventually.until("the refund done at Alipay", () -> g.count("select count(*) from refund where state = 'SUCCESS' and order_id = '"
          + paid.getString("id") + "'") == 1);
      long refunded = sandbox.payments().toCompletionStage().toCompletableFuture().get().stream()
          .filter(p -> p.getString("outTradeNo").equals(paid.getString("outTradeNo"))).mapToLong(p -> p.getLong("refundedFen")).sum();
      assertThat(refunded).isEqualTo(paid.getLong("totalFen"));
      Eventually.until("the schedule reconciled the 14th for 如皋's app", () -> g.count("select count(*) from channel_reconciliation"
          + " where merchant = '" + RUGAO_APP + "' and state = 'DONE'") >= 1);
    }
  }

  static JsonObject order(TestGateway g, String id, String name) throws Exception {
    JsonObject h = g.lookup(id, name);
    JsonArray items = new JsonArray().add(new JsonObject().put("memberRef", h.getJsonArray("members").getJsonObject(0).getString("ref"))
        .put("insurance", "medical").put("year", 2020));
    HttpResponse<Buffer> r = g.post("/api/v1/orders", new JsonObject().put("householdRef", h.getJsonObject("household").getString("ref"))
        .put("channel", "alipay").put("mode", "qr").put("items", items), "Idempotency-Key", UUID.randomUUID().toString());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

}
