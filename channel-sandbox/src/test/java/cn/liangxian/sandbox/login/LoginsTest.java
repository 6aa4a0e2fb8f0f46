package cn.liangxian.sandbox.login;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.sandbox.Recent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A sandbox serving logins for hours keeps only the codes still alive, and what it keeps for tests is bounded. */
class LoginsTest {
  /** A clock the test moves. */
  static final class Turned extends Clock {
    Instant now = Instant.parse("2026-12-31T15:50:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void codesPastTheirLifeAreDroppedAsNewOnesAreIssued() {
    Turned clock = new Turned();
    Logins logins = new Logins(clock);
    logins.wechatCode("wx1", "a");
    String alipay = logins.alipayCode("2021", "b");
    assertThat(logins.codesHeld()).isEqualTo(2);

    clock.now = clock.now.plus(Duration.ofMinutes(4));
    logins.wechatCode("wx1", "c");
    assertThat(logins.codesHeld()).as("none has expired yet").isEqualTo(3);

    clock.now = clock.now.plus(Duration.ofMinutes(7)); // 11 minutes after the first two, 7 after the third
    logins.wechatCode("wx1", "d");
    assertThat(logins.codesHeld()).as("WeChat's live 5 minutes and Alipay's 10: only the newest is left").isEqualTo(1);
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
