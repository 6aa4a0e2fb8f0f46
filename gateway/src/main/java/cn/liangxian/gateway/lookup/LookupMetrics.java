package cn.liangxian.gateway.lookup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Lookups by outcome: found or not found. Low cardinality by design. */
public final class LookupMetrics {
  private final Counter found;
  private final Counter notFound;

  public LookupMetrics(MeterRegistry registry) {
    this.found = Counter.builder("liangxian_lookups").tag("outcome", "found").register(registry);
    this.notFound = Counter.builder("liangxian_lookups").tag("outcome", "not-found").register(registry);
  }

  void lookup(String outcome) {
    (outcome.equals("found") ? found : notFound).increment();
  }
}
