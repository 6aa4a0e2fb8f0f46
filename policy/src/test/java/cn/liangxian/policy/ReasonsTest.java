package cn.liangxian.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every reason the engine gives has a stable code and a Chinese text; a book may word it its own way. */
class ReasonsTest {

  static boolean hasHan(String s) {
    return s != null && s.codePoints().anyMatch(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN);
  }

  /** A reason a resident may be shown: a code, Chinese text with every placeholder filled, English detail. */
  static void assertChinese(Reason r) {
    assertThat(r).as("reason").isNotNull();
    assertThat(r.code()).matches("policy\\.[a-z]+(-[a-z]+)*");
    assertThat(hasHan(r.text())).as("Chinese text of " + r.code() + ": " + r.text()).isTrue();
    assertThat(r.text()).as("unfilled placeholder").doesNotContain("{").doesNotContain("null");
    assertThat(r.detail()).isNotBlank();
  }

  @ParameterizedTest
  @EnumSource(ReasonCode.class)
  void everyEngineReasonHasChineseText(ReasonCode code) {
    assertThat(hasHan(code.chineseTemplate())).as(code + " has no Chinese text").isTrue();
    assertThat(code.code()).startsWith("policy.");
  }

  @Test
  void codesAreDistinct() {
    Set<String> codes = new HashSet<>();
    Arrays.stream(ReasonCode.values()).forEach(c -> assertThat(codes.add(c.code())).as(c.code()).isTrue());
  }

  @Test
  void aBookMayWordAReasonItsOwnWay() {
    PolicyBook book = Books.get("example-features-2024");
    assertThat(book.reasonText(ReasonCode.NOT_A_PAYING_DAY)).hasValueSatisfying(t -> assertThat(t).contains("每月1日至25日"));
    assertThat(book.reasonText(ReasonCode.TIER_MISSING)).isEmpty();
    Reason r = book.reason(ReasonCode.NOT_A_PAYING_DAY, "detail", java.time.LocalDate.of(2024, 1, 26),
        java.time.LocalDate.of(2024, 2, 1));
    assertThat(r.text()).isEqualTo("2024年1月26日不办理缴费（每月1日至25日办理），请于2024年2月1日再来");
  }

  @Test
  void aBookWithoutTheInsuranceRefusesInChinese() {
    AssessmentException e = catchThrowableOfType(AssessmentException.class, () -> PolicyEngine.assess(
        Person.of(IdNumber.parse(Ids.man("320682", "1980-01-01")), Set.of()), Insurance.PENSION, Books.get("rugao-2020"),
        java.time.LocalDate.of(2019, 11, 20)));
    assertChinese(e.reason());
    assertThat(e.reason().text()).contains("城乡居民基本养老保险");
  }
}
