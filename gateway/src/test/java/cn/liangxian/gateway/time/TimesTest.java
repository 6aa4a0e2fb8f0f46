package cn.liangxian.gateway.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

/** Every time an answer writes has its seconds, on the minute too, in the zone its readers expect. */
class TimesTest {
  @Test
  void aMomentOnTheMinuteKeepsItsSeconds() {
    OffsetDateTime onTheMinute = OffsetDateTime.parse("2019-12-15T02:00:00Z");
    assertThat(onTheMinute.toString()).as("what toString() writes, and a strict reader refuses").isEqualTo("2019-12-15T02:00Z");
    assertThat(UtcTime.iso(onTheMinute)).isEqualTo("2019-12-15T02:00:00Z");
    assertThat(BeijingTime.iso(onTheMinute)).isEqualTo("2019-12-15T10:00:00+08:00");
  }

  @Test
  void operatorsKeepTheFractionResidentsGetWholeSeconds() {
    OffsetDateTime t = OffsetDateTime.parse("2019-12-15T10:00:07.123456+08:00");
    assertThat(UtcTime.iso(t)).isEqualTo("2019-12-15T02:00:07.123456Z");
    assertThat(BeijingTime.iso(t)).isEqualTo("2019-12-15T10:00:07+08:00");
    assertThat(UtcTime.iso(null)).isNull();
    assertThat(BeijingTime.iso(null)).isNull();
  }
}
