package cn.liangxian.gateway.order;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.db.Database;
import cn.liangxian.gateway.support.Plans;
import cn.liangxian.gateway.support.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Reads made for every order find its rows by index, not by reading tables that grow with every order ever made: the
 * refunds shown with each status answer, and the Idempotency-Key freed when an order's channel call fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrderReadsIndexedTest {
  static final String ORDER = "'5b1f1d2e-6c3a-4f0e-9a55-0c2a8f1e7d10'::uuid";
  Database db;

  @BeforeAll
  void start() throws Exception {
    db = TestGateway.migratedDatabase("order_plans_" + ProcessHandle.current().pid());
  }

  @AfterAll
  void stop() {
    db.close();
  }

  @Test
  void anOrdersViewReadsItsRefundsByIndex() throws Exception {
    // not a scan of refund_pkey with a filter either: the index on the order
    assertThat(Plans.of(db, OrderView.SQL, ORDER)).noneMatch(l -> l.contains("Seq Scan")).anyMatch(l -> l.contains("refund_order"));
  }

  @Test
  void freeingAnOrdersKeyFindsItByIndex() throws Exception {
    assertThat(Plans.of(db, OrderStore.FORGET_KEY, ORDER)).noneMatch(l -> l.contains("Seq Scan"))
        .anyMatch(l -> l.contains("idempotency_key_order"));
  }
}
