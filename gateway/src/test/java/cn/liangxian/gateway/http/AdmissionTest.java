package cn.liangxian.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.config.AdmissionLimits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

/** The bound on requests in flight, driven directly: which class is turned away, when, and that places come back. */
class AdmissionTest {
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  double counted(RouteClass c, String outcome) {
    return registry.get("liangxian_admission").tag("class", c.label()).tag("outcome", outcome).counter().count();
  }

  @Test
  void aClassAtItsLimitIsTurnedAwayUntilAPlaceIsGivenBack() {
    Admission a = new Admission(new AdmissionLimits(1, 2, 2, 2, 2, 100, 3), registry);
    assertThat(a.enter(RouteClass.LOOKUP)).isTrue();
    assertThat(a.enter(RouteClass.LOOKUP)).isFalse();
    assertThat(a.inFlight(RouteClass.LOOKUP)).isEqualTo(1);
    assertThat(a.enter(RouteClass.ORDER_READ)).as("other classes have their own places").isTrue();
    a.leave(RouteClass.LOOKUP);
    assertThat(a.enter(RouteClass.LOOKUP)).isTrue();
    assertThat(counted(RouteClass.LOOKUP, "admitted")).isEqualTo(2);
    assertThat(counted(RouteClass.LOOKUP, "shed")).isEqualTo(1);
    assertThat(registry.get("liangxian_admission_in_flight").tag("class", "lookup").gauge().value()).isEqualTo(1);
  }

  @Test
  void lookupsAndOrderCreationGoFirstStatusNextCallbacksAndHealthNever() {
    Admission a = new Admission(new AdmissionLimits(100, 100, 100, 100, 100, 4, 3), registry);
    for (int i = 0; i < 3; i++) {
      assertThat(a.enter(RouteClass.ORDER_READ)).isTrue();
    }
    // three of four in use: lookups and order creation are turned away, status still served
    assertThat(a.enter(RouteClass.LOOKUP)).isFalse();
    assertThat(a.enter(RouteClass.ORDER_CREATE)).isFalse();
    assertThat(a.enter(RouteClass.LOGIN)).as("a login starts a new journey: turned away with them").isFalse();
    assertThat(a.enter(RouteClass.ORDER_READ)).isTrue();
    assertThat(a.enter(RouteClass.ORDER_READ)).isFalse();
    assertThat(a.enter(RouteClass.OPERATOR)).isFalse();
    for (int i = 0; i < 10; i++) {
      assertThat(a.enter(RouteClass.CALLBACK)).isTrue();
      assertThat(a.enter(RouteClass.HEALTH)).isTrue();
    }
    assertThat(counted(RouteClass.CALLBACK, "shed")).isZero();
    assertThat(counted(RouteClass.HEALTH, "shed")).isZero();
  }

  @Test
  void aLimitOfZeroTurnsEveryRequestOfTheClassAway() {
    Admission a = new Admission(new AdmissionLimits(0, 1, 1, 1, 1, 100, 3), registry);
    assertThat(a.enter(RouteClass.LOOKUP)).isFalse();
    assertThat(a.inFlight(RouteClass.LOOKUP)).isZero();
  }

  @Test
  void routesFallIntoTheirClasses() {
    assertThat(RouteClass.of(HttpMethod.POST, "/api/v1/lookup")).isEqualTo(RouteClass.LOOKUP);
    assertThat(RouteClass.of(HttpMethod.POST, "/api/v1/orders")).isEqualTo(RouteClass.ORDER_CREATE);
    assertThat(RouteClass.of(HttpMethod.POST, "/api/v1/session/wechat")).isEqualTo(RouteClass.LOGIN);
    assertThat(RouteClass.of(HttpMethod.GET, "/api/v1/orders/abc")).isEqualTo(RouteClass.ORDER_READ);
    assertThat(RouteClass.of(HttpMethod.POST, "/api/v1/orders/abc/cancel")).isEqualTo(RouteClass.ORDER_READ);
    assertThat(RouteClass.of(HttpMethod.GET, "/api/v1/orders/abc/receipt")).isEqualTo(RouteClass.ORDER_READ);
    assertThat(RouteClass.of(HttpMethod.POST, "/api/v1/operator/login")).isEqualTo(RouteClass.OPERATOR);
    assertThat(RouteClass.of(HttpMethod.POST, "/api/v1/callbacks/wechatpay")).isEqualTo(RouteClass.CALLBACK);
    assertThat(RouteClass.of(HttpMethod.GET, "/health/live")).isEqualTo(RouteClass.HEALTH);
    assertThat(RouteClass.of(HttpMethod.GET, "/metrics")).isEqualTo(RouteClass.HEALTH);
  }
}
