package cn.liangxian.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The balancers are named by literal addresses or networks; a peer is one of them, or it is not. */
class TrustedProxiesTest {
  @Test
  void addressesAndNetworksOfBothFamilies() {
    TrustedProxies t = TrustedProxies.parse(" 10.0.1.10, 10.0.2.0/28 ,fd00::/8, ::1");
    assertThat(t.trusts("10.0.1.10")).isTrue();
    assertThat(t.trusts("10.0.1.11")).isFalse();
    assertThat(t.trusts("10.0.2.15")).isTrue();
    assertThat(t.trusts("10.0.2.16")).isFalse();
    assertThat(t.trusts("fd12:3456::1")).isTrue();
    assertThat(t.trusts("fe80::1%eth0")).isFalse();
    assertThat(t.trusts("0:0:0:0:0:0:0:1")).isTrue();
    assertThat(t.trusts("::ffff:10.0.1.10")).as("an IPv4 peer written as IPv6").isTrue();
    assertThat(t.trusts("127.0.0.1")).isFalse();
    assertThat(t.trusts(null)).isFalse();
    assertThat(TrustedProxies.parse("").isEmpty()).isTrue();
    assertThat(TrustedProxies.parse(null).isEmpty()).isTrue();
  }

  @Test
  void aNameOrAWrongPrefixIsRefusedNamingIt() {
    assertThatThrownBy(() -> TrustedProxies.parse("10.0.1.10, balancer.example")).hasMessageStartingWith("'balancer.example'");
    assertThatThrownBy(() -> TrustedProxies.parse("10.0.1.0/33")).hasMessageContaining("0 to 32");
    assertThatThrownBy(() -> TrustedProxies.parse("10.0.1")).hasMessageStartingWith("'10.0.1'");
    assertThatThrownBy(() -> TrustedProxies.parse("300.1.1.1")).hasMessageStartingWith("'300.1.1.1'");
  }
}
