package cn.liangxian.gateway.privacy;

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
}
