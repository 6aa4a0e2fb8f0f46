package cn.liangxian.gateway.channel;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.operator.Scope;
import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.ChannelSandbox;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The deployment as a WeChat Pay service provider (服务商): 如皋 is its sub-merchant 1900000109. Its orders
 * go through the partner API (sp_mchid, sub_mchid), are notified to its own path under the provider's key,
 * refunded and billed as the sub-merchant's; the provider's other regions pay into its own merchant.
 */
class WechatServiceProviderTest {
  static final String SUB_MCHID = "1900000109";

  @Test
  void aSubMerchantsOrdersArePaidRefundedAndBilledAsItsOwn() throws Exception {
    Path config = TestGateway.configWithMerchants("""
            - name: rugao
              regions: ["320682"]
              wechat: {mchid: "1900000001", appId: wxdemo0000000001, subMchid: "%s"}
        """.formatted(SUB_MCHID));
    try (TestGateway g = Fixture.load(new TestGateway(Map.of("GATEWAY_CONFIG", config.toString())))) {
      ChannelSandbox sandbox = g.gateway.demo().sandbox();
      JsonObject paid = order(g, Fixture.CHEN, "陈一");
      JsonObject other = order(g, Fixture.LIU1, "刘一");
      for (JsonObject o : new JsonObject[] {paid, other}) {
        sandbox.pay(o.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        g.awaitState(o.getString("id"), "PAID");
      }
      JsonObject trade = sandbox.transactionOf(paid.getString("outTradeNo")).toCompletionStage().toCompletableFuture().get();
      assertThat(trade.getString("sub_mchid")).isEqualTo(SUB_MCHID);
      assertThat(trade.getString("sp_mchid")).isEqualTo(cn.liangxian.sandbox.DemoMerchant.MCHID);
      assertThat(g.count("select count(*) from payment where merchant = '" + SUB_MCHID + "'")).isEqualTo(1);

      String token = g.operatorToken(Role.FINANCE, Scope.ALL);
      for (String merchant : new String[] {SUB_MCHID, cn.liangxian.sandbox.DemoMerchant.MCHID}) {
        HttpResponse<Buffer> r = g.http.post("/api/v1/operator/reconciliation/wechat/2019-12-15?merchant=" + merchant)
            .putHeader("Authorization", "Bearer " + token).send().toCompletionStage().toCompletableFuture().get();
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        assertThat(r.bodyAsJsonObject().getInteger("matched")).as(merchant).isEqualTo(1);
        assertThat(r.bodyAsJsonObject().getJsonArray("differences")).as(merchant).isEmpty();
      }

      // a refund goes back through the provider for the sub-merchant, and is confirmed by its notification
      JsonObject h = g.lookup(Fixture.CHEN, "陈一");
      HttpResponse<Buffer> refund = g.refundFirstMembersMedical(token, h, paid.getString("id"), "death");
      assertThat(refund.statusCode()).as(refund.bodyAsString()).isEqualTo(200);
      Eventually.until("the refund confirmed", () -> g.count("select count(*) from refund where state = 'SUCCESS' and order_id = '"
          + paid.getString("id") + "'") == 1);
    }
  }

  static JsonObject order(TestGateway g, String id, String name) throws Exception {
    JsonObject h = g.lookup(id, name);
    HttpResponse<Buffer> r = g.orderUnpaidMedical(h, "wechat", "qr");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

}
