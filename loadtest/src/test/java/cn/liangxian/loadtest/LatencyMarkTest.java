package cn.liangxian.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LatencyMarkTest {
  /** Gatling's console summary of a short run beside a build: its t-digest read a p99 of 1,002 ms. */
  static String besideABuild() throws IOException {
    try (InputStream in = LatencyMarkTest.class.getResourceAsStream("/gatling-console/beside-a-build.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void theCountsAtTheMarkAreReadFromTheLastSummary() throws IOException {
    // an earlier block (a progress report) never counts: only the last summary
    String console = "---- Global Information --------|\n> request count | 1 | 1 | -\n> OK: t >= 1200 ms 1\n" + besideABuild();
    LatencyMark.Counts c = LatencyMark.read(console, 1200);
    assertThat(c.requests()).isEqualTo(42_668);
    assertThat(c.failed()).isEqualTo(376);
    assertThat(c.slowestFailedMs()).isEqualTo(108);
    assertThat(c.answeredAtOrOverMark()).isEqualTo(6);
    // the failed ones were all answered within 108 ms: none of them counts as slow
    assertThat(c.atOrOverMark()).isEqualTo(6);
    assertThat(c.p99UnderMark()).isTrue();
    assertThat(LatencyMark.properties(c)).contains("latency.atOrOverMark=6", "latency.p99UnderMark=true");
  }

  @Test
  void moreThanOneRequestInAHundredAtTheMarkFails() throws IOException {
    // 426 of 42,668 is the most a p99 under the mark allows (nearest rank); one more is too many
    String held = besideABuild().replace("> OK: t >= 1200 ms                                                                                            6 ",
        "> OK: t >= 1200 ms  426 ");
    assertThat(LatencyMark.read(held, 1200).p99UnderMark()).isTrue();
    String failed = held.replace("t >= 1200 ms  426 ", "t >= 1200 ms  427 ");
    assertThat(LatencyMark.read(failed, 1200).atOrOverMark()).isEqualTo(427);
    assertThat(LatencyMark.read(failed, 1200).p99UnderMark()).isFalse();
  }

  @Test
  void failedRequestsCountAsSlowWhenTheSlowestOfThemReachedTheMark() throws IOException {
    String slowFailures = besideABuild().replace("|     1,405 |     1,405 |       108", "|     1,405 |     1,405 |     1,300");
    LatencyMark.Counts c = LatencyMark.read(slowFailures, 1200);
    assertThat(c.atOrOverMark()).isEqualTo(6 + 376);
    assertThat(c.p99UnderMark()).isTrue();
    assertThat(LatencyMark.read(slowFailures.replace("|       376\n", "|       500\n"), 1200).p99UnderMark()).isFalse();
  }

  @Test
  void aRunWithoutFailuresReadsItsDash() {
    String console = """
        ---- Global Information ---------------------------------|---Total---|-----OK----|----KO----
        > request count                                          |    43,851 |    43,851 |         -
        > max response time (ms)                                 |       301 |       301 |         -
        ---- Response Time Distribution -------------------------
        > OK: t < 500 ms                                              43,851   (100%)
        > OK: 500 ms <= t < 1000 ms                                        0     (0%)
        > OK: t >= 1000 ms                                                 0     (0%)
        > KO                                                               0     (0%)
        """;
    LatencyMark.Counts c = LatencyMark.read(console, 1000);
    assertThat(c.failed()).isZero();
    assertThat(c.atOrOverMark()).isZero();
    assertThat(c.p99UnderMark()).isTrue();
  }

  @Test
  void aSummaryWithoutARangeAtTheMarkIsAnErrorThatSaysHowToGetOne() throws IOException {
    assertThatThrownBy(() -> LatencyMark.read(besideABuild(), 1000)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no range at 1000 ms").hasMessageContaining("-Dgatling.charting.indicators.higherBound=1000");
    assertThatThrownBy(() -> LatencyMark.read("Simulation crashed", 1000)).hasMessageContaining("no \"Global Information\"");
  }
}
