package cn.liangxian.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import cn.liangxian.gateway.support.TestGateway;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** An instance whose clock is off the database's shows by how much, for the alert on it. */
class ClockSkewTest {
  @Test
  void aClockBehindTheDatabasesShowsAPositiveSkew() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (TestGateway g = new TestGateway()) {
      Pool pool = PgBuilder.pool().connectingTo(g.db.connectOptions(1)).using(vertx).build();
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      // the embedded database runs on this machine's clock: an instance 90 s behind it
      ClockSkew skew = new ClockSkew(pool, Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-90)), registry);
      assertThat(registry.scrape()).contains("liangxian_clock_skew_seconds NaN");
      double s = skew.measure().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      // within the round trip, however slow the machine: it is half of it at most
      assertThat(s).isCloseTo(90, within(5.0));
      assertThat(registry.get("liangxian_clock_skew_seconds").gauge().value()).isEqualTo(s);
      pool.close();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
