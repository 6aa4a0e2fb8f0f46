package cn.liangxian.gateway.handoff;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hand-off's meters: per-instance counters of answers and retries (summed over instances), and the
 * outbox gauges (pending, oldest pending age, refused and unresolved) computed by PostgreSQL on the
 * sweeper leader, as the other deployment-wide gauges are.
 */
public final class HandoffMetrics {
  private static final List<String> ANSWERS = List.of("accepted", "duplicate", "refused", "filed", "failed");

  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong oldestSeconds = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final Counter retried;
  private final Map<String, Counter> answers = new ConcurrentHashMap<>();
  private final Map<String, Counter> roundFailures = new ConcurrentHashMap<>();
  private final MeterRegistry registry;

  public HandoffMetrics(MeterRegistry registry, List<String> receivers) {
    this.registry = registry;
    Gauge.builder("liangxian_handoff_pending", pending, AtomicLong::get)
        .description("contribution and reversal records not yet acknowledged by their receiver").register(registry);
    Gauge.builder("liangxian_handoff_oldest_pending_seconds", oldestSeconds, AtomicLong::get)
        .description("seconds the oldest record not yet acknowledged is past its due time: at once for a receiver pushed to,"
            + " ten minutes after its Beijing day for one given daily files (alert past an hour)").register(registry);
    Gauge.builder("liangxian_handoff_refused_open", refused, AtomicLong::get)
        .description("records a receiver refused that no operator has resolved yet").register(registry);
    retried = Counter.builder("liangxian_handoff_retried_total").description("records sent again after no answer")
        .register(registry);
    // counters exist at 0 from start-up with their known labels
    for (String r : receivers) {
      ANSWERS.forEach(a -> answer(r, a, 0));
      roundFailures.put(r, Counter.builder("liangxian_handoff_round_failures_total")
          .description("delivery rounds of a receiver that failed before any record went out (records not claimed, a daily"
              + " file not written): its records wait until a round succeeds")
          .tag("receiver", r).register(registry));
    }
  }

  void roundFailed(String receiver) {
    Counter c = roundFailures.get(receiver);
    if (c != null) {
      c.increment();
    }
  }

  void answer(String receiver, String answer, int n) {
    answers.computeIfAbsent(receiver + "/" + answer, k -> Counter.builder("liangxian_handoff_records_total")
        .description("records answered by their receiver (filed: written to its daily file; failed: not reached)")
        .tag("receiver", receiver).tag("answer", answer).register(registry)).increment(n);
  }

  void retried(int n) {
    retried.increment(n);
  }

  Future<Void> observe(HandoffStore store, String[] filed, OffsetDateTime now) {
    return store.gauges(filed).map(r -> {
      pending.set(r.getLong("pending"));
      OffsetDateTime oldest = r.getOffsetDateTime("oldest");
      oldestSeconds.set(oldest == null ? 0 : Math.max(0, Duration.between(oldest, now).toSeconds()));
      refused.set(r.getLong("refused"));
      return null;
    });
  }
}
