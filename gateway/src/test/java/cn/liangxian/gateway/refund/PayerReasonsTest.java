package cn.liangxian.gateway.refund;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.payment.StrandedReason;
import org.junit.jupiter.api.Test;

/** What the payer reads as the refund's reason: Chinese, whatever was stored, and within the channel's 80 characters. */
class PayerReasonsTest {
  @Test
  void everyOperatorReasonCodeHasItsChineseText() {
    for (String code : OperatorRefunds.REASONS) {
      assertThat(PayerReasons.of(code)).as(code).isNotEqualTo(code).matches(".*\\p{IsHan}.*");
    }
    assertThat(PayerReasons.of("death")).contains("身故");
  }

  @Test
  void aChineseReasonIsSentAsItIsAndAnythingElseAsTheGeneralOne() {
    for (StrandedReason r : StrandedReason.values()) {
      assertThat(PayerReasons.of(r.text())).isEqualTo(r.text());
    }
    assertThat(PayerReasons.of("the channel has no such refund")).isEqualTo("城乡居民保险缴费退款");
    assertThat(PayerReasons.of(null)).isEqualTo("城乡居民保险缴费退款");
    assertThat(PayerReasons.of("退".repeat(100))).hasSize(80);
  }
}
