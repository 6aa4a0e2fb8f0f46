package cn.liangxian.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MoneyTest {

  @ParameterizedTest
  @CsvSource({"0,0", "0.01,1", "0.1,10", "0.10,10", "250,25000", "250.00,25000", "12.3,1230", "9999999.99,999999999",
      "0.07,7", "1.15,115"})
  void yuanStringsAreExactFen(String yuan, long fen) {
    assertThat(Money.yuanToFen(yuan)).isEqualTo(fen);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-1.00", "1.001", "1e2", "01.00", " 1.00", "1,00", "abc", ".5", "1."})
  void anythingElseIsRefused(String yuan) {
    assertThatThrownBy(() -> Money.yuanToFen(yuan)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({"0,0.00", "1,0.01", "10,0.10", "25000,250.00", "1230,12.30", "115,1.15"})
  void fenAsYuan(long fen, String yuan) {
    assertThat(Money.fenToYuan(fen)).isEqualTo(yuan);
    assertThat(Money.yuanToFen(Money.fenToYuan(fen))).isEqualTo(fen);
  }
}
