package cn.liangxian.gateway.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The channel on a receipt as residents call it; one added later and not named here in words, never its code. */
class ChannelNameTest {
  @Test
  void everyChannelIsNamedInResidentsWords() {
    assertThat(Receipts.channelName("wechat")).isEqualTo("微信支付");
    assertThat(Receipts.channelName("alipay")).isEqualTo("支付宝");
    assertThat(Receipts.channelName("unionpay")).isEqualTo("云闪付（银联）");
    assertThat(Receipts.channelName("ecny")).isEqualTo("其他支付方式");
    assertThat(Receipts.channelName(null)).isEqualTo("其他支付方式");
  }
}
