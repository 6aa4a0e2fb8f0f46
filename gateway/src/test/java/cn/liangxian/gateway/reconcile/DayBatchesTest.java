package cn.liangxian.gateway.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A busy day's payments booked in batches: every one in exactly one batch, in order, whatever the count. */
class DayBatchesTest {
  static List<String> ids(int n) {
    return IntStream.range(0, n).mapToObj(i -> "t" + i).toList();
  }

  static List<String> flat(List<String[]> batches) {
    return batches.stream().flatMap(java.util.Arrays::stream).toList();
  }

  @Test
  void noPaymentsNoStatement() {
    assertThat(Reconciliation.inBatches(List.of(), 3)).isEmpty();
  }

  @Test
  void aCountOnTheBoundaryFillsItsBatchesAndOneMoreOpensANewOne() {
    assertThat(Reconciliation.inBatches(ids(3), 3)).extracting(b -> b.length).containsExactly(3);
    assertThat(Reconciliation.inBatches(ids(4), 3)).extracting(b -> b.length).containsExactly(3, 1);
    assertThat(Reconciliation.inBatches(ids(6), 3)).extracting(b -> b.length).containsExactly(3, 3);
    assertThat(Reconciliation.inBatches(ids(2), 3)).extracting(b -> b.length).containsExactly(2);
  }

  @Test
  void aBillOfTheDayBatchSizeAndOneMoreBooksEveryPaymentOnce() {
    List<String> all = ids(Reconciliation.DAY_BATCH * 2 + 1);
    List<String[]> batches = Reconciliation.inBatches(all, Reconciliation.DAY_BATCH);
    assertThat(batches).extracting(b -> b.length).containsExactly(Reconciliation.DAY_BATCH, Reconciliation.DAY_BATCH, 1);
    assertThat(flat(batches)).isEqualTo(all);
  }
}
