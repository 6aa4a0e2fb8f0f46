package cn.liangxian.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A soak read window by window: each served, and nothing that grows once the run has settled. */
class SoakTest {
  static final long HOLD_FROM = 1_000_000;
  static final int MIB = 1024 * 1024;

  @TempDir
  Path run;

  /** What the process holds at a scrape: the heap after a full collection (0: no collection then), open files, threads, connections. */
  record Held(long liveHeapMiB, int fds, int threads, int connections) {}

  /**
   * A scrape every 15 s of a hold of {@code minutes}, the journeys paid at 20 a second, answers quick, and a full collection at
   * the hold's start and each minute's end (windows of a minute); {@code held} gives what the process holds at each scrape.
   */
  static List<Knee.Scrape> hold(int minutes, IntFunction<Held> held, double errorsPerSecond) {
    List<Knee.Scrape> scrapes = new ArrayList<>();
    for (int i = 0; i <= minutes * 4; i++) {
      double seconds = i * 15;
      Held h = held.apply(i);
      List<String> lines = new ArrayList<>(KneeTest.scrape(20 * seconds, 100 * seconds, 0, 0, errorsPerSecond * seconds,
          (long) (50 * seconds), (long) (10 * seconds)));
      boolean full = i % 4 == 0;
      lines.add("loadtest_full_gc " + (full ? 1 : 0));
      lines.add("jvm_gc_live_data_size_bytes{} " + (full ? h.liveHeapMiB() * MIB : 0));
      // the heap used between collections: whatever has been allocated since, not what is referenced
      lines.add("jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"} " + (full ? 0 : 900.0 * MIB));
      lines.add("loadtest_gateway_rss_bytes " + 1200.0 * MIB);
      // the callers' connections come and go with the load, on top of the process' own
      int callers = 1000 + (i % 3) * 400;
      lines.add("loadtest_gateway_fds " + (h.fds() + callers));
      lines.add("loadtest_gateway_inbound_connections " + callers);
      lines.add("loadtest_gateway_threads " + h.threads());
      lines.add("loadtest_postgres_connections " + h.connections());
      lines.add("cache_size{cache=\"household_answers\",} 50000.0");
      lines.add("liangxian_orders_paying 12.0");
      lines.add("# cpu postgres " + (long) (30 * seconds));
      scrapes.add(Knee.parse(HOLD_FROM + (long) (seconds * 1000), lines));
    }
    return scrapes;
  }

  static List<Soak.Window> windows(List<Knee.Scrape> scrapes, int minutes) {
    return Soak.windows(scrapes, HOLD_FROM, minutes, 1, 20, 100, 1000, 1);
  }

  @Test
  void aRunThatHoldsItsRateAndItsResourcesIsSteady() {
    List<Soak.Window> w = windows(hold(6, i -> new Held(300, 180, 60, 17), 0), 6);
    assertThat(w).hasSize(6);
    Soak.Window first = w.get(0);
    assertThat(first.level().paidPerSecond()).isEqualTo(20.0);
    assertThat(first.level().served()).isTrue();
    assertThat(first.liveHeapMiB()).as("the heap after the collection at the window's end, not the heap used between").isEqualTo(300);
    assertThat(first.fds()).as("its own: the callers' connections left out").isEqualTo(180);
    assertThat(first.inbound()).isEqualTo(1800);
    assertThat(first.connections()).isEqualTo(17);
    assertThat(first.cachedHouseholds()).isEqualTo(50_000);
    assertThat(first.ordersPaying()).isEqualTo(12);
    assertThat(first.level().cpuMsPerJourney()).containsEntry("eventLoops", 25.0).containsEntry("postgres", 15.0);
    Soak.Verdict v = Soak.judge(w, 6);
    assertThat(v.reasons()).isEmpty();
    assertThat(v.steady()).isTrue();
  }

  @Test
  void aHeapThatKeepsGrowingAfterTheRunSettledIsALeak() {
    // 40 MiB more a minute: 300 at the end of minute 2 (a third of the hold), 460 at the end
    List<Soak.Window> w = windows(hold(6, i -> new Held(220 + 40L * (i / 4), 180, 60, 17), 0), 6);
    Soak.Verdict v = Soak.judge(w, 6);
    assertThat(v.steady()).isFalse();
    assertThat(v.reasons()).singleElement().asString().contains("heap after a full collection grew from 300 MiB (end of window 2) to 460 MiB");

    // the same growth while the caches fill, up to a third of the hold, then flat: settled, not a leak
    List<Soak.Window> filling = windows(hold(6, i -> new Held(Math.min(220 + 40L * (i / 4), 300), 180, 60, 17), 0), 6);
    assertThat(Soak.judge(filling, 6).steady()).isTrue();
  }

