package cn.liangxian.gateway.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MaskingTest {
  @Test
  void aNameKeepsItsFirstAndLastCharacterOnly() {
    assertEquals("张*", Masking.name("张三"));
    assertEquals("张*三", Masking.name("张小三"));
    assertEquals("欧**三", Masking.name("欧阳小三"));
    assertEquals("爱***启", Masking.name("爱新觉罗启"));
  }

  @Test
  void aCharacterOutsideTheBasicPlaneCountsAsOne() {
    // 𠀾 (U+2003E) is two chars in Java: neither half may be shown alone, nor counted as a character of its own
    assertEquals("𠀾*", Masking.name("𠀾三"));
    assertEquals("张*𠀾", Masking.name("张小𠀾"));
    assertEquals("*", Masking.name("𠀾"));
  }

  @Test
  void nothingOrOneCharacter() {
    assertEquals("", Masking.name(null));
    assertEquals("", Masking.name(""));
    assertEquals("*", Masking.name("张"));
  }

  @Test
  void anIdNumberKeepsFourAtEachEnd() {
    assertEquals("3713**********1231", Masking.idNumber("371312198001011231"));
    assertEquals("****", Masking.idNumber("1234567"));
    assertEquals("****", Masking.idNumber(null));
  }

  /** Free text an operator typed: long digit runs (accounts, cards, phones, ID numbers) masked but their last four. */
  @Test
  void longDigitRunsInFreeTextAreMaskedButTheirLastFour() {
    assertThat(Masking.digitRuns("转账至 6222 0212 3456 7890，张三")).isEqualTo("转账至 **** **** **** 7890，张三");
    assertThat(Masking.digitRuns("手机13812345678")).isEqualTo("手机*******5678");
    assertThat(Masking.digitRuns("凭证 XZ-2020-0042, 2020年1月15日")).isEqualTo("凭证 XZ-2020-0042, 2020年1月15日");
    assertThat(Masking.digitRuns("身份证371312198001011231")).isEqualTo("身份证**************1231");
    assertThat(Masking.digitRuns("6222　0212　3456　7890")).as("full-width spaces").isEqualTo("****　****　****　7890");
    assertThat(Masking.digitRuns("6222  0212\u00A03456 7890")).isEqualTo("****  ****\u00A0**** 7890");
    assertThat(Masking.digitRuns("电话 138-1234-5678")).isEqualTo("电话 ***-****-5678");
    assertThat(Masking.digitRuns("2020-01-15 转账")).isEqualTo("2020-01-15 转账");
    assertThat(Masking.digitRuns(null)).isNull();
  }
}
