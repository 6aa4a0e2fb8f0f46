package cn.liangxian.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.time.api.Dates;

class IdNumberProperties {

  record Parts(String region, LocalDate birth, int seq) {}

  @Provide
  Arbitrary<Parts> parts() {
    Arbitrary<String> region = Arbitraries.of("110105", "371312", "370405", "370404", "431103", "320682", "650102");
    Arbitrary<LocalDate> birth = Dates.dates().between(LocalDate.of(1900, 1, 1), LocalDate.of(2025, 12, 31));
    Arbitrary<Integer> seq = Arbitraries.integers().between(0, 999);
    return Combinators.combine(region, birth, seq).as(Parts::new);
  }

  @Property
  void roundTrips(@ForAll("parts") Parts p) {
    String text = Ids.id(p.region(), p.birth().toString(), p.seq());
    IdNumber id = IdNumber.parse(text);
    assertThat(id.value()).isEqualTo(text);
    assertThat(IdNumber.parse(text.toLowerCase()).value()).isEqualTo(text);
    assertThat(id.birthDate()).isEqualTo(p.birth());
    assertThat(id.regionCode()).isEqualTo(p.region());
    assertThat(id.sex()).isEqualTo(p.seq() % 2 == 1 ? Sex.MALE : Sex.FEMALE);
  }

  @Property
  void legacyNumbersConvertToTheSameEighteenDigitNumber(@ForAll("parts") Parts p) {
    LocalDate birth = LocalDate.of(1900 + p.birth().getYear() % 100, p.birth().getMonthValue(),
        Math.min(p.birth().getDayOfMonth(), 28));
    String eighteen = Ids.id(p.region(), birth.toString(), p.seq());
    String fifteen = eighteen.substring(0, 6) + eighteen.substring(8, 17);
    assertThat(IdNumber.parse(fifteen).value()).isEqualTo(eighteen);
  }

  @Property
  void anySingleDigitChangeIsDetected(
      @ForAll("parts") Parts p, @ForAll @IntRange(min = 0, max = 16) int position, @ForAll @IntRange(min = 1, max = 9) int delta) {
    String text = Ids.id(p.region(), p.birth().toString(), p.seq());
    char changed = (char) ('0' + (text.charAt(position) - '0' + delta) % 10);
    String mistyped = text.substring(0, position) + changed + text.substring(position + 1);
    assertThatThrownBy(() -> IdNumber.parse(mistyped)).isInstanceOf(InvalidIdNumberException.class);
  }

  @Property
  void aChangedCheckCharacterIsDetected(@ForAll("parts") Parts p, @ForAll @IntRange(min = 0, max = 10) int other) {
    String text = Ids.id(p.region(), p.birth().toString(), p.seq());
    char replacement = "0123456789X".charAt(other);
    if (replacement != text.charAt(17)) {
      assertThatThrownBy(() -> IdNumber.parse(text.substring(0, 17) + replacement))
          .isInstanceOf(InvalidIdNumberException.class)
          .hasMessageContaining("check character is wrong");
    }
  }
}
