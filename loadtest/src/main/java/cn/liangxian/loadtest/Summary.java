package cn.liangxian.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The table printed at the end of {@code loadtest/run.sh}: Gatling's per-request statistics (read from
 * its HTML report, the only place Gatling 3.15 writes them whole), the baselines, the gateway as a share
 * of each, the lost-payment check and what the sizing model makes of the measured rates.
 *
 * <pre>java -cp loadtest.jar cn.liangxian.loadtest.Summary &lt;run folder&gt;</pre>
 */
public final class Summary {
  /**
   * Signatures made and checked on this machine per journey: the gateway signs its prepay request and
   * the sandbox checks it, the sandbox signs its answer and the gateway checks it, the sandbox signs the
   * notification and the gateway checks it (a mini-program order adds the gateway's pay-sign).
   */
  static final double SIGNS_PER_JOURNEY = 3;
  static final double VERIFIES_PER_JOURNEY = 3;

  /** The gateway's own threads in a knee run's CPU split; the rest (PostgreSQL, the sandbox, the agency simulator, Gatling) is not. */
  static final List<String> GATEWAY_THREADS = List.of("eventLoops", "signing", "gc", "jit", "other");

  /**
   * Where a journey's CPU went at the knee, and what that bounds: the machine's cores divided by what the parts
   * outside the gateway spend a journey is the most any gateway could serve here, even one costing nothing;
   * the cores divided by the gateway's own spending is what it would serve on cores of its own.
   */
  static void kneeBudget(StringBuilder sb, Properties k, double knee, int cores, double ceiling) {
    double gateway = 0;
    double outside = 0;
    for (String name : k.stringPropertyNames()) {
      if (name.startsWith("knee.cpu.") && name.endsWith(".msPerJourney")) {
        double ms = dbl(k.getProperty(name));
        if (GATEWAY_THREADS.contains(name.substring("knee.cpu.".length(), name.length() - ".msPerJourney".length()))) {
          gateway += ms;
        } else {
          outside += ms;
        }
      }
    }
    if (knee <= 0 || gateway <= 0 || outside <= 0) {
      return;
    }
    double signing = dbl(k.getProperty("knee.cpu.signing.msPerJourney", "0"));
    sb.append(String.format(Locale.ROOT, "  CPU a journey at the knee: %.1f ms, %.1f ms of it the gateway's (%.1f ms signing), %.1f ms outside it%n",
        gateway + outside, gateway, signing, outside));
    sb.append(String.format(Locale.ROOT, "  %-60s %7s%n", String.format(Locale.ROOT,
        "the most these %d cores serve with a gateway costing nothing (%.0f/s) / RSA ceiling", cores, cores * 1000 / outside),
        pct(cores * 1000 / outside, ceiling)));
    sb.append(String.format(Locale.ROOT, "  %-60s %7s%n", String.format(Locale.ROOT,
        "the gateway on %d cores of its own (%.0f journeys/s) / RSA ceiling", cores, cores * 1000 / gateway),
        pct(cores * 1000 / gateway, ceiling)));
  }

  /**
   * How many requests took the p99 mark or longer, counted from Gatling's ranges: the exact reading of the p99 the
   * table's column estimates.
   */
  static Optional<String> latencyLine(Properties b) {
    if (!b.containsKey("latency.p99UnderMark")) {
      return b.containsKey("latency.status") ? Optional.of("  p99 not counted: Gatling's summary could not be read (see gatling.txt)\n")
          : Optional.empty();
    }
    // as LatencyMark counted and judged it: the rule is said once, there
    long slow = num(b.getProperty("latency.atOrOverMark"));
    long requests = num(b.getProperty("latency.requests"));
    long mark = num(b.getProperty("latency.mark"));
    return Optional.of(String.format(Locale.ROOT, "  p99 under %,d ms, counted: %,d of %,d requests (%.2f%%) took %,d ms or more,"
        + " at most %,d may: %s (the p99 column above is Gatling's t-digest estimate)%n", mark, slow, requests,
        requests == 0 ? 0 : 100.0 * slow / requests, mark, num(b.getProperty("latency.allowed")),
        Boolean.parseBoolean(b.getProperty("latency.p99UnderMark")) ? "held" : "not held"));
  }