  @Test
  void openFilesThreadsAndConnectionsThatGrowAreEachNamed() {
    List<Soak.Window> w = windows(hold(6, i -> new Held(300, 180 + 10 * i, 60 + 5 * i, 17 + i), 0), 6);
    Soak.Verdict v = Soak.judge(w, 6);
    assertThat(v.steady()).isFalse();
    assertThat(v.reasons()).hasSize(3);
    assertThat(v.reasons().get(0)).startsWith("open files and connections of its own grew from 260 (window 2) to 420");
    assertThat(v.reasons().get(1)).startsWith("threads grew from 100 (window 2) to 180");
    assertThat(v.reasons().get(2)).startsWith("database connections grew from 25 (window 2) to 41");

    // within the slack: a pool that opens a connection or two more, a thread started late
    assertThat(Soak.judge(windows(hold(6, i -> new Held(300, 180 + i, 60 + (i > 12 ? 3 : 0), 17 + i / 10), 0), 6), 6).steady()).isTrue();
  }

  @Test
  void aWindowWithErrorsIsNotServed() {
    // 2 answers a second 5xx of about 122: 1.6%
    List<Soak.Window> w = windows(hold(3, i -> new Held(300, 180, 60, 17), 2), 3);
    Soak.Verdict v = Soak.judge(w, 3);
    assertThat(v.steady()).isFalse();
    assertThat(v.reasons()).hasSize(3).allSatisfy(r -> assertThat(r).contains("not served").contains("answers 5xx"));
  }

  @Test
  void aRunCutShortIsJudgedOnWhatItMeasured() {
    List<Soak.Window> w = windows(hold(2, i -> new Held(300, 180, 60, 17), 0), 6);
    assertThat(w).as("two of six windows measured").hasSize(2);
    assertThat(Soak.judge(w, 6).steady()).as("too few windows to judge growth; both served").isTrue();
    assertThat(Soak.judge(List.of(), 6).reasons()).containsExactly("no window was measured (the run ended before the hold)");
    // three windows of a 60-minute hold: none reaches its third, so nothing has settled to compare
    List<Soak.Window> three = windows(hold(3, i -> new Held(300 + 100L * i, 180, 60, 17), 0), 60);
    assertThat(three).hasSize(3);
    assertThat(Soak.judge(three, 60).steady()).isTrue();
  }

  @Test
  void aRunFolderIsReadAndItsVerdictWrittenForTheSummary() throws IOException {
    Files.writeString(run.resolve("baselines.properties"), "profile=soak\nsoak.minutes=3\nsoak.windowMinutes=1\nsoak.rampSeconds=60\n"
        + "clockTicks=100\np99Ms=1000\nmaxErrorPercent=1\njourneys.perSecond=20\n");
    Files.writeString(run.resolve("start.txt"), Long.toString(HOLD_FROM - 60_000));
    Files.createDirectories(run.resolve("scrapes"));
    List<Knee.Scrape> scrapes = hold(3, i -> new Held(300 + 100L * (i / 4), 180, 60, 17), 0);
    for (Knee.Scrape s : scrapes) {
      List<String> lines = new ArrayList<>();
      s.samples().forEach((k, v) -> lines.add(k + " " + v));
      s.cpuTicks().forEach((k, v) -> lines.add("# cpu " + k + " " + v));
      Files.write(run.resolve("scrapes").resolve(s.atMillis() + ".prom"), lines, StandardCharsets.UTF_8);
    }
    Soak.Verdict v = Soak.run(run);
    assertThat(v.steady()).isFalse();
    Properties p = new Properties();
    p.load(Files.newBufferedReader(run.resolve("soak.properties"), StandardCharsets.UTF_8));
    assertThat(p.getProperty("soak.steady")).isEqualTo("false");
    assertThat(p.getProperty("soak.windows")).isEqualTo("3");
    assertThat(p.getProperty("soak.reason.1")).contains("grew from 400 MiB (end of window 1) to 600 MiB");
    assertThat(Files.readString(run.resolve("soak.txt"))).contains("600 MiB");
    assertThat(Summary.of(run)).contains("The soak, window by window").contains("NOT steady:").contains("to 600 MiB");
  }
}
