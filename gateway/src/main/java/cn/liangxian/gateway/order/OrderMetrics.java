package cn.liangxian.gateway.order;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Orders created, paid, expired, refunded by channel and region, and the amount paid. No IDs in labels. */
public final class OrderMetrics {
  private final MeterRegistry registry;

  public OrderMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void created(String channel, String region) {
    // "_created" would read as a counter's creation time in OpenMetrics: events carry their kind in a label
    registry.counter("liangxian_order_events", "event", "created", "channel", channel, "region", region).increment();
  }

  void conflict() {
    registry.counter("liangxian_order_conflicts").increment();
  }

  void expired(String channel) {
    registry.counter("liangxian_order_events", "event", "expired", "channel", channel, "region", "").increment();
  }

  void payment(String channel, OrderService.PaymentOutcome outcome, long fen) {
    registry.counter("liangxian_payments", "channel", channel, "outcome", outcome.name().toLowerCase()).increment();
    if (outcome == OrderService.PaymentOutcome.PAID) {
      Counter.builder("liangxian_paid_fen").tag("channel", channel).register(registry).increment(fen);
    }
  }
}
