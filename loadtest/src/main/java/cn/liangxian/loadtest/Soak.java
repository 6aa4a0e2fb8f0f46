package cn.liangxian.loadtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Whether the gateway holds steady over a long window: {@code loadtest/run.sh soak} keeps journeys and
 * checking families at one rate for {@code SOAK_MINUTES} and scrapes the gateway's metrics every 15 s,
 * with what {@code /proc} and PostgreSQL tell of it, and a full collection ({@code jcmd GC.run}) at each
 * window's end, so that the heap read then is what is still referenced. This reads the scrapes window by
 * window and judges two things:
 * <ul>
 *   <li>every window is served as a level of the knee is ({@link Knee#level}): its journeys paid at the
 *       rate offered, p99 of the admitted answers under the pass mark, under the error share in 5xx;</li>
 *   <li>nothing grows once the run has settled (from the end of the window that reaches a third of the
 *       hold, when the process' caches have had time to fill, to the end): the heap after a full
 *       collection, the files and connections it opened itself (its callers' left out), threads and the
 *       database connections.</li>
 * </ul>
 *
 * <pre>java -cp loadtest.jar cn.liangxian.loadtest.Soak &lt;run folder&gt;</pre>
 * writes {@code soak.txt} (the table) and {@code soak.properties} ({@code soak.steady} and why not), read by
 * {@link Summary}; exits 1 when the run was not steady.
 */
public final class Soak {
  /** Heap after a full collection may grow by this share of what it was, plus {@link #HEAP_SLACK_MIB}, and no more. */
  static final double HEAP_GROWTH = 0.25;
  static final double HEAP_SLACK_MIB = 64;
  static final int FDS_SLACK = 32;
  static final int THREADS_SLACK = 16;
  static final int CONNECTIONS_SLACK = 4;
  private static final double MIB = 1024 * 1024;

  /**
   * One window: its level as the knee reads it, and what the process held. {@code liveHeapMiB} is the heap
   * after the full collection at the window's end (NaN when it was not taken); the others are the most seen
   * in the window's scrapes, but RSS, cached households, orders waiting for payment and hand-offs pending,
   * which are as they stood at its end. {@code fds} are the process' own open files and connections: those of
   * its callers ({@code inbound}, as many as the load generator keeps open) left out.
   */
  record Window(int number, double fromMinute, double toMinute, Knee.Level level, double liveHeapMiB, double rssMiB,
      int fds, int inbound, int threads, int connections, double cachedHouseholds, double ordersPaying, double handoffsPending) {}

  /** The verdict, with a line for each thing that broke it. */
  record Verdict(boolean steady, List<String> reasons) {}

  private Soak() {}

  /**
   * The hold's windows, {@code windowMinutes} each from {@code holdFrom} (epoch ms), as many as the scrapes
   * cover: a window needs two scrapes 5 s or more apart within it.
   */
  static List<Window> windows(List<Knee.Scrape> scrapes, long holdFrom, int holdMinutes, int windowMinutes, double offered,
      double hz, double p99MarkMs, double maxErrorPercent) {
    List<Window> windows = new ArrayList<>();
    int count = Math.max(1, (int) Math.ceil((double) holdMinutes / windowMinutes));
    for (int i = 0; i < count; i++) {
      long from = holdFrom + i * windowMinutes * 60_000L;
      long to = Math.min(holdFrom + (i + 1) * windowMinutes * 60_000L, holdFrom + holdMinutes * 60_000L);
      List<Knee.Scrape> in = scrapes.stream().filter(s -> s.atMillis() >= from && s.atMillis() <= to).toList();
      if (in.size() < 2 || in.get(in.size() - 1).atMillis() - in.get(0).atMillis() < 5000) {
        break; // the run ended (or was cut short) before this window was measured
      }
      Knee.Scrape a = in.get(0);
      Knee.Scrape z = in.get(in.size() - 1);
      // the full collection at the window's end: the first one taken from a scrape's period before it on
      double live = scrapes.stream().filter(s -> s.atMillis() >= to - 20_000 && gauge(s, "loadtest_full_gc") > 0)
          .findFirst().map(Soak::liveHeap).orElse(Double.NaN);
      windows.add(new Window(i + 1, (from - holdFrom) / 60_000.0, (to - holdFrom) / 60_000.0,
          Knee.level(i + 1, offered, a, z, hz, p99MarkMs, maxErrorPercent), live / MIB, gauge(z, "loadtest_gateway_rss_bytes") / MIB,
          (int) in.stream().mapToDouble(s -> gauge(s, "loadtest_gateway_fds") - gauge(s, "loadtest_gateway_inbound_connections")).max()
              .orElse(0), (int) most(in, "loadtest_gateway_inbound_connections"), (int) most(in, "loadtest_gateway_threads"),
          (int) most(in, "loadtest_postgres_connections"), Knee.sum(z.samples(), "cache_size", "cache=\"household_answers\""),
          gauge(z, "liangxian_orders_paying"), gauge(z, "liangxian_handoff_pending")));
    }
    return windows;
  }

  /** The heap still referenced after a full collection: the collector's live data where it gives it, else the heap used. */
  static double liveHeap(Knee.Scrape s) {
    double live = gauge(s, "jvm_gc_live_data_size_bytes");
    return live > 0 ? live : Knee.sum(s.samples(), "jvm_memory_used_bytes", "area=\"heap\"");
  }

  private static double gauge(Knee.Scrape s, String metric) {
    return Knee.sum(s.samples(), metric);
  }

  private static double most(List<Knee.Scrape> scrapes, String metric) {
    return scrapes.stream().mapToDouble(s -> gauge(s, metric)).max().orElse(0);
  }

  /**
   * Steady: every window served, and from the end of the window that reaches a third of the hold (the
   * baseline) to the last, no growth past the slack of the heap after a full collection, open files,
   * threads and database connections. Fewer than three windows, or none reaching a third of the hold, judge only
   * the first.
   */
  static Verdict judge(List<Window> windows, int holdMinutes) {
    List<String> reasons = new ArrayList<>();
    if (windows.isEmpty()) {
      return new Verdict(false, List.of("no window was measured (the run ended before the hold)"));
    }
    for (Window w : windows) {
      Knee.Level l = w.level();
      if (!l.served()) {
        reasons.add(String.format(Locale.ROOT, "window %d (minutes %.0f-%.0f) not served: %.1f paid/s of %.0f offered, p99 %s ms,"
            + " %d of %d answers 5xx", w.number(), w.fromMinute(), w.toMinute(), l.paidPerSecond(), l.offered(), ms(l.p99Ms()),
            l.errors(), l.requests()));
      }
    }
    // a run cut short before a third of its hold has nothing settled to compare
    Window base = windows.size() < 3 ? null
        : windows.stream().filter(w -> w.toMinute() >= holdMinutes / 3.0).findFirst().orElse(null);
    Window last = windows.get(windows.size() - 1);
    if (base != null && base != last) {
      if (Double.isNaN(base.liveHeapMiB()) || Double.isNaN(last.liveHeapMiB())) {
        reasons.add("the heap after a full collection was not read at the end of window " + base.number() + " or of the last");
      } else if (last.liveHeapMiB() > base.liveHeapMiB() * (1 + HEAP_GROWTH) + HEAP_SLACK_MIB) {
        reasons.add(String.format(Locale.ROOT, "the heap after a full collection grew from %.0f MiB (end of window %d) to %.0f MiB",
            base.liveHeapMiB(), base.number(), last.liveHeapMiB()));
      }
      int laterConnections = windows.stream().filter(w -> w.number() > base.number()).mapToInt(Window::connections).max().orElse(0);
      grew(reasons, "open files and connections of its own", base.fds(), last.fds(), FDS_SLACK, base.number());
      grew(reasons, "threads", base.threads(), last.threads(), THREADS_SLACK, base.number());
      grew(reasons, "database connections", base.connections(), laterConnections, CONNECTIONS_SLACK, base.number());
    }
    return new Verdict(reasons.isEmpty(), reasons);
  }

  private static void grew(List<String> reasons, String what, int from, int to, int slack, int baseWindow) {
    if (to > from + slack) {
      reasons.add(String.format(Locale.ROOT, "%s grew from %d (window %d) to %d, more than %d", what, from, baseWindow, to, slack));
    }
  }

  private static String ms(double ms) {
    return Double.isInfinite(ms) ? "inf" : String.format(Locale.ROOT, "%.0f", ms);
  }

  /** The table as printed. */
  static String table(List<Window> windows) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "  %-9s %7s %8s %7s %6s %9s %7s %5s %7s %7s %7s %9s %8s %9s  %s%n", "minutes", "paid/s",
        "answers", "p99 ms", "5xx", "live heap", "RSS", "fds", "callers", "threads", "PG conn", "kept hh.", "paying", "hand-offs",
        "CPU ms a journey: gateway / PostgreSQL"));
    for (Window w : windows) {
      Knee.Level l = w.level();
      Map<String, Double> cpu = l.cpuMsPerJourney();
      double gateway = cpu.entrySet().stream().filter(e -> Summary.GATEWAY_THREADS.contains(e.getKey()))
          .mapToDouble(Map.Entry::getValue).sum();
      sb.append(String.format(Locale.ROOT, "  %3.0f-%-5.0f %7.1f %,8d %7s %,6d %9s %7.0f %5d %7d %7d %7d %,9.0f %,8.0f %,9.0f  %.1f / %.1f%s%n",
          w.fromMinute(), w.toMinute(), l.paidPerSecond(), l.requests(), ms(l.p99Ms()), l.errors(),
          Double.isNaN(w.liveHeapMiB()) ? "-" : String.format(Locale.ROOT, "%.0f MiB", w.liveHeapMiB()), w.rssMiB(), w.fds(),
          w.inbound(), w.threads(), w.connections(), w.cachedHouseholds(), w.ordersPaying(), w.handoffsPending(), gateway,
          cpu.getOrDefault("postgres", 0.0), l.served() ? "" : "  (not served)"));
    }
    return sb.toString();
  }

  /** The verdict as printed, from soak.properties: steady, or each reason it was not. */
  static String verdict(Properties soak) {
    StringBuilder sb = new StringBuilder(Boolean.parseBoolean(soak.getProperty("soak.steady"))
        ? "  steady: every window served, nothing grew once settled\n" : "  NOT steady:\n");
    for (int i = 1; soak.containsKey("soak.reason." + i); i++) {
      sb.append("    ").append(soak.getProperty("soak.reason." + i)).append('\n');
    }
    return sb.toString();
  }

  /** Reads a run folder, writes soak.txt and soak.properties, and answers the verdict. */
  static Verdict run(Path run) throws IOException {
    Properties b = Knee.baselines(run);
    long start = Long.parseLong(Files.readString(run.resolve("start.txt")).strip());
    int holdMinutes = Integer.parseInt(b.getProperty("soak.minutes"));
    int windowMinutes = Integer.parseInt(b.getProperty("soak.windowMinutes"));
    long holdFrom = start + Long.parseLong(b.getProperty("soak.rampSeconds")) * 1000;
    List<Window> windows = windows(Knee.scrapes(run), holdFrom, holdMinutes, windowMinutes,
        Double.parseDouble(b.getProperty("journeys.perSecond")), Double.parseDouble(b.getProperty("clockTicks", "100")),
        Double.parseDouble(b.getProperty("p99Ms", "1000")), Double.parseDouble(b.getProperty("maxErrorPercent", "1")));
    Verdict v = judge(windows, holdMinutes);
    String table = table(windows);
    Files.writeString(run.resolve("soak.txt"), table, StandardCharsets.UTF_8);
    StringBuilder p = new StringBuilder("soak.steady=" + v.steady() + "\nsoak.windows=" + windows.size() + "\n");
    for (int i = 0; i < v.reasons().size(); i++) {
      p.append("soak.reason.").append(i + 1).append('=').append(v.reasons().get(i)).append('\n');
    }
    Files.writeString(run.resolve("soak.properties"), p.toString(), StandardCharsets.UTF_8);
    System.out.print(table + verdict(Knee.properties(run.resolve("soak.properties"))));
    return v;
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 1 || !Files.isDirectory(Path.of(args[0]))) {
      System.err.println("usage: Soak <run folder>");
      System.exit(2);
    }
    System.exit(run(Path.of(args[0])).steady() ? 0 : 1);
  }
}