  /** One row of Gatling's statistics table. */
  public record Row(String name, long total, long ok, long ko, double perSecond, long p50, long p75, long p95, long p99, long max) {}

  private Summary() {}

  private static final Pattern ROW = Pattern.compile(
      "class=\"ellipsed-name\">([^<]*)</span>.*?((?:<td class=\"value [a-z ]*col-\\d+\">[^<]*</td>\\s*){13})", Pattern.DOTALL);
  private static final Pattern CELL = Pattern.compile("<td class=\"value [a-z ]*col-(\\d+)\">([^<]*)</td>");

  /** The rows of the statistics table in a Gatling report's index.html, "All Requests" first. */
  public static List<Row> gatlingRows(String indexHtml) {
    List<Row> rows = new ArrayList<>();
    Matcher m = ROW.matcher(indexHtml);
    while (m.find()) {
      String[] v = new String[15];
      Matcher c = CELL.matcher(m.group(2));
      while (c.find()) {
        v[Integer.parseInt(c.group(1))] = c.group(2).strip();
      }
      rows.add(new Row(unescape(m.group(1)), num(v[2]), num(v[3]), num(v[4]), dbl(v[6]), num(v[8]), num(v[9]), num(v[10]),
          num(v[11]), num(v[12])));
    }
    return rows;
  }

  private static String unescape(String s) {
    return s.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'");
  }

  private static long num(String s) {
    return s == null || s.equals("-") || s.isEmpty() ? 0 : Math.round(Double.parseDouble(s.replace(",", "")));
  }

  private static double dbl(String s) {
    return s == null || s.equals("-") || s.isEmpty() ? 0 : Double.parseDouble(s.replace(",", ""));
  }

  /** JMH's JSON results: ops/s of the benchmark whose name ends with this method. */
  static double jmhScore(JsonNode results, String method) {
    for (JsonNode r : results) {
      if (r.path("benchmark").asText().endsWith("." + method)) {
        return r.path("primaryMetric").path("score").asDouble();
      }
    }
    return 0;
  }

