package cn.liangxian.gateway.payment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

/** When a payment was made, from what the channel said and when the gateway heard of it. */
class PaidAtTest {
  static final OffsetDateTime NOW = OffsetDateTime.parse("2020-01-01T00:05:00+08:00");

  @Test
  void theChannelsMomentWhereItSaidOne() {
    assertThat(Payments.paidAt(NOW, LocalDate.parse("2019-12-31"), OffsetDateTime.parse("2019-12-31T23:59:30+08:00")).toInstant())
        .isEqualTo(OffsetDateTime.parse("2019-12-31T23:59:30+08:00").toInstant());
  }

  @Test
  void neverLaterThanNowWhenTheChannelsClockIsAhead() {
    assertThat(Payments.paidAt(NOW, null, NOW.plusMinutes(3))).isEqualTo(NOW);
  }

  @Test
  void aDayBookedBeforeTodayWithoutAMomentIsItsLastSecond() {
    assertThat(Payments.paidAt(NOW, LocalDate.parse("2019-12-31"), null).toInstant())
        .isEqualTo(OffsetDateTime.parse("2019-12-31T23:59:59+08:00").toInstant());
  }

  @Test
  void todayOrNothingSaidIsNow() {
    assertThat(Payments.paidAt(NOW, LocalDate.parse("2020-01-01"), null)).isEqualTo(NOW);
    assertThat(Payments.paidAt(NOW, null, null)).isEqualTo(NOW);
  }

  @Test
  void unionPaysTraceTimeIsReadInTheYearNearestToday() {
    // carried at 23:30 on 31 December, read on 2 January: last year's
    assertThat(cn.liangxian.gateway.channel.ChannelDays.ofTraceTime("1231233000", LocalDate.parse("2020-01-02")).toInstant())
        .isEqualTo(OffsetDateTime.parse("2019-12-31T23:30:00+08:00").toInstant());
    assertThat(cn.liangxian.gateway.channel.ChannelDays.ofTraceTime("0102080000", LocalDate.parse("2020-01-02")).toInstant())
        .isEqualTo(OffsetDateTime.parse("2020-01-02T08:00:00+08:00").toInstant());
    assertThat(cn.liangxian.gateway.channel.ChannelDays.ofTraceTime("1231246000", LocalDate.parse("2020-01-02"))).isNull();
    assertThat(cn.liangxian.gateway.channel.ChannelDays.ofTraceTime(null, LocalDate.parse("2020-01-02"))).isNull();
  }

  @Test
  void alipaysAndWechatsTimesAreRead() {
    assertThat(cn.liangxian.gateway.channel.ChannelDays.beijingTime("2019-12-31 23:59:30").toInstant())
        .isEqualTo(OffsetDateTime.parse("2019-12-31T23:59:30+08:00").toInstant());
    assertThat(cn.liangxian.gateway.channel.ChannelDays.beijingTime("yesterday")).isNull();
    assertThat(cn.liangxian.gateway.channel.ChannelDays.timestamp("2019-12-31T23:59:30+08:00").toInstant())
        .isEqualTo(OffsetDateTime.parse("2019-12-31T15:59:30Z").toInstant());
    assertThat(cn.liangxian.gateway.channel.ChannelDays.timestamp("")).isNull();
  }
}
