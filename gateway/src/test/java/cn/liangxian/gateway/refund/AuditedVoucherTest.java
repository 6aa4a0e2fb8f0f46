package cn.liangxian.gateway.refund;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** How money went back another way, as the audit log (the administrators') keeps it: an account number masked. */
class AuditedVoucherTest {
  @Test
  void theAuditKeepsTheVoucherWithItsAccountNumberMasked() {
    JsonObject answer = new JsonObject().put("outRefundNo", "R1").put("how", "银行转账至 6222021234567890 李四")
        .put("reference", "2020011512345678");
    JsonObject audited = FailedRefunds.audited(answer);
    assertThat(audited.getString("how")).isEqualTo("银行转账至 ************7890 李四");
    assertThat(audited.getString("reference")).isEqualTo("************5678");
    assertThat(answer.getString("how")).as("the answer itself untouched").contains("6222021234567890");
  }
}
