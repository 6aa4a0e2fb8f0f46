package cn.liangxian.kiosk.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * How long a QR code stays on the screen: until the order's end by the gateway's clock (its answer's Date), else the
 * order's own life as the gateway wrote it, less the request's round trip.
 */
class OrderPlacementTest {

  @Test
  void thePayWindowIsTheOrdersLifeInWhicheverOffsetTheGatewayWroteIt() {
    assertThat(OrderPlacement.payWindow(order("2026-12-01T13:51:51.250+08:00", "2026-12-01T14:06:51.250+08:00")))
        .isEqualTo(Duration.ofMinutes(15));
    assertThat(OrderPlacement.payWindow(order("2026-12-01T05:51:51Z", "2026-12-01T06:01:51Z"))).isEqualTo(Duration.ofMinutes(10));
    // one time in UTC, the other in Beijing time: the same moments
    assertThat(OrderPlacement.payWindow(order("2026-12-01T05:51:51Z", "2026-12-01T13:56:51+08:00"))).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void fifteenMinutesWhereTheGatewaySaysNothingUsable() {
    assertThat(OrderPlacement.payWindow(new JsonObject())).isEqualTo(Duration.ofMinutes(15));
    assertThat(OrderPlacement.payWindow(order("yesterday", "tomorrow"))).isEqualTo(Duration.ofMinutes(15));
    assertThat(OrderPlacement.payWindow(order("2026-12-01T14:00:00+08:00", "2026-12-01T13:00:00+08:00"))).isEqualTo(Duration.ofMinutes(15));
  }

  private static JsonObject order(String createdAt, String expiresAt) {
    return new JsonObject().put("createdAt", createdAt).put("expiresAt", expiresAt);
  }

  @Test
  void theQrCodeEndsWithTheOrderByTheGatewaysClock() {
    // the gateway started the order at 13:51:51, asked the channel, and answered 12 s later
    JsonObject o = order("2026-12-01T13:51:51+08:00", "2026-12-01T14:06:51+08:00");
    Instant answered = Instant.parse("2026-12-01T05:52:03Z");
    // the Date is whole seconds: the gateway's clock up to a second past it
    assertThat(OrderPlacement.payWindow(o, answered, Duration.ofSeconds(12))).isEqualTo(Duration.ofSeconds(15 * 60 - 12 - 1));
    assertThat(OrderPlacement.payWindow(o, answered, Duration.ZERO)).as("the Date says it, not the trip")
        .isEqualTo(Duration.ofSeconds(15 * 60 - 12 - 1));
    // no Date: the order's life less the request's own round trip
    assertThat(OrderPlacement.payWindow(o, null, Duration.ofSeconds(12))).isEqualTo(Duration.ofSeconds(15 * 60 - 12));
    // a Date before the order began (a proxy's clock): never longer than the order's life; one after its end, or an
    // order without an end to read: its life less the trip
    assertThat(OrderPlacement.payWindow(o, answered.minusSeconds(600), Duration.ofSeconds(2))).isEqualTo(Duration.ofMinutes(15));
    assertThat(OrderPlacement.payWindow(o, answered.plusSeconds(3600), Duration.ofSeconds(2)))
        .isEqualTo(Duration.ofSeconds(15 * 60 - 2));
    assertThat(OrderPlacement.payWindow(new JsonObject(), answered, Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(15 * 60 - 2));
  }
}
