package cn.liangxian.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import org.junit.jupiter.api.Test;

/** /metrics carries HTTP requests by route, method and status, the SQL pool, and the business counters; no personal data. */
class MetricsTest {

  @Test
  void prometheusMetricsByRouteWithLowCardinalityLabels() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway())) {
      g.lookup(Fixture.CHEN, "陈一");
      g.get("/api/v1/orders/" + java.util.UUID.randomUUID());
      // a method a client makes up is counted, but not as a series of its own: there could be any number of them
      int made = g.http.request(io.vertx.core.http.HttpMethod.valueOf("MADEUP42"), "/api/v1/lookup").send()
          .toCompletionStage().toCompletableFuture().get().statusCode();
      assertThat(made).isBetween(400, 499);
      // Vert.x counts a request once its answer is written, which may be after the client has it
      String metrics = Eventually.until("the 404 counted on /metrics", g::metrics,
          m -> m.contains("route=\"/api/v1/orders/:id\"") && m.contains("code=\"404\"") && m.contains("method=\"OTHER\""));
      assertThat(metrics).doesNotContain("MADEUP42");
      assertThat(metrics).contains("vertx_http_server_requests_total", "route=\"/api/v1/lookup\"", "method=\"POST\"",
          "code=\"200\"", "route=\"/api/v1/orders/:id\"", "code=\"404\"");
      assertThat(metrics).contains("vertx_pool_in_use", "pool_type=\"sql\"");
      // the latency histograms have bounds at the marks the load test judges by: 50 ms and 1 s
      assertThat(metrics.lines().filter(l -> l.startsWith("vertx_http_server_response_time_seconds_bucket{")
          && l.contains("route=\"/api/v1/lookup\""))).anyMatch(l -> l.contains("le=\"1.0\""))
          .anyMatch(l -> l.contains("le=\"0.05\""));
      assertThat(metrics).contains("liangxian_lookups_total{outcome=\"found\"}");
      // the console's queue dropped nothing (the tests log to the console directly: no queue, nothing dropped)
      assertThat(metrics.lines()).contains("liangxian_log_events_dropped_total 0.0");
      assertThat(metrics).doesNotContain(Fixture.CHEN, "陈一");
      assertThat(g.get("/health/ready").bodyAsJsonObject().getString("database")).isEqualTo("reachable");
      assertThat(g.get("/health/live").statusCode()).isEqualTo(200);
    }
  }
}
