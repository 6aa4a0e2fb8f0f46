package cn.liangxian.gateway.payment;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.order.OutTradeNo;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A payment its channel names no transaction for (a notification, a query's answer) is never booked: without that name
 * it could not be told from its own re-delivery, nor found in the bill. It is refused before anything is read or
 * written (this Payments has no database at all), whichever way it came.
 */
class NamelessPaymentTest {
  @Test
  void aPaymentWithoutItsChannelsTransactionIsRefusedBeforeTheDatabaseIsTouched() {
    Payments payments = new Payments(null, null, Clock.systemUTC(), null, null, (conn, order, region, now) -> null);
    String outTradeNo = OutTradeNo.of(UUID.randomUUID());
    for (String name : new String[] {null, "", "  "}) {
      var applied = payments.apply("wechat", null, outTradeNo, name, 25000, "query", null, null);
      assertThat(applied.failed()).as("transaction " + name).isTrue();
      assertThat(applied.cause()).hasMessageContaining("named no transaction");
    }
  }
}
