package cn.liangxian.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every answer carries RFC 9110's Date from the gateway's clock, which the phone page takes "now" from. */
class ResponseDateTest {
  @Test
  void answersGoodAndBadSayTheGatewaysTimeAsAnImfFixdate() throws Exception {
    try (TestGateway g = new TestGateway()) {
      // the tests' gateway clock stands at 2019-12-15T02:00:00Z, years from this machine's
      assertThat(g.get("/health/ready").getHeader("Date")).isEqualTo("Sun, 15 Dec 2019 02:00:00 GMT");
      var refused = g.post("/api/v1/lookup", new JsonObject().put("idNumber", "not an id"), "Authorization", g.bearer("dates"));
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.getHeader("Date")).isEqualTo("Sun, 15 Dec 2019 02:00:00 GMT");
      assertThat(g.get("/api/v1/nowhere").getHeader("Date")).isEqualTo("Sun, 15 Dec 2019 02:00:00 GMT");

      g.clock.advance(Duration.ofDays(20).plusSeconds(65));
      assertThat(g.get("/health/ready").getHeader("Date")).as("a day of one digit written with two")
          .isEqualTo("Sat, 04 Jan 2020 02:01:05 GMT");
    }
  }
}
