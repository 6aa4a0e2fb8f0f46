package cn.liangxian.loadtest;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The knee of the pay path: {@code loadtest/run.sh knee} offers journeys in levels of a fixed step more each
 * and scrapes the gateway's metrics (with the CPU of each process, by thread) every two seconds; this reads
 * the scrapes level by level, judges each, and names the last level of the run's first unbroken series
 * that the gateway still served: the journeys paid at 90% of the rate offered or more, the answers it
 * admitted (held status requests left out) with a p99 under the pass mark, and under 1% of them 5xx.
 *
 * <pre>java -cp loadtest.jar cn.liangxian.loadtest.Knee &lt;run folder&gt;</pre>
 * writes {@code knee.txt} (the table) and {@code knee.properties} (the knee, read by {@link Summary}).
 */
public final class Knee {
  /** Seconds at the start of each level left out: the ramp to it and the queues it leaves settle first. */
  static final int SETTLE_SECONDS = 5;
  /**
   * The share of the journeys offered that end in a payment when all are served: a resident whose household
   * has nothing left to pay (paid already, or paid for by the government) orders nothing, about one in twenty.
   */
  static final double PAID_SHARE = 0.9;

  /** One scrape: when, the metrics' samples (name with labels → value), and CPU ticks by process or thread class. */
  record Scrape(long atMillis, Map<String, Double> samples, Map<String, Long> cpuTicks) {}

