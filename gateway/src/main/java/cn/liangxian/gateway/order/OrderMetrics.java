package cn.liangxian.gateway.order;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Orders created, in conflict and expired, by channel and region. No IDs in labels. */
public final class OrderMetrics {
  private static final Logger LOG = LoggerFactory.getLogger(OrderMetrics.class);
  private final MeterRegistry registry;

  /** Every series exists from the start (at 0), so a new deployment's dashboards read 0, not "No data". */
  public OrderMetrics(MeterRegistry registry, Collection<String> regions) {
    this.registry = registry;
    registry.counter("liangxian_order_conflicts");
    for (String channel : List.of("wechat", "alipay", "unionpay")) {
      regions.forEach(region -> registry.counter("liangxian_order_events", "event", "created", "channel", channel, "region", region));
      registry.counter("liangxian_order_events", "event", "expired", "channel", channel, "region", "");
      registry.counter("liangxian_order_events", "event", "stranded", "channel", channel, "region", "");
    }
  }

  public void created(String channel, String region) {
    // "_created" would read as a counter's creation time in OpenMetrics: events carry their kind in a label
    registry.counter("liangxian_order_events", "event", "created", "channel", channel, "region", region).increment();
  }

  public void conflict() {
    registry.counter("liangxian_order_conflicts").increment();
  }

  /**
   * An order left without its payment by an instance that stopped while making it, given up ({@code Orders.PREPARE_AT_MOST})
   * by the sweep or by a repeat of its request, which then makes it again: logged and counted together, wherever.
   */
  public void stranded(UUID order, String channel, boolean madeAgain) {
    LOG.warn("order {} was stranded without its payment for over {}; given up{}", order, Orders.PREPARE_AT_MOST,
        madeAgain ? " and made again" : "");
    registry.counter("liangxian_order_events", "event", "stranded", "channel", channel, "region", "").increment();
  }

  public void expired(String channel) {
    registry.counter("liangxian_order_events", "event", "expired", "channel", channel, "region", "").increment();
  }
}
