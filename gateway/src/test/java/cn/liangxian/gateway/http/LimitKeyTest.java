package cn.liangxian.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What per-address limits and login locks count under: an IPv4 address itself, an IPv6 address's /64 (one subscriber's,
 * whose every address would otherwise be a fresh allowance of guesses).
 */
class LimitKeyTest {
  @Test
  void anIpv6AddressCountsAsItsSlash64AndAnIpv4OneAsItself() {
    assertThat(RateLimiter.network("203.0.113.7")).isEqualTo("203.0.113.7");
    assertThat(RateLimiter.network("2001:db8:85a3:1:8a2e:370:7334:1")).isEqualTo("2001:db8:85a3:1::/64")
        .isEqualTo(RateLimiter.network("2001:db8:85a3:1:ffff:ffff:ffff:ffff"))
        .isEqualTo(RateLimiter.network("2001:0db8:85a3:0001::9"));
    assertThat(RateLimiter.network("2001:db8:85a3:2::1")).isNotEqualTo(RateLimiter.network("2001:db8:85a3:1::1"));
    assertThat(RateLimiter.network("::ffff:203.0.113.7")).as("IPv4 written as IPv6").isEqualTo("203.0.113.7");
    assertThat(RateLimiter.network("fe80::1%eth0")).isEqualTo("fe80:0:0:0::/64");
    assertThat(RateLimiter.network("0:0:0:0:0:0:0:1")).isEqualTo("0:0:0:0::/64");
  }
}
