package cn.liangxian.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    // a refusal that took the mark exactly is at it
    String atTheMark = besideABuild().replace("|     1,405 |     1,405 |       108", "|     1,405 |     1,405 |     1,200");
    assertThat(LatencyMark.read(atTheMark, 1200).atOrOverMark()).isEqualTo(6 + 376);
    String underIt = besideABuild().replace("|     1,405 |     1,405 |       108", "|     1,405 |     1,405 |     1,199");
    assertThat(LatencyMark.read(underIt, 1200).atOrOverMark()).isEqualTo(6);
  }

  @Test
  void theCommandExitsAsTheRunScriptReadsIt(@TempDir Path dir) throws IOException {
    Path held = Files.writeString(dir.resolve("held.txt"), besideABuild());
    Path failed = Files.writeString(dir.resolve("failed.txt"), besideABuild().replace(
        "> OK: t >= 1200 ms                                                                                            6 ", "> OK: t >= 1200 ms  500 "));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertThat(LatencyMark.run(new String[] {held.toString(), "1200"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8))).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("latency.atOrOverMark=6", "latency.p99UnderMark=true");
    assertThat(LatencyMark.run(new String[] {failed.toString(), "1200"}, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(new ByteArrayOutputStream()))).isEqualTo(1);
    // what it cannot tell is neither held nor failed: no range at the mark, no file, no number, no arguments
    for (String[] args : new String[][] {{held.toString(), "1000"}, {dir.resolve("missing.txt").toString(), "1000"},
        {held.toString(), "a second"}, {}}) {
      err.reset();
      assertThat(LatencyMark.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8)))
          .as(String.join(" ", args)).isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8)).isNotBlank();
    }
  }

  @Test
  void theSummaryReadsWhatTheCommandWrites(@TempDir Path run) throws IOException {
    LatencyMark.Counts c = LatencyMark.read(besideABuild(), 1200);
    Files.writeString(run.resolve("baselines.properties"), "profile=short\npersons=10\ncores=2\ngatling.status=0\n"
        + String.join("\n", LatencyMark.properties(c)) + "\nlatency.status=0\n");
    assertThat(Summary.of(run)).contains("p99 under 1,200 ms, counted: 6 of 42,668 requests (0.01%) took 1,200 ms or more, at most 426"
        + " may: held", "assertions (p99, error share): held");
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
