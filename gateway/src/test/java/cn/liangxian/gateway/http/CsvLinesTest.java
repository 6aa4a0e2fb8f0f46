package cn.liangxian.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The lines of operators' CSV files keep every field in its column, whatever it holds. */
class CsvLinesTest {
  @Test
  void aFieldWithACommaAQuoteOrALineBreakIsQuotedAndNullIsEmpty() {
    assertThat(CsvLines.line("paid-at-channel-not-here", null, 36000L, "failed: order 1, \"PAID\"\nagain"))
        .isEqualTo("paid-at-channel-not-here,,36000,\"failed: order 1, \"\"PAID\"\"\nagain\"\n");
    assertThat(CsvLines.line("黄阳司镇", "黄阳司村", 2)).isEqualTo("黄阳司镇,黄阳司村,2\n");
  }

  @Test
  void aRateIsWrittenWithAPointWhateverTheMachinesLocale() {
    Locale was = Locale.getDefault();
    try {
      Locale.setDefault(Locale.GERMANY);
      assertThat(CsvLines.rate(0.12345)).isEqualTo("0.1235");
      assertThat(CsvLines.rate(null)).isEmpty();
    } finally {
      Locale.setDefault(was);
    }
  }
}
