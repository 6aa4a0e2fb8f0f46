package cn.liangxian.gateway.channel.wechat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TradeBillTest {
  static final String BILL = """
      交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注
      `2019-12-15 10:20:45,`wxdace645e0bc2cXXX,`1900006891,`0,`,`4200000423201912151234567890,`LX20191215000001,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`NATIVE,`SUCCESS,`OTHERS,`CNY,`250.00,`0.00,`0,`0,`0.00,`0.00,`,`,`城乡居民医疗保险 2020,`,`0.00000,`0.00%,`250.00,`0.00,`
      `2019-12-15 11:00:05,`wxdace645e0bc2cXXX,`1900006891,`0,`,`4200000423201912151234567891,`LX20191215000004,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`JSAPI,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`50300000012019121500000000001,`LX20191215000004-R1,`360.00,`0.00,`ORIGINAL,`SUCCESS,`城乡居民医疗保险 2020,`,`0.00000,`0.00%,`360.00,`360.00,`
      总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额
      `2,`250.00,`360.00,`0.00,`0.00000,`610.00,`360.00
      """;

  @Test
  void parsesBacktickFieldsAndTheSummary() {
    TradeBill bill = TradeBill.parse(BILL);
    assertThat(bill.rows()).hasSize(2);
    TradeBill.Row paid = bill.rows().get(0);
    assertThat(paid.transactionId()).isEqualTo("4200000423201912151234567890");
    assertThat(paid.outTradeNo()).isEqualTo("LX20191215000001");
    assertThat(paid.tradeState()).isEqualTo("SUCCESS");
    assertThat(paid.settledFen()).isEqualTo(25000);
    TradeBill.Row refund = bill.rows().get(1);
    assertThat(refund.tradeState()).isEqualTo("REFUND");
    assertThat(refund.outRefundNo()).isEqualTo("LX20191215000004-R1");
    assertThat(refund.refundFen()).isEqualTo(36000);
    assertThat(bill.totalCount()).isEqualTo(2);
    assertThat(bill.totalSettledFen()).isEqualTo(25000);
    assertThat(bill.totalRefundFen()).isEqualTo(36000);
  }

  @Test
  void aLineWithAnAmountThatIsNotYuanIsKeptWithWhatIsWrongNotTheWholeBillRefused() {
    TradeBill bill = TradeBill.parse(BILL.replace("`250.00,`0.00,`0,`0,", "`25O.00,`0.00,`0,`0,"));
    assertThat(bill.rows()).hasSize(2);
    assertThat(bill.rows().get(0).problem()).contains("line 2").contains("25O.00");
    assertThat(bill.rows().get(0).outTradeNo()).isEqualTo("LX20191215000001");
    assertThat(bill.rows().get(1).problem()).isNull();
    assertThat(bill.rows().get(1).refundFen()).isEqualTo(36000);
  }

  @Test
  void aBillWithoutItsSummaryOrColumnsIsRefused() {
    assertThatThrownBy(() -> TradeBill.parse(BILL.lines().limit(3).reduce("", (a, b) -> a + b + "\n")))
        .hasMessageContaining("no summary");
    assertThatThrownBy(() -> TradeBill.parse("a,b\n`1,`2\n")).hasMessageContaining("lacks");
  }

  /**
   * A coupon the channel did not fund (免充值券) lowers what the merchant is settled, not the order's amount the resident
   * was charged for: the payment is the order's (订单金额), a refund the amount asked (申请退款金额).
   */
  @Test
  void aPaymentIsTheOrdersAmountAndARefundTheAmountAskedNotWhatACouponLeftToSettle() {
    TradeBill bill = TradeBill.parse(BILL.replace("`250.00,`0.00,`0,`0,", "`249.00,`1.00,`0,`0,")
        .replace("`360.00,`0.00,`ORIGINAL", "`359.00,`1.00,`ORIGINAL"));
    assertThat(bill.rows().get(0).orderFen()).isEqualTo(25000);
    assertThat(bill.rows().get(0).settledFen()).isEqualTo(24900);
    assertThat(bill.rows().get(1).refundFen()).as("申请退款金额").isEqualTo(36000);
  }

  /** Merchants still on the early format: 总金额 is the order's amount, 退款金额 the refund's, the summary's own names. */
  @Test
  void aBillOfTheEarlyFormatIsRead() {
    String early = """
        交易时间,公众账号ID,商户号,子商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,总金额,企业红包金额,微信退款单号,商户退款单号,退款金额,企业红包退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率
        `2019-12-15 10:20:45,`wxdace645e0bc2cXXX,`1900006891,`0,`,`4200000423201912151234567890,`LX20191215000001,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`NATIVE,`SUCCESS,`OTHERS,`CNY,`250.00,`0.00,`0,`0,`0,`0,`,`,`城乡居民医疗保险 2020,`,`0.00000,`0.60%
        `2019-12-15 11:00:05,`wxdace645e0bc2cXXX,`1900006891,`0,`,`4200000423201912151234567891,`LX20191215000004,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`JSAPI,`REFUND,`OTHERS,`CNY,`360.00,`0.00,`50300000012019121500000000001,`LX20191215000004-R1,`360.00,`0.00,`ORIGINAL,`SUCCESS,`城乡居民医疗保险 2020,`,`0.00000,`0.60%
        总交易单数,总交易额,总退款金额,总代金券或立减优惠退款金额,手续费总金额
        `2,`250.00,`360.00,`0.00,`0.00000
        """;
    TradeBill bill = TradeBill.parse(early);
    assertThat(bill.rows()).extracting(TradeBill.Row::problem).containsOnlyNulls();
    assertThat(bill.rows().get(0).orderFen()).isEqualTo(25000);
    assertThat(bill.rows().get(1).outRefundNo()).isEqualTo("LX20191215000004-R1");
    assertThat(bill.rows().get(1).refundFen()).isEqualTo(36000);
    assertThat(bill.totalSettledFen()).isEqualTo(25000);
    assertThat(bill.totalRefundFen()).isEqualTo(36000);
  }
}
