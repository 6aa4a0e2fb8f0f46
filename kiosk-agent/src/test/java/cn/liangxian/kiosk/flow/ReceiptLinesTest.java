package cn.liangxian.kiosk.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** What the paper says of how the resident paid. */
class ReceiptLinesTest {
  final ReceiptService service = new ReceiptService(null, null, null, null, "https://verify.example/r", "K-1");

  @Test
  void theChannelIsNamedAsTheGatewayNamesIt() {
    JsonObject r = new JsonObject().put("orderId", "o1").put("totalFen", 25000).put("channel", "ccb").put("channelName", "建设银行");
    assertThat(service.toReceipt(r).lines()).contains("支付方式: 建设银行");
  }

  @Test
  void withoutTheGatewaysNameAKnownChannelIsNamedHereAndAnUnknownOneIsNeverCalledWeChat() {
    assertThat(service.toReceipt(new JsonObject().put("channel", "alipay")).lines()).contains("支付方式: 支付宝");
    assertThat(service.toReceipt(new JsonObject().put("channel", "wechat")).lines()).contains("支付方式: 微信支付");
    assertThat(service.toReceipt(new JsonObject().put("channel", "ccb")).lines()).contains("支付方式: ccb")
        .doesNotContain("支付方式: 微信支付");
  }
}
