package cn.liangxian.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How long a refused resident is told to wait: in their words, never shorter than Retry-After. */
class ResidentTextsTest {

  @Test
  void theWaitIsSaidInSecondsUnderAMinuteElseInWholeMinutesRoundedUp() {
    assertThat(ResidentTexts.retryIn(0)).isEqualTo("请1秒后再试");
    assertThat(ResidentTexts.retryIn(1)).isEqualTo("请1秒后再试");
    assertThat(ResidentTexts.retryIn(12)).isEqualTo("请12秒后再试");
    assertThat(ResidentTexts.retryIn(59)).isEqualTo("请59秒后再试");
    assertThat(ResidentTexts.retryIn(60)).isEqualTo("请1分钟后再试");
    assertThat(ResidentTexts.retryIn(61)).isEqualTo("请2分钟后再试");
    assertThat(ResidentTexts.retryIn(600)).isEqualTo("请10分钟后再试");
  }
}
