package cn.liangxian.gateway.payment;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Payments applied by channel and outcome, and the amount paid. No IDs in labels. */
public final class PaymentMetrics {
  private final MeterRegistry registry;

  public PaymentMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void payment(String channel, PaymentOutcome outcome, long fen) {
    registry.counter("liangxian_payments", "channel", channel, "outcome", outcome.name().toLowerCase()).increment();
    if (outcome == PaymentOutcome.PAID) {
      Counter.builder("liangxian_paid_fen").tag("channel", channel).register(registry).increment(fen);
    }
  }

  void refused(String channel, String reason) {
    registry.counter("liangxian_callbacks_refused", "channel", channel, "reason", reason).increment();
  }
}
