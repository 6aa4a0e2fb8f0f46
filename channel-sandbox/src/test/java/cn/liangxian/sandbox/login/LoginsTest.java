package cn.liangxian.sandbox.login;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.sandbox.Recent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A sandbox serving logins for hours keeps only the codes still alive, and what it keeps for tests is bounded. */
class LoginsTest {
  static final Instant ISSUED = Instant.parse("2026-12-31T15:50:00Z");

  @Test
  void codesPastTheirLifeAreDropped() {
    Logins logins = new Logins(Clock.fixed(ISSUED, ZoneOffset.UTC));
    logins.wechatCode("wx1", "a");
    String alipay = logins.alipayCode("2021", "b");
    assertThat(logins.codesHeld()).isEqualTo(2);

    logins.prune(ISSUED.plus(Duration.ofMinutes(4)));
    assertThat(logins.codesHeld()).as("none has expired yet").isEqualTo(2);
    logins.prune(ISSUED.plus(Duration.ofMinutes(6)));
    assertThat(logins.codesHeld()).as("WeChat's live 5 minutes, Alipay's 10").isEqualTo(1);
    logins.prune(ISSUED.plus(Duration.ofMinutes(11)));
    assertThat(logins.codesHeld()).isZero();
    assertThat(logins.redeemAlipay("2021", "authorization_code", alipay).subCode()).isEqualTo("isv.code-invalid");

    String fresh = logins.alipayCode("2021", "e");
    assertThat(logins.redeemAlipay("2021", "authorization_code", fresh).userId()).isEqualTo(Logins.alipayUserId("e"));
  }

  @Test
  void theRecentRecordKeepsTheLastEntriesInOrder() {
    Recent<Integer> recent = new Recent<>(3);
    IntStream.rangeClosed(1, 5).forEach(recent::add);
    assertThat(recent.list()).containsExactly(3, 4, 5);
  }
}
