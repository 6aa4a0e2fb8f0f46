package cn.liangxian.loadtest.checks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * What a fault did to the service, from a probe that kept asking through the balancer: per fault, the
 * probe's requests until the next fault, how many failed, and how long after the fault the last failure
 * was followed by a success (the time until the cluster served again).
 *
 * <pre>java -cp ... cn.liangxian.loadtest.checks.FaultTimeline &lt;events: "millis name" lines&gt; &lt;probe: "millis status" lines&gt;</pre>
 *
 * A fault is an event whose name starts with one of {@link #FAULTS}; other events are printed as they came.
 */
public final class FaultTimeline {
  static final List<String> FAULTS = List.of("SIGKILL", "SIGTERM", "primary");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  public record Event(long millis, String name) {}

  public record Probe(long millis, int status) {}

  /** One fault's window. recoveredAfterMillis: -1 when nothing failed, else from the fault to the first success after the last failure. */
  public record Window(Event fault, int requests, int failed, long recoveredAfterMillis) {}

  private FaultTimeline() {}

  public static List<Window> windows(List<Event> events, List<Probe> probes) {
    List<Event> faults = events.stream().filter(e -> FAULTS.stream().anyMatch(e.name()::startsWith)).toList();
    long last = Math.max(events.stream().mapToLong(Event::millis).max().orElse(0), probes.stream().mapToLong(Probe::millis).max().orElse(0));
    List<Window> out = new ArrayList<>();
    for (int i = 0; i < faults.size(); i++) {
      long from = faults.get(i).millis();
      long to = i + 1 < faults.size() ? faults.get(i + 1).millis() : last + 1;
      List<Probe> in = probes.stream().filter(p -> p.millis() >= from && p.millis() < to).toList();
      int failed = (int) in.stream().filter(p -> p.status() != 200).count();
      long recovered = -1;
      if (failed > 0) {
        long lastFailure = in.stream().filter(p -> p.status() != 200).mapToLong(Probe::millis).max().orElseThrow();
        recovered = in.stream().filter(p -> p.status() == 200 && p.millis() > lastFailure).mapToLong(Probe::millis).min()
            .orElse(to) - from;
      }
      out.add(new Window(faults.get(i), in.size(), failed, recovered));
    }
    return out;
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: FaultTimeline <events file> <probe file>");
      System.exit(2);
    }
    List<Event> events = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      int sp = line.indexOf(' ');
      if (sp > 0) {
        events.add(new Event(Long.parseLong(line.substring(0, sp)), line.substring(sp + 1)));
      }
    }
    List<Probe> probes = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[1]))) {
      String[] f = line.trim().split(" ");
      if (f.length == 2 && f[1].matches("\\d+")) {
        probes.add(new Probe(Long.parseLong(f[0]), Integer.parseInt(f[1])));
      }
    }
    long start = events.isEmpty() ? 0 : events.get(0).millis();
    for (Event e : events) {
      System.out.printf("  %s  +%6.1f s  %s%n", TIME.format(Instant.ofEpochMilli(e.millis())), (e.millis() - start) / 1000.0, e.name());
    }
    System.out.printf("%n  %-42s %9s %7s %s%n", "fault", "requests", "failed", "served again after");
    for (Window w : windows(events, probes)) {
      System.out.printf("  %-42s %9d %7d %s%n", w.fault().name(), w.requests(), w.failed(),
          w.recoveredAfterMillis() < 0 ? "no failure" : String.format("%.1f s", w.recoveredAfterMillis() / 1000.0));
    }
    long total = probes.size();
    long failed = probes.stream().filter(p -> p.status() != 200).count();
    System.out.printf("  probe in all: %d requests, %d failed (statuses other than 200: %s)%n", total, failed,
        probes.stream().filter(p -> p.status() != 200).map(p -> Integer.toString(p.status())).distinct().sorted().toList());
  }
}
