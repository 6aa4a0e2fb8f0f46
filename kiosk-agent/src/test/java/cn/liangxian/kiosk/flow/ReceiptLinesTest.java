package cn.liangxian.kiosk.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
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
    // one added later and not named here: in words, never its code on paper
    assertThat(service.toReceipt(new JsonObject().put("channel", "ccb")).lines()).contains("支付方式: 其他支付方式")
        .doesNotContain("支付方式: 微信支付").noneMatch(l -> l.contains("ccb"));
  }

  /** 58 mm paper: 32 columns, a Chinese character taking two; a line too long breaks between its parts. */
  @Test
  void everyLineFitsFiftyEightMillimetrePaperBrokenBetweenItsParts() {
    JsonObject r = new JsonObject().put("receiptNo", "LX3c0a9f5e7d214b8e").put("region", "临沂市河东区")
        .put("items", new JsonArray()
            .add(new JsonObject().put("name", "潘*威").put("idNumber", "3713**********8490").put("insurance", "pension")
                .put("year", 2020).put("tier", 300).put("personalFen", 30000).put("subsidyFen", 4000).put("governmentFen", 0))
            .add(new JsonObject().put("name", "王*").put("idNumber", "3713**********1234").put("insurance", "medical")
                .put("year", 2020).put("tier", null).put("personalFen", 25000).put("subsidyFen", 0).put("governmentFen", 52000))
            .add(new JsonObject().put("name", "阿卜杜热合曼*买买提").put("idNumber", "6532**********0021").put("insurance", "pension")
                .put("year", 2021).put("tier", 1000).put("personalFen", 100000).put("subsidyFen", 6000)))
        .put("totalFen", 155000).put("channel", "wechat").put("transactionId", "4200000001202001150000001234")
        .put("paidAt", "2020-01-15T02:01:30Z");
    List<String> lines = service.toReceipt(r).lines();
    assertThat(lines).containsExactly(
        "地区: 临沂市河东区",
        "潘*威 3713**********8490",
        "  2020年 养老 档次300元",
        "    个人缴费 300.00元",
        "  政府缴费补贴 40.00元",
        "王* 3713**********1234",
        "  2020年 医疗 个人缴费 250.00元",
        "  财政补助 520.00元",
        "阿卜杜热合曼*买买提",
        "  6532**********0021",
        "  2021年 养老 档次1000元",
        "    个人缴费 1000.00元",
        "  政府缴费补贴 60.00元",
        "合计: 1550.00元",
        "支付方式: 微信支付",
        "交易号:",
        "  4200000001202001150000001234",
        "时间: 2020年1月15日 10:01:30",
        "自助机: K-1");
    assertThat(lines).allSatisfy(l -> assertThat(ReceiptService.columns(l)).as(l).isLessThanOrEqualTo(32));
    assertThat(ReceiptService.columns("  2020年 医疗 个人缴费 250.00元")).isEqualTo(31);
  }

  @Test
  void aPartLongerThanALineIsCutWhereTheLineEnds() {
    assertThat(ReceiptService.fit("", "  ", List.of("交易号:", "1234567890123456789012345678901234")))
        .containsExactly("交易号:", "  123456789012345678901234567890", "  1234");
    assertThat(ReceiptService.fit("", "  ", List.of("地区:", "新疆维吾尔自治区伊犁哈萨克自治州察布查尔锡伯自治县")))
        .containsExactly("地区:", "  新疆维吾尔自治区伊犁哈萨克自治", "  州察布查尔锡伯自治县");
  }

  /** An answer's explicit null is no value: never printed as "null", and a line without its value is left out. */
  @Test
  void explicitNullsAreNeverPrinted() {
    JsonObject r = new JsonObject().put("receiptNo", "LX1").put("region", null).put("title", null).put("channel", "alipay")
        .put("channelName", null).put("transactionId", null).put("paidAt", null).put("totalFen", 25000)
        .put("items", new JsonArray().add(new JsonObject().put("name", "潘*威").put("idNumber", null).put("insurance", "medical")
            .put("year", 2020).put("personalFen", 25000).put("subsidyFen", null).put("governmentFen", null)));
    var receipt = service.toReceipt(r);
    assertThat(receipt.lines()).noneMatch(l -> l.contains("null"))
        .containsExactly("潘*威", "  2020年 医疗 个人缴费 250.00元", "合计: 250.00元", "支付方式: 支付宝", "自助机: K-1");
    assertThat(receipt.title()).isEqualTo("城乡居民基本医疗/养老保险缴费凭证");
    assertThat(service.toReceipt(new JsonObject().put("receiptNo", null).put("orderId", "o1")).verifyUrl())
        .isEqualTo("https://verify.example/r/o1");
  }
}
