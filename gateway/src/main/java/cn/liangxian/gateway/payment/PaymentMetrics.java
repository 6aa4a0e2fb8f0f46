package cn.liangxian.gateway.payment;

import cn.liangxian.gateway.channel.alipay.AlipayNotification;
import cn.liangxian.gateway.channel.unionpay.UnionPayNotification;
import cn.liangxian.gateway.channel.wechat.Notification;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** Payments applied by channel and outcome, and the amount paid. No IDs in labels. */
public final class PaymentMetrics {
  private final MeterRegistry registry;

  /** With the regions served: their payments counted from the start, each region's throughput on the dashboards. */
  public PaymentMetrics(MeterRegistry registry, java.util.Collection<String> regions) {
    this.registry = registry;
    regions.forEach(r -> byRegion.computeIfAbsent(r, this::regionCounters));
    // every series exists from the start: a new deployment's dashboards read 0, not "No data"
    for (String channel : List.of("wechat", "alipay", "unionpay")) {
      for (PaymentOutcome o : PaymentOutcome.values()) {
        registry.counter("liangxian_payments", "channel", channel, "outcome", o.name().toLowerCase());
      }
      Counter.builder("liangxian_paid_fen").tag("channel", channel).register(registry);
      refusals(channel).forEach(reason -> registry.counter("liangxian_callbacks_refused", "channel", channel, "reason", reason));
      for (StrandedReason r : StrandedReason.values()) {
        stranded(channel, r);
      }
      strandedFen(channel);
    }
  }

  /** Verified payments their order could not take, refunded by themselves: one series per channel and reason. */
  private Counter stranded(String channel, StrandedReason reason) {
    return Counter.builder("liangxian_stranded_payments").tag("channel", channel).tag("reason", reason.code())
        .description("verified payments their order could not take (another amount or channel, an order no longer paying),"
            + " refunded automatically").register(registry);
  }

  private Counter strandedFen(String channel) {
    return Counter.builder("liangxian_stranded_fen").tag("channel", channel)
        .description("money (fen) of verified payments their order could not take, refunded automatically").register(registry);
  }

  void stranded(String channel, StrandedReason reason, long fen) {
    stranded(channel, reason).increment();
    strandedFen(channel).increment(fen);
  }

  /** Why Callbacks refuses a notification of this channel: its verification's rejections, then the payment's. */
  private static Stream<String> refusals(String channel) {
    Stream<String> unverified = switch (channel) {
      // a refund notified verified at another amount than asked (AMOUNT_MISMATCH), and WeChat Pay's posts to a merchant's
      // path this deployment does not have (UNKNOWN_MERCHANT)
      case "wechat" -> Stream.concat(Arrays.stream(Notification.Rejection.values()).map(Enum::name),
          Stream.of("WRONG_MERCHANT", "WRONG_CURRENCY", "AMOUNT_MISMATCH", "UNKNOWN_MERCHANT"));
      case "unionpay" -> Stream.concat(Arrays.stream(UnionPayNotification.Rejection.values()).map(Enum::name),
          Stream.of("WRONG_MERCHANT", "AMOUNT_MISMATCH")).distinct();
      default -> Arrays.stream(AlipayNotification.Rejection.values()).map(Enum::name);
    };
    // a verified payment of another amount is no refusal: it is recorded and refunded (liangxian_stranded_payments)
    return Stream.concat(unverified, Stream.of(PaymentOutcome.UNKNOWN_ORDER.name(), "MALFORMED"))
        .map(String::toLowerCase);
  }

  void payment(String channel, PaymentOutcome outcome, long fen, String region) {
    registry.counter("liangxian_payments", "channel", channel, "outcome", outcome.name().toLowerCase()).increment();
    if (outcome == PaymentOutcome.PAID) {
      Counter.builder("liangxian_paid_fen").tag("channel", channel).register(registry).increment(fen);
      if (region != null) {
        RegionCounters c = byRegion.computeIfAbsent(region, this::regionCounters);
        c.payments().increment();
        c.fen().increment(fen);
      }
    }
  }

  /** A region's two counters, made once: a payment only finds them. */
  private record RegionCounters(Counter payments, Counter fen) {}

  private final java.util.Map<String, RegionCounters> byRegion = new java.util.concurrent.ConcurrentHashMap<>();

  /** A region's orders paid and their money: throughput by region, as progress is counted by region. */
  private RegionCounters regionCounters(String region) {
    return new RegionCounters(
        Counter.builder("liangxian_region_payments").tag("region", region).description("orders paid, by the order's region")
            .register(registry),
        Counter.builder("liangxian_region_paid_fen").tag("region", region)
            .description("money (fen) paid for orders, by the order's region").register(registry));
  }

  void refused(String channel, String reason) {
    registry.counter("liangxian_callbacks_refused", "channel", channel, "reason", reason).increment();
  }
}
