package cn.liangxian.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.TestGateway;
import org.junit.jupiter.api.Test;

/** A fresh deployment's dashboards read 0, not "No data": its counters exist before their first event. */
class CountersFromTheStartTest {
  @Test
  void everyCounterIsExportedAtZeroBeforeItsFirstEvent() throws Exception {
    try (TestGateway g = new TestGateway()) {
      assertThat(g.metrics()).contains(
          "liangxian_payments_total{channel=\"wechat\",outcome=\"paid\"} 0.0",
          "liangxian_payments_total{channel=\"alipay\",outcome=\"duplicate\"} 0.0",
          "liangxian_paid_fen_total{channel=\"wechat\"} 0.0",
          "liangxian_paid_fen_total{channel=\"alipay\"} 0.0",
          "liangxian_order_events_total{channel=\"alipay\",event=\"created\",region=\"371312\"} 0.0",
          "liangxian_order_events_total{channel=\"wechat\",event=\"expired\",region=\"\"} 0.0",
          "liangxian_callbacks_refused_total{channel=\"wechat\",reason=\"bad_signature\"} 0.0",
          "liangxian_callbacks_refused_total{channel=\"alipay\",reason=\"unknown_order\"} 0.0",
          // what an alert reads with increase(): its first one would be missed were the series made by it
          "liangxian_callbacks_refused_total{channel=\"wechat\",reason=\"amount_mismatch\"} 0.0",
          "liangxian_callbacks_refused_total{channel=\"unionpay\",reason=\"amount_mismatch\"} 0.0",
          "liangxian_callbacks_refused_total{channel=\"wechat\",reason=\"unknown_merchant\"} 0.0",
          "liangxian_kiosk_heartbeats_total{paper=\"ok\",printer=\"ok\",reader=\"ok\"} 0.0",
          "liangxian_kiosk_receipts_left_unprinted_total 0.0",
          // each region's throughput, from the start
          "liangxian_region_payments_total{region=\"371312\"} 0.0",
          "liangxian_region_paid_fen_total{region=\"371312\"} 0.0",
          // what OrdersStuckPaying measures an order's age against
          "liangxian_order_expiry_seconds 900.0");
    }
  }
}
