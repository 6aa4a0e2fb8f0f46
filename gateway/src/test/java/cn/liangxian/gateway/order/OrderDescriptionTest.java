package cn.liangxian.gateway.order;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.policy.Insurance;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the payer's WeChat Pay, Alipay or UnionPay app lists a family's payment as. */
class OrderDescriptionTest {
  private static OrderDraft.Line line(Insurance insurance, int year) {
    return new OrderDraft.Line(null, insurance, year, null, null);
  }

  @Test
  void aBackPaymentBesideThisYearsIsNamedInChinesePunctuationOnly() {
    String d = Orders.description(List.of(line(Insurance.MEDICAL, 2020), line(Insurance.MEDICAL, 2021), line(Insurance.PENSION, 2021)));
    assertThat(d).isEqualTo("城乡居民医保、养老 2020年、2021年 3项");
    // Alipay's subject takes none of its special characters
    assertThat(d).doesNotContain("/", "=", "&", "+", "%");
    assertThat(Orders.description(List.of(line(Insurance.PENSION, 2021)))).isEqualTo("城乡居民养老 2021年 1项");
  }
}
