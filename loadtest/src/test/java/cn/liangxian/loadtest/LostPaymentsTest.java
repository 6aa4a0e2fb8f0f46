package cn.liangxian.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LostPaymentsTest {
  static LostPayments.Confirmed paid(String no, long fen) {
    return new LostPayments.Confirmed("wechat", no, fen, 0);
  }

  static LostPayments.Recorded order(String no, String state, long fen, String... reasons) {
    return new LostPayments.Recorded(no, state, fen, List.of(reasons));
  }

  @Test
  void everyConfirmedPaymentPaidOrRefundedWithAReasonIsClean() {
    LostPayments.Result r = LostPayments.compare(List.of(paid("A", 100), paid("B", 200)),
        Map.of("A", order("A", "PAID", 100), "B", order("B", "REFUNDED", 200, "重复缴费"), "C", order("C", "EXPIRED", 300)));
    assertThat(r.clean()).isTrue();
    assertThat(r.confirmed()).isEqualTo(2);
    assertThat(r.matched()).isEqualTo(2);
  }

  @Test
  void aPaymentTheDatabaseDoesNotShowAsPaidIsLost() {
    LostPayments.Result r = LostPayments.compare(
        List.of(paid("A", 100), paid("B", 200), paid("C", 300), paid("D", 400), paid("E", 500)),
        Map.of("A", order("A", "PAYING", 100), "B", order("B", "EXPIRED", 200), "D", order("D", "PAID", 450),
            "E", order("E", "REFUNDED", 500, " ")));
    assertThat(r.clean()).isFalse();
    assertThat(r.matched()).isZero();
    assertThat(r.lost()).extracting(LostPayments.Problem::outTradeNo).containsExactlyInAnyOrder("A", "B", "C", "D", "E");
    assertThat(r.lost()).anySatisfy(p -> assertThat(p.what()).contains("no such order"));
    assertThat(r.lost()).anySatisfy(p -> assertThat(p.what()).contains("REFUNDED without a reason"));
    assertThat(r.lost()).anySatisfy(p -> assertThat(p.what()).contains("paid 400 fen but the order is for 450"));
  }

  @Test
  void aRefundStillOwedPastTheRecoveryWindowIsLostMoney() {
    LostPayments.Result r = LostPayments.compare(List.of(paid("A", 100)),
        Map.of("A", new LostPayments.Recorded("A", "REFUNDED", 100, List.of("paid after the order was cancelled"), 1)));
    assertThat(r.clean()).isFalse();
    assertThat(r.lost()).singleElement().satisfies(p -> assertThat(p.what()).contains("refund(s) owed past the recovery window"));
  }

  @Test
  void anOrderPaidInTheDatabaseThatNoChannelConfirmedIsReported() {
    LostPayments.Result r = LostPayments.compare(List.of(), Map.of("X", order("X", "PAID", 100)));
    assertThat(r.lost()).isEmpty();
    assertThat(r.unconfirmed()).extracting(LostPayments.Problem::outTradeNo).containsExactly("X");
    assertThat(r.clean()).isFalse();
  }
}
