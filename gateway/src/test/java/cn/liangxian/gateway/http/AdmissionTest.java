package cn.liangxian.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.config.AdmissionLimits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.http.HttpMethod;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The bound on requests in flight, driven directly: which class is turned away, when, and that places come back. */
class AdmissionTest {
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  double counted(RouteClass c, String outcome) {
    return registry.get("liangxian_admission").tag("class", c.label()).tag("outcome", outcome).counter().count();
  }

  @Test
  void aClassAtItsLimitIsTurnedAwayUntilAPlaceIsGivenBack() {
    Admission a = new Admission(new AdmissionLimits(1, 2, 2, 2, 2, 100, 3, 0), registry);
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
    Admission a = new Admission(new AdmissionLimits(100, 100, 100, 100, 100, 4, 3, 0), registry);
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
    Admission a = new Admission(new AdmissionLimits(0, 1, 1, 1, 1, 100, 3, 0), registry);
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

  static final long MS = 1_000_000L;
  final AtomicLong now = new AtomicLong(1_000 * MS);

  /** Ceilings of 20 for the classes that start a journey, a latency target of 500 ms, the clock in the test's hands. */
  Admission following() {
    return new Admission(new AdmissionLimits(20, 20, 20, 50, 20, 1000, 3, 500), registry, now::get);
  }

  /** {@code n} requests of the class answered in 700 ms, 100 ms apart: each cuts the class's limit by a tenth. */
  void slow(Admission a, RouteClass c, int n) {
    for (int i = 0; i < n; i++) {
      now.addAndGet(100 * MS);
      a.answered(c, 700 * MS);
    }
  }

  /** The limits in force of order creation, lookups and logins, in that order. */
  static void limits(Admission a, int orders, int lookups, int logins) {
    assertThat(java.util.List.of(a.limit(RouteClass.ORDER_CREATE), a.limit(RouteClass.LOOKUP), a.limit(RouteClass.LOGIN)))
        .as("limits of order creation, lookups, logins").containsExactly(orders, lookups, logins);
  }

  @Test
  void aSlowAnswerCutsTheLimitByATenthOncePer100MsDownToAFloor() {
    Admission a = following();
    assertThat(a.limit(RouteClass.LOOKUP)).isEqualTo(20);
    a.answered(RouteClass.LOOKUP, 600 * MS);
    assertThat(a.limit(RouteClass.LOOKUP)).isEqualTo(18);
    // the other requests the same pause delayed count once
    a.answered(RouteClass.LOOKUP, 900 * MS);
    a.answered(RouteClass.LOOKUP, 800 * MS);
    assertThat(a.limit(RouteClass.LOOKUP)).isEqualTo(18);
    now.addAndGet(100 * MS);
    a.answered(RouteClass.LOOKUP, 600 * MS);
    assertThat(a.limit(RouteClass.LOOKUP)).isEqualTo(16); // 18 * 0.9 = 16.2
    for (int i = 0; i < 50; i++) {
      now.addAndGet(100 * MS);
      a.answered(RouteClass.LOOKUP, 600 * MS);
    }
    assertThat(a.limit(RouteClass.LOOKUP)).isEqualTo(Admission.LatencyLimit.FLOOR);
    assertThat(registry.get("liangxian_admission_limit").tag("class", "lookup").gauge().value()).isEqualTo(4);
    assertThat(a.limit(RouteClass.LOGIN)).as("each class follows its own latency").isEqualTo(20);
  }

  @Test
  void theLimitInForceIsWhatTurnsRequestsAway() {
    Admission a = following();
    a.answered(RouteClass.ORDER_CREATE, 2_000 * MS);
    assertThat(a.limit(RouteClass.ORDER_CREATE)).isEqualTo(18);
    for (int i = 0; i < 18; i++) {
      assertThat(a.enter(RouteClass.ORDER_CREATE)).isTrue();
    }
    assertThat(a.enter(RouteClass.ORDER_CREATE)).isFalse();
    assertThat(counted(RouteClass.ORDER_CREATE, "shed")).isEqualTo(1);
  }

  @Test
  void quickAnswersGrowTheLimitBackToItsCeiling() {
    Admission a = following();
    slow(a, RouteClass.LOGIN, 10);
    int cut = a.limit(RouteClass.LOGIN);
    assertThat(cut).isLessThan(10);
    a.answered(RouteClass.LOGIN, 20 * MS);
    assertThat(a.limit(RouteClass.LOGIN)).isEqualTo(cut + 1);
    for (int i = 0; i < 100; i++) {
      a.answered(RouteClass.LOGIN, 20 * MS);
    }
    assertThat(a.limit(RouteClass.LOGIN)).as("never above the configured ceiling").isEqualTo(20);
  }

  @Test
  void statusCallbacksAndFixedLimitsDoNotFollowLatency() {
    Admission a = following();
    a.answered(RouteClass.ORDER_READ, 5_000 * MS);
    a.answered(RouteClass.CALLBACK, 5_000 * MS);
    assertThat(a.limit(RouteClass.ORDER_READ)).isEqualTo(50);
    Admission fixed = new Admission(new AdmissionLimits(20, 20, 20, 50, 20, 1000, 3, 0), new SimpleMeterRegistry(), now::get);
    fixed.answered(RouteClass.LOOKUP, 5_000 * MS);
    assertThat(fixed.limit(RouteClass.LOOKUP)).isEqualTo(20);
  }

  @Test
  void slowOrdersHoldNewJourneysToTheSameShareOfTheirCeilings() {
    Admission a = following();
    slow(a, RouteClass.ORDER_CREATE, 7);
    // 20 cut by a tenth seven times: 9 of 20 for the orders, so lookups and logins get 9 of their 20
    limits(a, 9, 9, 9);
    assertThat(registry.get("liangxian_admission_limit").tag("class", "lookup").gauge().value()).isEqualTo(9);
    assertThat(a.limit(RouteClass.ORDER_READ)).as("status and receipts are not new journeys").isEqualTo(50);
    for (int i = 0; i < 9; i++) {
      assertThat(a.enter(RouteClass.LOGIN)).isTrue();
    }
    assertThat(a.enter(RouteClass.LOGIN)).as("quick logins, but the orders under way come first").isFalse();
    assertThat(a.enter(RouteClass.ORDER_CREATE)).isTrue();
    slow(a, RouteClass.ORDER_CREATE, 50);
    assertThat(a.limit(RouteClass.LOOKUP)).as("never below the floor").isEqualTo(Admission.LatencyLimit.FLOOR);
    for (int i = 0; i < 100; i++) {
      a.answered(RouteClass.ORDER_CREATE, 20 * MS);
    }
    assertThat(a.limit(RouteClass.ORDER_CREATE)).isEqualTo(20);
    assertThat(a.limit(RouteClass.LOOKUP)).as("quick orders give the new journeys their places back").isEqualTo(20);
  }

  @Test
  void aSlowLookupDoesNotHoldBackOrders() {
    Admission a = following();
    slow(a, RouteClass.LOOKUP, 7);
    limits(a, 20, 9, 20);
  }

  @Test
  void theHoldLiftsASecondAfterTheLastSlowOrderEvenWithNoOrdersSince() {
    Admission a = following();
    slow(a, RouteClass.ORDER_CREATE, 7);
    assertThat(a.limit(RouteClass.LOOKUP)).isEqualTo(9);
    now.addAndGet(999 * MS);
    assertThat(a.limit(RouteClass.LOOKUP)).isEqualTo(9);
    now.addAndGet(1 * MS);
    // no order answered since: the orders' own limit is still 9, the hold is lifted
    limits(a, 9, 20, 20);
    now.addAndGet(100 * MS);
    a.answered(RouteClass.ORDER_CREATE, 700 * MS);
    assertThat(a.limit(RouteClass.LOOKUP)).as("slow again: held again").isEqualTo(8);
  }

  @Test
  void eachClassGetsTheOrdersShareOfItsOwnCeilingRoundedDownNeverBelowTheFloorNorAboveItsOwnLimit() {
    Admission a = new Admission(new AdmissionLimits(30, 10, 20, 50, 20, 1000, 3, 500), registry, now::get);
    now.addAndGet(100 * MS);
    a.answered(RouteClass.LOOKUP, 700 * MS);
    now.addAndGet(100 * MS);
    a.answered(RouteClass.LOOKUP, 700 * MS);
    assertThat(a.limit(RouteClass.LOOKUP)).isEqualTo(24);
    now.addAndGet(100 * MS);
    a.answered(RouteClass.ORDER_CREATE, 700 * MS);
    assertThat(a.limit(RouteClass.ORDER_CREATE)).isEqualTo(18);
    assertThat(a.limit(RouteClass.LOOKUP)).as("its own 24 is below the share, 27").isEqualTo(24);
    assertThat(a.limit(RouteClass.LOGIN)).isEqualTo(9);
    slow(a, RouteClass.ORDER_CREATE, 6);
    limits(a, 9, 13, 4); // 30 x 9 / 20 = 13.5, 10 x 9 / 20 = 4.5
    slow(a, RouteClass.ORDER_CREATE, 20);
    limits(a, Admission.LatencyLimit.FLOOR, 6, Admission.LatencyLimit.FLOOR); // 30 x 4 / 20; 10 x 4 / 20 = 2, held at the floor
  }

  @Test
  void withFixedLimitsNewJourneysKeepTheirs() {
    Admission fixed = new Admission(new AdmissionLimits(20, 20, 20, 50, 20, 1000, 3, 0), new SimpleMeterRegistry(), now::get);
    slow(fixed, RouteClass.ORDER_CREATE, 10);
    for (int i = 0; i < 20; i++) {
      assertThat(fixed.enter(RouteClass.LOOKUP)).isTrue();
    }
    assertThat(fixed.enter(RouteClass.LOOKUP)).isFalse();
  }
}
