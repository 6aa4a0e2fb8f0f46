package cn.liangxian.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A clock stepped back (NTP, or a test moving time) must not lock a client out for the time it went back. */
class RateLimiterClockTest {

  @Test
  void aClockSteppedBackNeitherRefillsNorDrainsTheBucket() {
    MutableClock clock = new MutableClock(Instant.parse("2019-12-15T02:00:00Z"));
    RateLimiter limiter = new RateLimiter(60, 2, clock);
    assertThat(limiter.acquire("a")).isZero();
    clock.advance(Duration.ofHours(-2));
    assertThat(limiter.acquire("a")).isZero();
    assertThat(limiter.acquire("a")).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(limiter.acquire("a")).isZero();
  }
}
