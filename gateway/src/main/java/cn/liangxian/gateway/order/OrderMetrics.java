package cn.liangxian.gateway.order;

import io.micrometer.core.instrument.MeterRegistry;

/** Orders created, in conflict and expired, by channel and region. No IDs in labels. */
public final class OrderMetrics {
  private final MeterRegistry registry;

  public OrderMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void created(String channel, String region) {
    // "_created" would read as a counter's creation time in OpenMetrics: events carry their kind in a label
    registry.counter("liangxian_order_events", "event", "created", "channel", channel, "region", region).increment();
  }

  public void conflict() {
    registry.counter("liangxian_order_conflicts").increment();
  }

  public void expired(String channel) {
    registry.counter("liangxian_order_events", "event", "expired", "channel", channel, "region", "").increment();
  }
}
