package cn.liangxian.gateway.payment;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

/**
 * A resident leaves a UnionPay code unscanned and cancels. UnionPay has no close for a QR code: it stays payable until
 * its time is up. The resident is told so, with that time in Beijing time, never that a payment is being processed;
 * the order expires by itself at its time, its items released.
 */
class UnionPayCodeStillPayableTest {
  @Test
  void aCancelledUnscannedCodeIsSaidToStayPayableUntilItsTimeAndThenExpires() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway())) {
      HttpResponse<Buffer> r = g.orderUnpaidMedical(g.lookup(Fixture.CHEN, "陈一"), "unionpay", "qr");
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
      JsonObject o = r.bodyAsJsonObject();
      String id = o.getString("id");

      HttpResponse<Buffer> cancel = g.post("/api/v1/orders/" + id + "/cancel", new JsonObject());
      assertThat(cancel.statusCode()).as(cancel.bodyAsString()).isEqualTo(409);
      JsonObject p = cancel.bodyAsJsonObject();
      assertThat(p.getString("type")).endsWith("/code-still-payable");
      assertThat(p.getString("state")).isEqualTo("PAYING");
      assertThat(OffsetDateTime.parse(p.getString("payableUntil"))).isEqualTo(OffsetDateTime.parse(o.getString("expiresAt")));
      String until = OffsetDateTime.parse(o.getString("expiresAt")).atZoneSameInstant(ZoneId.of("Asia/Shanghai"))
          .format(DateTimeFormatter.ofPattern("H点mm分"));
      assertThat(p.getString("detail")).contains("这个付款码在" + until + "以前仍然可以付款").contains("不会扣款")
          .doesNotContain("处理中");
      // the resident's words in detail, the developer's beside them, as every residents' problem has
      assertThat(p.getString("developerDetail")).contains("cannot void this code before it expires");
      assertThat(g.count("select count(*) from reservation where order_id = '" + id + "'")).isPositive();

      g.clock.advance(Duration.ofMinutes(16)); // past the order's 15 minutes and the code's payTimeout
      Eventually.until("the order expired", () -> "EXPIRED".equals(g.get("/api/v1/orders/" + id).bodyAsJsonObject()
          .getString("state")));
      assertThat(g.count("select count(*) from reservation where order_id = '" + id + "'")).isZero();
    }
  }
}
