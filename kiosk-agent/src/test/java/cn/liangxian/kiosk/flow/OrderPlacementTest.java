package cn.liangxian.kiosk.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How long a QR code stays on the screen: the order's own life as the gateway wrote it. */
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
}
