package cn.liangxian.gateway.lookup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Lookups by outcome: found or not found; and the answers found, by how they were made: kept (served again, to the
 * member who asked before or to another of the household) or assessed afresh. Low cardinality by design.
 */
public final class LookupMetrics {
  private final Counter found;
  private final Counter notFound;
  private final Counter kept;
  private final Counter assessed;

  public LookupMetrics(MeterRegistry registry) {
    this.found = Counter.builder("liangxian_lookups").tag("outcome", "found").register(registry);
    this.notFound = Counter.builder("liangxian_lookups").tag("outcome", "not-found").register(registry);
    String answers = "liangxian_lookup_answers";
    String about = "answers of the lookups that found a household: kept, or assessed afresh";
    this.kept = Counter.builder(answers).tag("answer", "kept").description(about).register(registry);
    this.assessed = Counter.builder(answers).tag("answer", "assessed").description(about).register(registry);
  }

  void notFound() {
    notFound.increment();
  }

  void found(boolean wasKept) {
    found.increment();
    (wasKept ? kept : assessed).increment();
  }
}
