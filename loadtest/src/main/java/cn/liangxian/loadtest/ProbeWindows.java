package cn.liangxian.loadtest;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * How soon after an overload run's burst the probe's lookups were back to the latency they had under the same load
 * before it, read by 10 s windows: from the first window after which every window's p90 is within the mark (twice the
 * slowest probe of the calm before the burst, at least 50 ms) and no probe was refused. The run script's own reading,
 * the last single probe over the mark, is moved to the end of the phase by one late outlier (a pause of a few tens
 * of milliseconds while the leader counts the progress gauges); this one says when the latency came back.
 *
 * <p>Reads the run's {@code probe.txt} (a line a probe: epoch seconds, status, seconds taken), {@code start.txt}
 * (the injection's start, epoch milliseconds) and {@code overload-phases.properties} (where each phase starts,
 * seconds after it).
 */
final class ProbeWindows {
  static final int WINDOW_SECONDS = 10;
  static final double LEAST_MARK_SECONDS = 0.05;

  private ProbeWindows() {}

  /** A probe: seconds after the injection's start, its status, and the seconds it took. */
  record Probe(double at, int status, double took) {}

  /** Seconds after the burst's end at which the window the latency came back in starts; empty when it never did. */
  static Optional<Integer> backAfterBurst(Path run) throws IOException {
    Path probes = run.resolve("probe.txt");
    Path start = run.resolve("start.txt");
    Path phases = run.resolve("overload-phases.properties");
    if (!Files.exists(probes) || !Files.exists(start) || !Files.exists(phases)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(phases, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    double startSeconds = Long.parseLong(Files.readString(start).strip()) / 1000.0;
    List<Probe> all = new ArrayList<>();
    for (String line : Files.readAllLines(probes, StandardCharsets.UTF_8)) {
      String[] f = line.strip().split("\\s+");
      if (f.length == 3) {
        all.add(new Probe(Double.parseDouble(f[0]) - startSeconds, Integer.parseInt(f[1]), Double.parseDouble(f[2])));
      }
    }
    return backAfterBurst(all, seconds(p, "calmFrom"), seconds(p, "burstFrom"), seconds(p, "afterFrom"), seconds(p, "end"));
  }

  private static int seconds(Properties p, String key) {
    String v = p.getProperty(key);
    if (v == null) {
      throw new IllegalArgumentException("overload-phases.properties has no " + key);
    }
    return Integer.parseInt(v.strip());
  }

  /** As above, from the probes and the phases: the calm from {@code calmFrom} to {@code burstFrom}, the after-phase from {@code afterFrom} to {@code end}. */
  static Optional<Integer> backAfterBurst(List<Probe> probes, int calmFrom, int burstFrom, int afterFrom, int end) {
    double mark = LEAST_MARK_SECONDS;
    for (Probe x : probes) {
      if (x.at() >= calmFrom && x.at() < burstFrom) {
        mark = Math.max(mark, 2 * x.took());
      }
    }
    TreeMap<Integer, List<Probe>> windows = new TreeMap<>();
    for (Probe x : probes) {
      if (x.at() >= afterFrom && x.at() < end) {
        windows.computeIfAbsent((int) ((x.at() - afterFrom) / WINDOW_SECONDS), k -> new ArrayList<>()).add(x);
      }
    }
    if (windows.isEmpty()) {
      return Optional.empty();
    }
    Integer back = null;
    for (var w : windows.descendingMap().entrySet()) {
      if (!within(w.getValue(), mark)) {
        break;
      }
      back = w.getKey() * WINDOW_SECONDS;
    }
    return Optional.ofNullable(back);
  }

  /** No probe of the window refused, and its p90 (as {@code probe-windows.txt} reads it) within the mark. */
  private static boolean within(List<Probe> window, double mark) {
    if (window.stream().anyMatch(x -> x.status() != 200)) {
      return false;
    }
    double[] took = window.stream().mapToDouble(Probe::took).sorted().toArray();
    int i = Math.max(1, (int) (took.length * 0.9));
    return took[i - 1] <= mark;
  }
}