  /** The summary of a run folder, as printed. */
  public static String of(Path run) throws IOException {
    Properties b = Knee.baselines(run);
    List<Row> rows = List.of();
    Optional<Path> report = findReport(run.resolve("gatling"));
    if (report.isPresent()) {
      rows = gatlingRows(Files.readString(report.get(), StandardCharsets.UTF_8));
    }
    JsonNode jmh = Files.exists(run.resolve("jmh.json")) ? new ObjectMapper().readTree(run.resolve("jmh.json").toFile())
        : new ObjectMapper().createArrayNode();
    double signs = jmhScore(jmh, "sign");
    double verifies = jmhScore(jmh, "verify");
    int cores = Integer.parseInt(b.getProperty("cores", "1"));
    double gatewayLookups = dbl(b.getProperty("wrk.gateway.rps"));
    double trivial = dbl(b.getProperty("wrk.trivial.rps"));
    // pgbench before the gateway's lookups and again right after them: the share is taken against their mean
    double pgbenchBefore = dbl(b.getProperty("pgbench.tps"));
    double pgbench = b.containsKey("pgbench.after.tps") ? (pgbenchBefore + dbl(b.getProperty("pgbench.after.tps"))) / 2 : pgbenchBefore;
    double journeys = dbl(b.getProperty("journeys.perSecond"));
    double spike = dbl(b.getProperty("spike.factor"));
    boolean gatlingPassed = "0".equals(b.getProperty("gatling.status"));
    // the p99 counted at its mark (LatencyMark) where the run did so; before, Gatling's assertions held both marks
    boolean latencyPassed = !b.containsKey("latency.status") || "0".equals(b.getProperty("latency.status"));

    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%nLoad test summary: profile %s, %,d persons, %d cores, %s s in all%n",
        b.getProperty("profile", "?"), num(b.getProperty("persons")), cores, b.getProperty("elapsed.seconds", "?")));
    sb.append(String.format(Locale.ROOT, "%nGatling, open model: %.0f journeys/s and %.0f checking families/s at the hold, x%.1f at the"
        + " midnight spike%n", journeys, dbl(b.getProperty("lookupFamilies.perSecond")), spike));
    if (b.containsKey("faults")) {
      sb.append("  channel faults during the run: ").append(b.getProperty("faults")).append('\n');
    }
    if (b.containsKey("payWarmUp.seconds")) {
      sb.append("0".equals(b.getProperty("payWarmUp.seconds")) ? "  on a gateway whose pay path was not warmed up\n"
          : "  after a warm-up of the pay path: " + b.getProperty("payWarmUp.seconds")
              + " s at a third of these rates on other residents, not counted\n");
    }
    sb.append(String.format(Locale.ROOT, "  %-22s %9s %8s %9s %7s %7s %7s %7s %7s%n", "request", "count", "KO", "mean/s", "p50", "p95",
        "p99", "max", "(ms)"));
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "  %-22s %,9d %,8d %9.1f %7d %7d %7d %7d%n", r.name(), r.total(), r.ko(), r.perSecond(),
          r.p50(), r.p95(), r.p99(), r.max()));
    }
    if (rows.isEmpty()) {
      sb.append("  (no Gatling report found)\n");
    }
    statusPerOrder(rows).ifPresent(line -> sb.append(line));
    long kept = num(b.getProperty("simulation.lookups.kept"));
    long assessed = num(b.getProperty("simulation.lookups.assessed"));
    if (kept + assessed > 0) {
      // the journeys' and the families' lookups that found a household: how many its kept answer served
      sb.append(String.format(Locale.ROOT, "  lookups answered from a kept answer: %,d of %,d (%.0f%%), the others assessed%n", kept,
          kept + assessed, 100.0 * kept / (kept + assessed)));
    }
    if (b.containsKey("overload.admitted.p99Ms")) {
      sb.append(String.format(Locale.ROOT, "  overload: p99 admitted %s ms (%s requests), p99 refused %s ms (%s requests),"
          + " callbacks refused %s%n", b.getProperty("overload.admitted.p99Ms"),
          b.getProperty("overload.admitted.requests"), b.getProperty("overload.refused.p99Ms"),
          b.getProperty("overload.refused.requests"), b.getProperty("overload.callbacks.shed", "?")));
      if (b.containsKey("overload.admitted.withinMarkPercent")) {
        // read at the bucket bounds the gateway keeps at the goal's marks: exact, where the p99 above is a bound
        sb.append(String.format(Locale.ROOT, "  overload goal's marks: %s%% of the admitted answered within 1 s, %s%% of the refusals"
            + " within 50 ms%n", b.getProperty("overload.admitted.withinMarkPercent"),
            b.getProperty("overload.refused.withinMarkPercent", "?")));
      }
      sb.append(String.format(Locale.ROOT, "  after the burst, a probe's lookup back to normal latency in %s s (under half the knee,"
          + " as before the burst: slowest %s ms), to the idle gateway's in %s s (slowest %s ms)%n",
          b.getProperty("overload.backToNormalSeconds", "?"), b.getProperty("overload.probe.normalMs", "?"),
          b.getProperty("overload.backToIdleSeconds", "?"), b.getProperty("overload.probe.idleMs", "?")));
      if (Files.exists(run.resolve("probe.txt"))) {
        // the reading above is the last single probe over the mark; by windows, one late outlier does not move it
        sb.append(ProbeWindows.backAfterBurst(run).map(w -> String.format(Locale.ROOT, "  by %d s windows (p90 within the same"
            + " mark, none refused): back in the window starting %d s after the burst%n", ProbeWindows.WINDOW_SECONDS, w))
            .orElse(String.format(Locale.ROOT, "  by %d s windows (p90 within the same mark, none refused): not back while the load"
            + " lasted%n", ProbeWindows.WINDOW_SECONDS)));
      }
      if (!"0".equals(b.getProperty("overload.probe.refusedBeforeBurst", "0"))) {
        sb.append(String.format(Locale.ROOT, "  (%s probes refused before the burst: half this knee is more than the machine serves now)%n",
            b.getProperty("overload.probe.refusedBeforeBurst")));
      }
    }
    latencyLine(b).ifPresent(sb::append);
    List<String> failures = new ArrayList<>();
    if (!gatlingPassed) {
      failures.add("status " + b.getProperty("gatling.status"));
    }
    if (!latencyPassed) {
      failures.add(b.containsKey("latency.p99UnderMark") ? "p99 not under " + b.getProperty("latency.mark") + " ms" : "p99 not counted");
    }
    sb.append("  assertions (p99, error share): ").append(failures.isEmpty() ? "held" : "FAILED (" + String.join(", ", failures) + ")")
        .append(report.map(p -> "; report " + p).orElse("")).append('\n');

    sb.append(String.format(Locale.ROOT, "%nBaselines on the same machine, closed model%n"));
    sb.append(String.format(Locale.ROOT, "  %-44s %12s %9s %9s%n", "", "per second", "p50", "p99"));
    sb.append(String.format(Locale.ROOT, "  %-44s %,12.0f %9s %9s%n", "gateway POST /api/v1/lookup (wrk, 64 conn.)", gatewayLookups,
        b.getProperty("wrk.gateway.p50", "-"), b.getProperty("wrk.gateway.p99", "-")));
    long asked = num(b.getProperty("wrk.gateway.requests"));
    long residents = num(b.getProperty("wrk.gateway.residents"));
    if (residents > 0 && asked > residents) {
      // more lookups than residents: some were asked again and answered from what was kept (at least these; each of
      // wrk's threads starts its walk at its own share of the file, so a fast one may reach the next one's sooner)
      sb.append(String.format(Locale.ROOT, "    at least %,d of its %,d lookups asked again for residents already answered (kept)%n",
          asked - residents, asked));
    }
    sb.append(String.format(Locale.ROOT, "  %-44s %,12.0f %9s %9s%n", "trivial Vert.x endpoint (wrk, 64 conn.)", trivial,
        b.getProperty("wrk.trivial.p50", "-"), b.getProperty("wrk.trivial.p99", "-")));
    sb.append(String.format(Locale.ROOT, "  %-44s %,12.0f %9s%n", "lookup SQL (pgbench, 16 clients)", pgbenchBefore,
        b.containsKey("pgbench.latencyMs") ? b.getProperty("pgbench.latencyMs") + "ms" : "-"));
    if (b.containsKey("pgbench.after.tps")) {
      sb.append(String.format(Locale.ROOT, "  %-44s %,12.0f%n", "  the same, right after the gateway's lookups",
          dbl(b.getProperty("pgbench.after.tps"))));
    }
    sb.append(String.format(Locale.ROOT, "  %-44s %,12.0f%n", "RSA-2048 sign (JMH, one thread)", signs));
    sb.append(String.format(Locale.ROOT, "  %-44s %,12.0f%n", "RSA-2048 verify (JMH, one thread)", verifies));

    if (b.containsKey("wrk.gatewayKept.rps")) {
      sb.append(String.format(Locale.ROOT, "  %-44s %,12.0f%n", "lookups with answers kept (wrk, 2,000 residents)",
          dbl(b.getProperty("wrk.gatewayKept.rps"))));
      sb.append(String.format(Locale.ROOT, "  %-44s %,12.0f%n", "their SQL, the household's stamp (pgbench)",
          dbl(b.getProperty("pgbench.kept.tps"))));
    }
    if (b.containsKey("cpu.gateway.msPerLookup")) {
      sb.append(String.format(Locale.ROOT, "  %-44s %12s ms gateway, %s ms PostgreSQL%n", "CPU per lookup (/proc, during wrk)",
          b.getProperty("cpu.gateway.msPerLookup"), b.getProperty("cpu.postgres.msPerLookup", "-")));
    }
    if (b.containsKey("cpu.postgres.msPerPgbenchTransaction")) {
      sb.append(String.format(Locale.ROOT, "  %-44s %12s ms PostgreSQL%n", "  CPU per pgbench transaction, the same SQL",
          b.getProperty("cpu.postgres.msPerPgbenchTransaction")));
    }
    if (b.containsKey("cpu.gateway.eventLoops.msPerLookup")) {
      sb.append(String.format(Locale.ROOT, "  %-44s %12s ms event loops, %s ms JIT, %s ms GC, %s ms other%n",
          "  of the gateway's, by thread", b.getProperty("cpu.gateway.eventLoops.msPerLookup"),
          b.getProperty("cpu.gateway.jit.msPerLookup", "-"), b.getProperty("cpu.gateway.gc.msPerLookup", "-"),
          b.getProperty("cpu.gateway.other.msPerLookup", "-")));
    }
    if (b.containsKey("cpu.gateway.system.msPerLookup")) {
      sb.append(String.format(Locale.ROOT, "  %-44s %12s ms (sockets, epoll, page faults: no JVM profile shows it)%n",
          "  of the gateway's, in the kernel", b.getProperty("cpu.gateway.system.msPerLookup")));
    }
    if (b.containsKey("warmUp.seconds")) {
      sb.append(String.format(Locale.ROOT, "  %-44s %12s s, the JIT compilers at %s%% of a core in its last 10 s%n",
          "  measured after a warm-up of", b.getProperty("warmUp.seconds"), b.getProperty("warmUp.jitPercent", "?")));
    }
    sb.append(String.format(Locale.ROOT, "%nThe gateway as a share of each%n"));
    sb.append(String.format(Locale.ROOT, "  %-60s %7s%n", b.containsKey("pgbench.after.tps")
        ? "lookups / the lookup SQL through pgbench (mean of both)" : "lookups / the lookup SQL through pgbench",
        pct(gatewayLookups, pgbench, true)));
    sb.append(String.format(Locale.ROOT, "  %-60s %7s%n", "lookups / the trivial Vert.x endpoint", pct(gatewayLookups, trivial)));
    if (b.containsKey("wrk.gatewayKept.rps")) {
      sb.append(String.format(Locale.ROOT, "  %-60s %7s%n", "lookups with answers kept / their SQL through pgbench",
          pct(dbl(b.getProperty("wrk.gatewayKept.rps")), dbl(b.getProperty("pgbench.kept.tps")))));
    }
    double cryptoCeiling = signs > 0 && verifies > 0 ? cores / (SIGNS_PER_JOURNEY / signs + VERIFIES_PER_JOURNEY / verifies) : 0;
    // overload, knee and soak runs have no midnight spike: their own figures (above and below) say what held
    boolean spiked = !List.of("overload", "knee", "soak").contains(b.getProperty("profile", ""));
    if (spiked) {
      sb.append(String.format(Locale.ROOT, "  %-60s %7s%n", String.format(Locale.ROOT,
          "spike journeys/s (%.0f) / RSA ceiling (%,.0f journeys/s on %d cores)", journeys * spike, cryptoCeiling, cores),
          pct(journeys * spike, cryptoCeiling)));
    } else {
      sb.append(String.format(Locale.ROOT, "  %-60s%n", String.format(Locale.ROOT, "RSA ceiling: %,.0f journeys/s on %d cores",
          cryptoCeiling, cores)));
    }

    Path kneeFile = run.resolve("knee.properties");
    if (Files.exists(kneeFile)) {
      Properties k = Knee.properties(kneeFile);
      double knee = dbl(k.getProperty("knee.journeysPerSecond"));
      double gatlingShare = dbl(k.getProperty("knee.gatlingShare"));
      sb.append(String.format(Locale.ROOT, "%nThe pay path's knee, journeys only, by level (from the gateway's metrics and /proc)%n"));
      Path table = run.resolve("knee.txt");
      if (Files.exists(table)) {
        sb.append(Files.readString(table, StandardCharsets.UTF_8));
      }
      sb.append(String.format(Locale.ROOT, "  %-60s %7s%n", String.format(Locale.ROOT, "knee (%.0f journeys/s) / RSA ceiling", knee),
          pct(knee, cryptoCeiling)));
      sb.append(String.format(Locale.ROOT, "  %-60s %7s%n", String.format(Locale.ROOT,
          "knee / the ceiling less the load generator's share (%.0f%%)", 100 * gatlingShare), pct(knee, cryptoCeiling * (1 - gatlingShare))));
      kneeBudget(sb, k, knee, cores, cryptoCeiling);
    }

    Path soakFile = run.resolve("soak.properties");
    if (Files.exists(soakFile)) {
      sb.append(String.format(Locale.ROOT, "%nThe soak, window by window (from the gateway's metrics, /proc and PostgreSQL; the live heap"
          + " after a full collection at each window's end)%n"));
      Path table = run.resolve("soak.txt");
      if (Files.exists(table)) {
        sb.append(Files.readString(table, StandardCharsets.UTF_8));
      }
      sb.append(Soak.verdict(Knee.properties(soakFile)));
    }

    sb.append('\n');
    Path lost = run.resolve("lost.txt");
    sb.append(Files.exists(lost) ? Files.readString(lost, StandardCharsets.UTF_8).strip() : "lost-payment check: not run").append('\n');

    if (spiked && gatlingPassed && latencyPassed && journeys > 0 && gatewayLookups > 0) {
      SizingModel m = SizingModel.fromArgs("measuredOrdersPerSecond=" + journeys * spike, "measuredLookupsPerSecond=" + gatewayLookups);
      SizingModel.Peak p = m.province();
      SizingModel.Peak c = m.country();
      sb.append(String.format(Locale.ROOT, "%nSizing at these rates (%.0f journeys/s and %,.0f lookups/s per instance, %.0f%% busy at the peak):%n",
          journeys * spike, gatewayLookups, m.get("targetUtilisation") * 100));
      sb.append(String.format(Locale.ROOT, "  a 70-million province: %,.0f orders/s at the busiest minute -> %d instances%n",
          p.ordersPerSecond(), p.instances()));
      sb.append(String.format(Locale.ROOT, "  the country:           %,.0f orders/s at the busiest minute -> %d instances%n",
          c.ordersPerSecond(), c.instances()));
      sb.append("  (upper bounds: the spike rate held here need not be this instance's limit; loadtest/README.md finds it)\n");
    }
    return sb.toString();
  }

  /** The long poll's promise: status requests per order, whatever the latency. */
  static Optional<String> statusPerOrder(List<Row> rows) {
    long orders = rows.stream().filter(r -> r.name().equals("order")).mapToLong(Row::total).sum();
    long status = rows.stream().filter(r -> r.name().equals("status")).mapToLong(Row::total).sum();
    if (orders == 0) {
      return Optional.empty();
    }
    return Optional.of(String.format(Locale.ROOT, "  status requests per order: %.2f (%,d status requests, %,d orders; held up to"
        + " 20 s each)%n", (double) status / orders, status, orders));
  }

  private static String pct(double part, double whole) {
    return pct(part, whole, false);
  }

  /**
   * A share, to a tenth under 10% or where {@code toATenth} (the lookups' share of pgbench is read against a mark of 60%,
   * which 59.5% is not at), else whole.
   */
  private static String pct(double part, double whole, boolean toATenth) {
    if (whole <= 0) {
      return "-";
    }
    double p = 100 * part / whole;
    return String.format(Locale.ROOT, toATenth || p < 10 ? "%.1f%%" : "%.0f%%", p);
  }

  private static Optional<Path> findReport(Path gatling) throws IOException {
    if (!Files.isDirectory(gatling)) {
      return Optional.empty();
    }
    try (Stream<Path> s = Files.list(gatling)) {
      return s.map(d -> d.resolve("index.html")).filter(Files::exists).max(Path::compareTo);
    }
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 1 || !Files.isDirectory(Path.of(args[0]))) {
      System.err.println("usage: Summary <run folder>");
      System.exit(2);
    }
    System.out.print(of(Path.of(args[0])));
  }
}
