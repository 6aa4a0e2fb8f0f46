package cn.liangxian.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The knee read from scrapes of the gateway's metrics: each level judged on what was paid, how fast, and what failed. */
class KneeTest {
  @TempDir
  Path run;

  /** A scrape as run.sh writes it: the counters so far, the answers' buckets, and the CPU ticks by class. */
  static List<String> scrape(double paid, double fast, double slow, double refused, double errors, long gatewayTicks,
      long gatlingTicks) {
    List<String> l = new ArrayList<>();
    l.add("# TYPE liangxian_payments_total counter");
    l.add("liangxian_payments_total{channel=\"wechat\",outcome=\"paid\"} " + paid * 0.6);
    l.add("liangxian_payments_total{channel=\"alipay\",outcome=\"paid\"} " + paid * 0.4);
    l.add("liangxian_payments_total{channel=\"wechat\",outcome=\"duplicate\"} " + paid * 10);
    String order = "code=\"201\",method=\"POST\",route=\"/api/v1/orders\"";
    l.add("vertx_http_server_response_time_seconds_bucket{" + order + ",le=\"0.1\"} " + fast);
    l.add("vertx_http_server_response_time_seconds_bucket{" + order + ",le=\"1.0\"} " + fast);
    l.add("vertx_http_server_response_time_seconds_bucket{" + order + ",le=\"5.0\"} " + (fast + slow));
    l.add("vertx_http_server_response_time_seconds_bucket{" + order + ",le=\"+Inf\"} " + (fast + slow));
    l.add("vertx_http_server_response_time_seconds_count{" + order + "} " + (fast + slow));
    // held status requests and refusals are slow or many, and count in neither the latency nor the errors' share
    String held = "code=\"200\",method=\"GET\",route=\"/api/v1/orders/:id\"";
    l.add("vertx_http_server_response_time_seconds_bucket{" + held + ",le=\"5.0\"} 0");
    l.add("vertx_http_server_response_time_seconds_bucket{" + held + ",le=\"+Inf\"} " + paid);
    l.add("vertx_http_server_response_time_seconds_count{" + held + "} " + paid);
    String shed = "code=\"503\",method=\"POST\",route=\"/api/v1/orders (turned away)\""; // turned away at the door
    l.add("vertx_http_server_response_time_seconds_bucket{" + shed + ",le=\"0.1\"} " + refused);
    l.add("vertx_http_server_response_time_seconds_bucket{" + shed + ",le=\"+Inf\"} " + refused);
    l.add("vertx_http_server_response_time_seconds_count{" + shed + "} " + refused);
    l.add("vertx_http_server_response_time_seconds_count{code=\"500\",method=\"POST\",route=\"/api/v1/orders\"} " + errors);
    l.add("# cpu eventLoops " + gatewayTicks);
    l.add("# cpu gatling " + gatlingTicks);
    return l;
  }

  @Test
  void aLevelIsServedWhenItsJourneysArePaidFastAndWithoutErrors() {
    Knee.Scrape a = Knee.parse(0, scrape(0, 0, 0, 0, 0, 0, 0));
    Knee.Scrape b = Knee.parse(10_000, scrape(200, 1000, 5, 50, 0, 500, 100));
    Knee.Level l = Knee.level(1, 20, a, b, 100, 1000, 1);
    assertThat(l.paidPerSecond()).isEqualTo(20.0);
    assertThat(l.p99Ms()).as("1,000 of 1,005 answers within 100 ms; the slow held requests do not count").isEqualTo(100);
    assertThat(l.requests()).isEqualTo(1005 + 200 + 50);
    assertThat(l.errors()).as("refusals are 5xx too").isEqualTo(50);
    assertThat(l.cpuMsPerJourney()).containsEntry("eventLoops", 25.0).containsEntry("gatling", 5.0);
    assertThat(l.served()).as("4% of the answers refused").isFalse();

    Knee.Level calm = Knee.level(1, 20, a, Knee.parse(10_000, scrape(200, 1000, 5, 0, 0, 500, 100)), 100, 1000, 1);
    assertThat(calm.served()).isTrue();
    Knee.Level slow = Knee.level(1, 20, a, Knee.parse(10_000, scrape(200, 900, 100, 0, 0, 500, 100)), 100, 1000, 1);
    assertThat(slow.p99Ms()).isEqualTo(5000);
    assertThat(slow.served()).isFalse();
    Knee.Level unpaid = Knee.level(1, 20, a, Knee.parse(10_000, scrape(170, 1000, 0, 0, 0, 500, 100)), 100, 1000, 1);
    assertThat(unpaid.served()).as("17 paid a second of 20 offered").isFalse();
    assertThat(Knee.level(1, 20, a, Knee.parse(10_000, scrape(185, 1000, 0, 0, 0, 500, 100)), 100, 1000, 1).served())
        .as("18.5 of 20: the few with nothing left to pay order nothing").isTrue();
  }

  @Test
  void theKneeIsTheLastLevelOfTheFirstUnbrokenSeriesServed() throws Exception {
    Files.writeString(run.resolve("baselines.properties"), "knee.step=10\nknee.levels=4\nknee.levelSeconds=30\nknee.rampSeconds=3\n"
        + "clockTicks=100\np99Ms=1000\nmaxErrorPercent=1\n");
    long start = 1_000_000;
    Files.writeString(run.resolve("start.txt"), Long.toString(start));
    Files.createDirectories(run.resolve("scrapes"));
    // levels of 10, 20, 30, 40 journeys/s: the first two paid in full, the third at 25/s, the fourth at 40/s again
    double[] paidPerSecond = {10, 20, 25, 40};
    double paid = 0;
    long t = start;
    for (int level = 0; level < 4; level++) {
      for (int s = 0; s < 33; s += 2) {
        long at = start + level * 33_000L + s * 1000L;
        if (at > t) {
          paid += paidPerSecond[level] * (at - t) / 1000.0;
          t = at;
        }
        Files.write(run.resolve("scrapes/" + at + ".prom"), scrape(paid, paid * 5, 0, 0, 0, (long) paid, (long) paid / 10),
            StandardCharsets.UTF_8);
      }
    }
    List<Knee.Level> levels = Knee.levels(run);
    assertThat(levels).hasSize(4);
    assertThat(levels).extracting(Knee.Level::served).containsExactly(true, true, false, true);
    assertThat(Knee.knee(levels)).isEqualTo(2);
    assertThat(levels.get(1).paidPerSecond()).isEqualTo(20.0);

    Knee.main(new String[] {run.toString()});
    assertThat(Files.readString(run.resolve("knee.properties"))).contains("knee.journeysPerSecond=20", "knee.gatlingShare=0.0");
    assertThat(Files.readString(run.resolve("knee.txt"))).contains("(not served)");
  }
}
