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
  void textASpreadsheetWouldRunAsAFormulaIsKeptAsText() {
    assertThat(CsvLines.line("=HYPERLINK(\"http://x\",\"点这里\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"))
        .isEqualTo("\"'=HYPERLINK(\"\"http://x\"\",\"\"点这里\"\")\",'+1+1,'-2+3,'@SUM(A1),'\tx,\"'\rx\"\n");
    // numbers, as numbers or as text, and text that only holds such a character later, are left as they are
    assertThat(CsvLines.line(-36000L, "-1.50", "+3", "a=b", "张-三", "", "2020-01-15T10:00:00Z"))
        .isEqualTo("-36000,-1.50,+3,a=b,张-三,,2020-01-15T10:00:00Z\n");
    // a lone sign is no number, and could start a formula
    assertThat(CsvLines.line("-")).isEqualTo("'-\n");
    // a file a program reads keeps every field exactly
    assertThat(CsvLines.field("=1+1")).isEqualTo("=1+1");
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
