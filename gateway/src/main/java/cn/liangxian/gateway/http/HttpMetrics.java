package cn.liangxian.gateway.http;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import java.util.Set;

/** Route labels that name one route, and latency histograms for the dashboards' p50/p95/p99 (per route: low cardinality). */
public final class HttpMetrics {
  private HttpMetrics() {}

  /**
   * Bucket bounds of their own, in nanoseconds, for the marks the latency is judged by: 50 ms (a refusal's
   * answer under overload) and 1 s (an admitted answer's p99, the load test's pass mark). The generated
   * buckets either side of 1 s are 895 and 1,074 ms: without a bound at the mark, a p99 of 950 ms could
   * not be told from one of 1,050.
   */
  static final double[] MARKS_NANOS = {50e6, 1e9};

  /** The methods HTTP defines; any other a client makes up is counted as OTHER, not as a series of its own. */
  static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");

  /** The method as the meters label it: any other than HTTP's own is OTHER. */
  static String method(String name) {
    return METHODS.contains(name) ? name : "OTHER";
  }

  public static void histograms(MeterRegistry registry) {
    registry.config().meterFilter(MeterFilter.replaceTagValues("method", HttpMetrics::method));
    // the route that answered (HttpServerMeters keeps the last one a request passed through), "unmatched" for none
    registry.config().meterFilter(MeterFilter.replaceTagValues("route", route -> route.isEmpty() ? "unmatched" : route));
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (id.getName().equals("vertx.http.server.response.time")) {
          return DistributionStatisticConfig.builder().percentilesHistogram(true).minimumExpectedValue(1e6)
              .maximumExpectedValue(3e10).serviceLevelObjectives(MARKS_NANOS).build().merge(config);
        }
        return config;
      }
    });
  }
}
