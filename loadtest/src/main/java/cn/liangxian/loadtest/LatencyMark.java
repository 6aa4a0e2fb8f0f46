package cn.liangxian.loadtest;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether the 99th percentile of a Gatling run's response times is under a mark, counted exactly.
 *
 * <p>Gatling estimates its percentiles with a t-digest, and the estimate of the whole run can be far off: on 6 December
 * 2026 it read a p99 of 1,002 ms for a run in which 99.6% of the requests took under 800 ms (Gatling's own counts),
 * and a p99 of 1,104 ms for all requests where the OK ones' p99 was 639 ms and the KO ones' 42 ms. The counts of its
 * response-time ranges are exact. With its higher bound at the mark
 * ({@code -Dgatling.charting.indicators.higherBound=<mark>}), the run's console summary says how many answered
 * requests took the mark or longer. The p99 is under the mark when at most one request in a hundred took that long
 * (nearest rank). Failed requests are not in the ranges: they count as slow only when the slowest of them reached the
 * mark, all of them then, so the judgement never passes a run it should fail.
 *
 * <pre>java -cp loadtest.jar cn.liangxian.loadtest.LatencyMark &lt;Gatling's console output&gt; &lt;mark in ms&gt;</pre>
 *
 * Prints {@code latency.*} properties for the run's baselines; exits 0 when the p99 is under the mark, 1 when not, 2
 * when the output has no summary with a range at the mark.
 */
public final class LatencyMark {

  /** The counts read from the last "Global Information" block of Gatling's console output. */
  public record Counts(long mark, long requests, long failed, long slowestFailedMs, long answeredAtOrOverMark) {

    /** The requests that took the mark or longer: the answered ones, and the failed ones if any of them did. */
    public long atOrOverMark() {
      return answeredAtOrOverMark + (failed > 0 && slowestFailedMs >= mark ? failed : 0);
    }

    /** The most requests that may take the mark or longer with the nearest-rank 99th percentile under it: one in a hundred. */
    public long allowed() {
      return requests / 100;
    }

    /** At most {@link #allowed} requests at or over the mark: the nearest-rank 99th percentile is under it. */
    public boolean p99UnderMark() {
      return atOrOverMark() <= allowed();
    }

    public double shareAtOrOverMark() {
      return requests == 0 ? 0 : (double) atOrOverMark() / requests;
    }
  }

  private LatencyMark() {}

  private static final String HEADER = "---- Global Information ----";
  private static final Pattern COUNT = Pattern.compile(">\\s*request count\\s*\\|\\s*([\\d,]+)\\s*\\|\\s*([\\d,-]+)\\s*\\|\\s*([\\d,-]+)");
  private static final Pattern MAX = Pattern.compile(">\\s*max response time \\(ms\\)\\s*\\|\\s*([\\d,-]+)\\s*\\|\\s*([\\d,-]+)\\s*\\|\\s*([\\d,-]+)");

  /** The counts at {@code mark} ms from Gatling's console output, or an error naming what is missing. */
  public static Counts read(String console, long mark) {
    int at = console.lastIndexOf(HEADER);
    if (at < 0) {
      throw new IllegalArgumentException("no \"Global Information\" summary in Gatling's output (did the simulation end?)");
    }
    String block = console.substring(at);
    Matcher count = COUNT.matcher(block);
    Matcher max = MAX.matcher(block);
    if (!count.find() || !max.find()) {
      throw new IllegalArgumentException("Gatling's summary has no request count or maximum response time");
    }
    // the bound as Gatling writes it, ungrouped (1200); its counts grouped in thousands (42,121)
    Matcher slow = Pattern.compile(">\\s*OK: t >= " + mark + " ms\\s+([\\d,]+)").matcher(block);
    if (!slow.find()) {
      throw new IllegalArgumentException("Gatling's summary has no range at " + mark + " ms: run it with"
          + " -Dgatling.charting.indicators.higherBound=" + mark);
    }
    return new Counts(mark, num(count.group(1)), num(count.group(3)), num(max.group(3)), num(slow.group(1)));
  }

  /** The properties the run's summary reads. */
  public static List<String> properties(Counts c) {
    return List.of("latency.mark=" + c.mark(), "latency.requests=" + c.requests(), "latency.failed=" + c.failed(),
        "latency.atOrOverMark=" + c.atOrOverMark(), "latency.allowed=" + c.allowed(), "latency.p99UnderMark=" + c.p99UnderMark());
  }

  private static long num(String s) {
    return s.equals("-") ? 0 : Long.parseLong(s.replace(",", ""));
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** The command: the properties to {@code out}; 0 when the p99 is under the mark, 1 when not, 2 when it cannot tell. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length != 2) {
      err.println("usage: LatencyMark <Gatling's console output> <mark in ms>");
      return 2;
    }
    Counts c;
    try {
      c = read(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8), Long.parseLong(args[1]));
    } catch (IOException | IllegalArgumentException e) {
      err.println("latency mark: " + e.getMessage());
      return 2;
    }
    properties(c).forEach(out::println);
    return c.p99UnderMark() ? 0 : 1;
  }
}
