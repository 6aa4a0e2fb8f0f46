package cn.liangxian.gateway.channel.unionpay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SettlementFileTest {
  /** A line of the detail file: each field padded to its width and followed by one space. */
  static String line(String txnType, String amount, String queryId, String orderId) {
    String[] f = new String[SettlementFile.WIDTHS.length];
    Arrays.fill(f, "");
    f[0] = txnType.equals("04") ? "S30" : "S22";
    f[SettlementFile.AMOUNT] = amount;
    f[SettlementFile.QUERY_ID] = queryId;
    f[SettlementFile.ORDER_ID] = orderId;
    f[SettlementFile.TXN_TYPE] = txnType;
    f[SettlementFile.MER_ID] = "777290058110048";
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < f.length; i++) {
      sb.append(String.format("%-" + SettlementFile.WIDTHS[i] + "s", f[i])).append(' ');
    }
    return sb.toString();
  }

  @Test
  void readsPaymentsAndRefunds() {
    SettlementFile file = SettlementFile.parse(line("01", "000000025000", "Q1", "LX1") + "\n" + line("04", "000000005000", "Q2", "R1"));
    assertThat(file.rows()).hasSize(2);
    assertThat(file.rows().get(0).amountFen()).isEqualTo(25000);
    assertThat(file.rows().get(0).refund()).isFalse();
    assertThat(file.rows().get(0).problem()).isNull();
    assertThat(file.rows().get(1).refund()).isTrue();
    assertThat(file.rows().get(1).orderId()).isEqualTo("R1");
  }

  @Test
  void aLineCutShortOrWithABadAmountOrAnUnknownCodeIsKeptWithWhatIsWrongNotTheWholeFileRefused() {
    String good = line("01", "000000025000", "Q1", "LX1");
    SettlementFile file = SettlementFile.parse(String.join("\n", good, good.substring(0, 40), line("01", "00000002500X", "Q3", "LX3"),
        line("71", "000000025000", "Q4", "LX4")));
    assertThat(file.rows()).hasSize(4);
    assertThat(file.rows().get(0).problem()).isNull();
    assertThat(file.rows().get(1).problem()).isEqualTo("settlement line 2 is too short");
    assertThat(file.rows().get(2).problem()).contains("line 3").contains("00000002500X");
    assertThat(file.rows().get(2).orderId()).isEqualTo("LX3");
    assertThat(file.rows().get(3).problem()).contains("'71'");
  }
}
