package cn.liangxian.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.loadtest.ProbeWindows.Probe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeWindowsTest {
  // the overload profile's phases: calm from 10 s, burst from 35 s, after it from 100 s, load over at 160 s
  static final int CALM = 10;
  static final int BURST = 35;
  static final int AFTER = 100;
  static final int END = 160;

  /** A probe a second from {@code from} to {@code to}, each taking {@code took} seconds. */
  static List<Probe> steady(int from, int to, double took) {
    List<Probe> l = new ArrayList<>();
    for (int t = from; t < to; t++) {
      l.add(new Probe(t + 0.5, 200, took));
    }
    return l;
  }

  @Test
  void aSingleLateOutlierDoesNotMoveTheReadingButALastingSlowdownDoes() {
    List<Probe> probes = new ArrayList<>(steady(CALM, BURST, 0.022)); // the mark: 50 ms (twice 22 is less)
    probes.addAll(steady(BURST, AFTER, 0.300));
    probes.addAll(steady(AFTER, END, 0.004));
    probes.add(new Probe(AFTER + 45.2, 200, 0.072)); // one probe over the mark, in the fifth window
    assertThat(ProbeWindows.backAfterBurst(probes, CALM, BURST, AFTER, END)).contains(0);

    List<Probe> slowFirst = new ArrayList<>(probes);
    slowFirst.removeIf(x -> x.at() >= AFTER && x.at() < AFTER + 20);
    slowFirst.addAll(steady(AFTER, AFTER + 20, 0.120)); // two windows still slow after the burst
    assertThat(ProbeWindows.backAfterBurst(slowFirst, CALM, BURST, AFTER, END)).contains(20);
  }

  @Test
  void aRefusedProbeOrASlowLastWindowMeansNotBack() {
    List<Probe> probes = new ArrayList<>(steady(CALM, BURST, 0.040)); // the mark: 80 ms
    probes.addAll(steady(AFTER, END, 0.010));
    probes.add(new Probe(AFTER + 52, 503, 0.001));
    assertThat(ProbeWindows.backAfterBurst(probes, CALM, BURST, AFTER, END)).isEmpty();
    probes.removeIf(x -> x.status() != 200);
    assertThat(ProbeWindows.backAfterBurst(probes, CALM, BURST, AFTER, END)).contains(0);
    probes.addAll(steady(AFTER + 50, END, 0.500));
    assertThat(ProbeWindows.backAfterBurst(probes, CALM, BURST, AFTER, END)).isEmpty();
  }

  @Test
  void theRunsFilesAreReadAsTheScriptWritesThem(@TempDir Path run) throws Exception {
    long start = 1_796_285_000_000L;
    StringBuilder probe = new StringBuilder();
    for (Probe x : steady(CALM, END, 0.004)) {
      probe.append(String.format(java.util.Locale.ROOT, "%.6f %d %.6f%n", start / 1000.0 + x.at(), x.status(), x.took()));
    }
    probe.append(String.format(java.util.Locale.ROOT, "%.6f 200 0.400000%n", start / 1000.0 + AFTER + 15.5));
    Files.writeString(run.resolve("probe.txt"), probe);
    Files.writeString(run.resolve("start.txt"), Long.toString(start));
    Files.writeString(run.resolve("overload-phases.properties"), "calmFrom=" + CALM + "\nburstFrom=" + BURST + "\nafterFrom=" + AFTER
        + "\nend=" + END + "\n");
    // the window 10-20 s holds 11 probes, one slow: its p90 (the 9th of 11) is fast still
    assertThat(ProbeWindows.backAfterBurst(run)).contains(0);
    Files.writeString(run.resolve("baselines.properties"), "profile=overload\npersons=10\ncores=2\ngatling.status=0\n"
        + "overload.admitted.requests=5000\noverload.admitted.p99Ms=895\noverload.refused.requests=3000\noverload.refused.p99Ms=1\n"
        + "overload.callbacks.shed=0\noverload.probe.idleMs=5\noverload.probe.normalMs=8\noverload.probe.refusedBeforeBurst=0\n"
        + "overload.backToNormalSeconds=15.5\noverload.backToIdleSeconds=15.5\n");
    assertThat(Summary.of(run)).contains("by 10 s windows (p90 within the same mark, none refused): back in the window starting 0 s"
        + " after the burst");
  }
}