  /** One level as measured. */
  record Level(int number, double offered, double seconds, double paidPerSecond, double p99Ms, long requests, long errors,
      Map<String, Double> cpuMsPerJourney, boolean served) {}

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*\\})?) (\\S+)$");
  private static final Pattern LE = Pattern.compile("le=\"([^\"]*)\"");

  private Knee() {}

  /** A scrape file: Prometheus' text format, and {@code # cpu <class> <ticks>} lines. */
  static Scrape parse(long atMillis, List<String> lines) {
    Map<String, Double> samples = new HashMap<>();
    Map<String, Long> cpu = new TreeMap<>();
    for (String line : lines) {
      if (line.startsWith("# cpu ")) {
        String[] f = line.substring(6).trim().split("\\s+");
        if (f.length == 2) {
          cpu.merge(f[0], Long.parseLong(f[1]), Long::sum);
        }
        continue;
      }
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line.strip());
      if (m.matches()) {
        try {
          samples.put(m.group(1), Double.parseDouble(m.group(2)));
        } catch (NumberFormatException e) {
          // NaN or the like: not one we read
        }
      }
    }
    return new Scrape(atMillis, samples, cpu);
  }

  /** An answer counted in the level's latency: not a refusal, not a held status request, not the scrape itself. */
  static boolean admittedAnswer(String series) {
    return !series.contains("code=\"503\"") && !series.contains("route=\"/api/v1/orders/:id\"")
        && !series.contains("route=\"/metrics\"");
  }

  /** The sum of every sample of a metric whose labels contain all of {@code labels}. */
  static double sum(Map<String, Double> samples, String metric, String... labels) {
    double s = 0;
    outer:
    for (Map.Entry<String, Double> e : samples.entrySet()) {
      String k = e.getKey();
      if (!(k.equals(metric) || k.startsWith(metric + "{"))) {
        continue;
      }
      for (String l : labels) {
        if (!k.contains(l)) {
          continue outer;
        }
      }
      s += e.getValue();
    }
    return s;
  }

  /** One level between two scrapes: the rate offered, the pass mark for p99 and for the error share (%). */
  static Level level(int number, double offered, Scrape a, Scrape b, double hz, double p99MarkMs, double maxErrorPercent) {
    double seconds = (b.atMillis() - a.atMillis()) / 1000.0;
    double paid = sum(b.samples(), "liangxian_payments_total", "outcome=\"paid\"")
        - sum(a.samples(), "liangxian_payments_total", "outcome=\"paid\"");
    // the admitted answers' latency: buckets merged over routes and codes, as the difference of the two scrapes
    TreeMap<Double, Double> buckets = new TreeMap<>();
    long requests = 0;
    long errors = 0;
    for (Map.Entry<String, Double> e : b.samples().entrySet()) {
      String k = e.getKey();
      double before = a.samples().getOrDefault(k, 0.0);
      if (k.startsWith("vertx_http_server_response_time_seconds_bucket{") && admittedAnswer(k)) {
        Matcher le = LE.matcher(k);
        if (le.find()) {
          double bound = le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
          buckets.merge(bound, e.getValue() - before, Double::sum);
        }
      } else if (k.startsWith("vertx_http_server_response_time_seconds_count{") && !k.contains("route=\"/metrics\"")) {
        long n = Math.round(e.getValue() - before);
        requests += n;
        if (k.matches(".*code=\"5\\d\\d\".*")) {
          errors += n;
        }
      }
    }
    double p99Ms = p99Ms(buckets);
    Map<String, Double> cpu = new TreeMap<>();
    for (Map.Entry<String, Long> e : b.cpuTicks().entrySet()) {
      long ticks = e.getValue() - a.cpuTicks().getOrDefault(e.getKey(), 0L);
      cpu.put(e.getKey(), paid > 0 ? ticks * 1000.0 / hz / paid : 0);
    }
    boolean served = paid / seconds >= PAID_SHARE * offered && p99Ms <= p99MarkMs
        && (requests == 0 || 100.0 * errors / requests < maxErrorPercent);
    return new Level(number, offered, seconds, paid / seconds, p99Ms, requests, errors, cpu, served);
  }

  /** The smallest bucket bound under which 99% of the answers fall (in ms), or infinity. */
  static double p99Ms(TreeMap<Double, Double> cumulative) {
    Double total = cumulative.get(Double.POSITIVE_INFINITY);
    if (total == null || total <= 0) {
      return 0;
    }
    for (Map.Entry<Double, Double> e : cumulative.entrySet()) {
      if (e.getValue() >= 0.99 * total) {
        return e.getKey() * 1000;
      }
    }
    return Double.POSITIVE_INFINITY;
  }

  /** The last level of the first unbroken series of levels served, or 0 when the first was not. */
  static int knee(List<Level> levels) {
    int knee = 0;
    for (Level l : levels) {
      if (!l.served()) {
        break;
      }
      knee = l.number();
    }
    return knee;
  }

  /** A run's scrapes ({@code scrapes/<epoch ms>.prom}), oldest first. */
  static List<Scrape> scrapes(Path run) throws IOException {
    List<Scrape> scrapes = new ArrayList<>();
    try (Stream<Path> files = Files.list(run.resolve("scrapes"))) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".prom")).toList()) {
        String name = f.getFileName().toString();
        scrapes.add(parse(Long.parseLong(name.substring(0, name.length() - ".prom".length())),
            Files.readAllLines(f, StandardCharsets.UTF_8)));
      }
    }
    scrapes.sort((x, y) -> Long.compare(x.atMillis(), y.atMillis()));
    return scrapes;
  }

  /** The run's properties (baselines.properties). */
  static Properties baselines(Path run) throws IOException {
    return properties(run.resolve("baselines.properties"));
  }

  /** A properties file of a run, read as UTF-8. */
  static Properties properties(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    return p;
  }

  /** The levels of a run folder: its start, its schedule (baselines.properties) and its scrapes. */
  static List<Level> levels(Path run) throws IOException {
    Properties b = baselines(run);
    long start = Long.parseLong(Files.readString(run.resolve("start.txt")).strip());
    double step = Double.parseDouble(b.getProperty("knee.step"));
    int count = Integer.parseInt(b.getProperty("knee.levels"));
    int levelSeconds = Integer.parseInt(b.getProperty("knee.levelSeconds"));
    int rampSeconds = Integer.parseInt(b.getProperty("knee.rampSeconds"));
    double hz = Double.parseDouble(b.getProperty("clockTicks", "100"));
    double p99Mark = Double.parseDouble(b.getProperty("p99Ms", "1000"));
    double maxErrors = Double.parseDouble(b.getProperty("maxErrorPercent", "1"));
    List<Scrape> scrapes = scrapes(run);
    List<Level> levels = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long from = start + i * (levelSeconds + rampSeconds) * 1000L + SETTLE_SECONDS * 1000L;
      long to = start + (i * (levelSeconds + rampSeconds) + levelSeconds) * 1000L;
      Scrape a = scrapes.stream().filter(s -> s.atMillis() >= from).findFirst().orElse(null);
      Scrape z = null;
      for (Scrape s : scrapes) {
        if (s.atMillis() <= to) {
          z = s;
        }
      }
      if (a == null || z == null || z.atMillis() - a.atMillis() < 5000) {
        break; // the run ended (or was cut short) before this level was measured
      }
      levels.add(level(i + 1, step * (i + 1), a, z, hz, p99Mark, maxErrors));
    }
    return levels;
  }

  /** The table as printed, and the properties {@link Summary} reads. */
  static String table(List<Level> levels) {
    StringBuilder sb = new StringBuilder();
    List<String> classes = levels.isEmpty() ? List.of() : List.copyOf(levels.get(0).cpuMsPerJourney().keySet());
    sb.append(String.format(Locale.ROOT, "  %5s %8s %8s %8s %9s %7s  %s%n", "level", "offered", "paid/s", "p99 ms", "requests",
        "5xx", "CPU ms per journey: " + String.join(" / ", classes)));
    for (Level l : levels) {
      StringBuilder cpu = new StringBuilder();
      for (String c : classes) {
        cpu.append(cpu.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%.2f", l.cpuMsPerJourney().getOrDefault(c, 0.0)));
      }
      sb.append(String.format(Locale.ROOT, "  %5d %8.0f %8.1f %8s %,9d %,7d  %s%s%n", l.number(), l.offered(), l.paidPerSecond(),
          Double.isInfinite(l.p99Ms()) ? "inf" : String.format(Locale.ROOT, "%.0f", l.p99Ms()), l.requests(), l.errors(), cpu,
          l.served() ? "" : "  (not served)"));
    }
    return sb.toString();
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 1 || !Files.isDirectory(Path.of(args[0]))) {
      System.err.println("usage: Knee <run folder>");
      System.exit(2);
    }
    Path run = Path.of(args[0]);
    List<Level> levels = levels(run);
    int knee = knee(levels);
    double kneeRate = knee == 0 ? 0 : levels.get(knee - 1).offered();
    Files.writeString(run.resolve("knee.txt"), table(levels), StandardCharsets.UTF_8);
    StringBuilder p = new StringBuilder("knee.journeysPerSecond=" + (long) kneeRate + "\n");
    if (knee > 0) {
      Level k = levels.get(knee - 1);
      // the load generator's share of the machine at the knee: the ceiling is the rest of it
      double all = k.cpuMsPerJourney().values().stream().mapToDouble(Double::doubleValue).sum();
      double gatling = k.cpuMsPerJourney().getOrDefault("gatling", 0.0);
      p.append(String.format(Locale.ROOT, "knee.gatlingShare=%.3f%n", all > 0 ? gatling / all : 0));
      for (Map.Entry<String, Double> e : k.cpuMsPerJourney().entrySet()) {
        p.append(String.format(Locale.ROOT, "knee.cpu.%s.msPerJourney=%.3f%n", e.getKey(), e.getValue()));
      }
    }
    Files.writeString(run.resolve("knee.properties"), p.toString(), StandardCharsets.UTF_8);
    System.out.print(table(levels));
    System.out.println("  knee: " + (knee == 0 ? "not reached (the first level was not served)" : (long) kneeRate + " journeys/s (level " + knee + ")"));
  }
}
