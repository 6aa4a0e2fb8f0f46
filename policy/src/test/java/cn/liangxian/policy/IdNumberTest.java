package cn.liangxian.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class IdNumberTest {

  @Test
  void parsesAValidNumber() {
    IdNumber id = IdNumber.parse("11010519491231002X");
    assertThat(id.value()).isEqualTo("11010519491231002X");
    assertThat(id.birthDate()).isEqualTo(LocalDate.of(1949, 12, 31));
    assertThat(id.sex()).isEqualTo(Sex.FEMALE);
    assertThat(id.regionCode()).isEqualTo("110105");
  }

  @Test
  void normalisesLowerCaseXAndBlanks() {
    assertThat(IdNumber.parse(" 11010519491231002x ").value()).isEqualTo("11010519491231002X");
  }

  @Test
  void oddSequenceIsAMan() {
    assertThat(IdNumber.parse(Ids.man("371312", "1980-01-01")).sex()).isEqualTo(Sex.MALE);
    assertThat(IdNumber.parse(Ids.woman("371312", "1980-01-01")).sex()).isEqualTo(Sex.FEMALE);
  }

  @Test
  void convertsLegacyFifteenDigitNumbers() {
    // 15 digits: region, YYMMDD of the 1900s, sequence; the 18-digit form inserts 19 and a check character.
    IdNumber id = IdNumber.parse("371312800101123");
    assertThat(id.value()).isEqualTo(Ids.id("371312", "1980-01-01", 123));
    assertThat(id.birthDate()).isEqualTo(LocalDate.of(1980, 1, 1));
    assertThat(id.sex()).isEqualTo(Sex.MALE);
  }

  @Test
  void masksForDisplayAndInToString() {
    IdNumber id = IdNumber.parse("11010519491231002X");
    assertThat(id.masked()).isEqualTo("1101**********002X");
    assertThat(id.toString()).doesNotContain("19491231");
  }

  @Test
  void ageCountsCompletedYearsWithTheBirthdayIncluded() {
    IdNumber id = IdNumber.parse(Ids.man("371312", "1949-12-31"));
    assertThat(id.ageOn(LocalDate.of(2019, 12, 30))).isEqualTo(69);
    assertThat(id.ageOn(LocalDate.of(2019, 12, 31))).isEqualTo(70);
    IdNumber leap = IdNumber.parse(Ids.man("371312", "2000-02-29"));
    assertThat(leap.ageOn(LocalDate.of(2016, 2, 28))).isEqualTo(15);
    assertThat(leap.ageOn(LocalDate.of(2016, 2, 29))).isEqualTo(16);
    assertThat(leap.ageOn(LocalDate.of(2017, 2, 28))).isEqualTo(16);
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(delimiter = '|', value = {
      "''                    | ID number is empty",
      "1101051949123100      | must have 18 characters (or 15 for a legacy number), got 16",
      "1101051949123100211   | must have 18 characters (or 15 for a legacy number), got 19",
      "11010519491231A02X    | character 15 must be a digit, got 'A'",
      "11010519491231002Y    | check character must be a digit or X, got 'Y'",
      "110105194912310021    | check character is wrong: expected X, got 1",
      "99010519491231002X    | region code (its first six digits) is not a Chinese region",
      "110105194902300021    | birth date (its digits 7 to 14) is not a real date",
      "110105187001010021    | birth date (its digits 7 to 14) is before 1880",
      "11010549023000A       | legacy 15-digit ID number character 15 must be a digit",
      "110105490230002       | birth date (its digits 7 to 12) is not a real date",
  })
  void saysWhatIsWrong(String input, String message) {
    assertThatThrownBy(() -> IdNumber.parse(input))
        .isInstanceOf(InvalidIdNumberException.class)
        .hasMessageContaining(message)
        // which part is wrong, never the number's region or birth date: the message reaches reports and logs
        .satisfies(e -> {
          if (input.length() >= 14) {
            assertThat(e.getMessage()).doesNotContain(input.substring(0, 6)).doesNotContain(input.substring(6, 14));
          }
        });
  }

  @Test
  void nullIsMissing() {
    assertThatThrownBy(() -> IdNumber.parse(null)).hasMessage("ID number is missing");
  }

  /** Full-width digits and X, as a Chinese input method or a spreadsheet writes them, are the same number. */
  @Test
  void fullWidthDigitsAreTheSameNumber() {
    assertThat(IdNumber.parse("１１０１０５１９４９１２３１００２Ｘ").value()).isEqualTo(IdNumber.parse("11010519491231002X").value());
  }
}
