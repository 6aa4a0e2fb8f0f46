package cn.liangxian.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {
  static Path fixture() throws URISyntaxException {
    return Path.of(SummaryTest.class.getResource("/run-fixture/baselines.properties").toURI()).getParent();
  }

  @Test
  void readsEveryRowOfGatlingsStatisticsTable() throws Exception {
    String html = Files.readString(fixture().resolve("gatling/peaksimulation-20261123104348223/index.html"), StandardCharsets.UTF_8);
    List<Summary.Row> rows = Summary.gatlingRows(html);
    assertThat(rows).extracting(Summary.Row::name)
        .containsExactly("All Requests", "lookup", "order", "pay on the channel", "status", "receipt");
    Summary.Row all = rows.get(0);
    assertThat(all.total()).isEqualTo(7610);
    assertThat(all.ko()).isZero();
    assertThat(all.perSecond()).isEqualTo(83.63);
    assertThat(all.p50()).isEqualTo(2);
    assertThat(all.p95()).isEqualTo(9);
    assertThat(all.p99()).isEqualTo(17);
    assertThat(all.max()).isEqualTo(156);
    assertThat(rows.get(1).total()).isEqualTo(3666);
    assertThat(rows.stream().skip(1).mapToLong(Summary.Row::total).sum()).isEqualTo(all.total());
  }

  @Test
  void statusRequestsPerOrderAreCountedFromTheTable() {
    List<Summary.Row> rows = List.of(new Summary.Row("order", 400, 400, 0, 5, 1, 1, 1, 1, 1),
        new Summary.Row("status", 520, 520, 0, 6, 1, 1, 1, 1, 1));
    assertThat(Summary.statusPerOrder(rows)).hasValueSatisfying(l -> assertThat(l).contains("status requests per order: 1.30"));
    assertThat(Summary.statusPerOrder(List.of())).isEmpty();
  }

  @Test
  void theTablePutsTheGatewayAgainstEachBaseline() throws Exception {
    String s = Summary.of(fixture());
    assertThat(s).contains("profile short, 100,000 persons, 2 cores, 170 s");
    assertThat(s).contains("lookups / the lookup SQL through pgbench", "33.3%"); // 3000 / 9000.5
    assertThat(s).contains("lookups / the trivial Vert.x endpoint", " 5.0%"); // 3000 / 60000
    // 2 cores / (3/1000 + 3/30000) = 645 journeys/s; the spike is 25/s
    assertThat(s).contains("RSA ceiling (645 journeys/s on 2 cores)", " 3.9%"); // 25 / 645
    assertThat(s).contains("lost 0");
    assertThat(s).contains("assertions (p99, error share): held");
    assertThat(s).contains("a 70-million province", "instances");
  }

  @Test
  void theLookupShareIsTakenAgainstPgbenchBeforeAndAfterTheLookups(@org.junit.jupiter.api.io.TempDir Path run) throws Exception {
    Files.writeString(run.resolve("baselines.properties"), "profile=short\npersons=10\ncores=2\ngatling.status=0\n"
        + "pgbench.tps=6000\npgbench.after.tps=4000\nwrk.gateway.rps=3000\nwarmUp.seconds=70\nwarmUp.jitPercent=4\npayWarmUp.seconds=60\n"
        + "cpu.gateway.msPerLookup=0.180\ncpu.postgres.msPerLookup=0.230\ncpu.postgres.msPerPgbenchTransaction=0.150\n"
        + "cpu.gateway.system.msPerLookup=0.045\n");
    String s = Summary.of(run);
    assertThat(s).contains("the same, right after the gateway's lookups", "4,000");
    assertThat(s).containsPattern("of the gateway's, in the kernel +0.045 ms \\(sockets");
    assertThat(s).containsPattern("lookups / the lookup SQL through pgbench \\(mean of both\\) +60.0%"); // 3000 / 5000
    assertThat(s).contains("measured after a warm-up of", "70 s, the JIT compilers at 4% of a core");
    assertThat(s).containsPattern("CPU per pgbench transaction, the same SQL +0.150 ms PostgreSQL");
    assertThat(s).contains("after a warm-up of the pay path: 60 s at a third of these rates on other residents, not counted");
  }

  @Test
  void measuredLookupsThatRanPastTheirResidentsAreCounted(@org.junit.jupiter.api.io.TempDir Path run) throws Exception {
    String common = "profile=short\npersons=10\ncores=2\ngatling.status=0\npgbench.tps=6000\nwrk.gateway.rps=3000\n";
    Files.writeString(run.resolve("baselines.properties"), common + "wrk.gateway.residents=50000\nwrk.gateway.requests=48000\n");
    assertThat(Summary.of(run)).doesNotContain("asked again");
    Files.writeString(run.resolve("baselines.properties"), common + "wrk.gateway.residents=50000\nwrk.gateway.requests=\n");
    assertThat(Summary.of(run)).doesNotContain("asked again"); // wrk printed no count
    Files.writeString(run.resolve("baselines.properties"), common + "wrk.gateway.residents=50000\nwrk.gateway.requests=56000\n");
    assertThat(Summary.of(run)).contains("at least 6,000 of its 56,000 lookups asked again for residents already answered (kept)");
  }

  @Test
  void theSimulationsLookupsAnsweredKeptAreCounted(@org.junit.jupiter.api.io.TempDir Path run) throws Exception {
    String common = "profile=short\npersons=10\ncores=2\ngatling.status=0\npgbench.tps=6000\nwrk.gateway.rps=3000\n";
    Files.writeString(run.resolve("baselines.properties"), common);
    assertThat(Summary.of(run)).doesNotContain("kept answer:");
    Files.writeString(run.resolve("baselines.properties"), common + "simulation.lookups.kept=3000\nsimulation.lookups.assessed=1000\n");
    assertThat(Summary.of(run)).contains("lookups answered from a kept answer: 3,000 of 4,000 (75%), the others assessed");
  }

  @Test
  void anOverloadRunSaysHowSoonTheProbeWasBackToTheLatencyOfTheSameLoadAndOfAnIdleGateway(@org.junit.jupiter.api.io.TempDir Path run)
      throws Exception {
    Files.writeString(run.resolve("baselines.properties"), "profile=overload\npersons=10\ncores=2\ngatling.status=0\n"
        + "overload.admitted.requests=5000\noverload.admitted.p99Ms=895\noverload.refused.requests=3000\noverload.refused.p99Ms=1\n"
        + "overload.callbacks.shed=0\noverload.probe.idleMs=5\noverload.probe.normalMs=120\noverload.probe.refusedBeforeBurst=0\n"
        + "overload.backToNormalSeconds=4.5\noverload.backToIdleSeconds=13.5\n");
    String s = Summary.of(run);
    assertThat(s).contains("overload: p99 admitted 895 ms (5000 requests), p99 refused 1 ms (3000 requests), callbacks refused 0");
    assertThat(s).doesNotContain("goal's marks"); // a run from before the gateway kept bucket bounds at them
    Files.writeString(run.resolve("baselines.properties"), Files.readString(run.resolve("baselines.properties"))
        + "overload.admitted.withinMarkPercent=99.37\noverload.refused.withinMarkPercent=100.00\n");
    assertThat(Summary.of(run)).contains("overload goal's marks: 99.37% of the admitted answered within 1 s, 100.00% of the refusals"
        + " within 50 ms");
    assertThat(s).contains("back to normal latency in 4.5 s (under half the knee, as before the burst: slowest 120 ms),"
        + " to the idle gateway's in 13.5 s (slowest 5 ms)");
  }

  @Test
  void aFailedRunSaysSoAndClaimsNoSizing(@org.junit.jupiter.api.io.TempDir Path run) throws Exception {
    Files.writeString(run.resolve("baselines.properties"), "profile=short\npersons=10\ncores=2\ngatling.status=2\n");
    String s = Summary.of(run);
    assertThat(s).contains("FAILED (status 2)", "(no Gatling report found)", "lost-payment check: not run");
    assertThat(s).doesNotContain("instances");
  }

  @Test
  void theP99IsJudgedOnTheRequestsCountedAtItsMark(@org.junit.jupiter.api.io.TempDir Path run) throws Exception {
    String common = "profile=short\npersons=10\ncores=2\ngatling.status=0\npgbench.tps=6000\nwrk.gateway.rps=3000\n"
        + "journeys.perSecond=30\nspike.factor=2\n";
    Files.writeString(run.resolve("baselines.properties"), common + "latency.mark=1000\nlatency.requests=42668\n"
        + "latency.failed=376\nlatency.atOrOverMark=171\nlatency.allowed=426\nlatency.p99UnderMark=true\nlatency.status=0\n");
    String held = Summary.of(run);
    assertThat(held).contains("p99 under 1,000 ms, counted: 171 of 42,668 requests (0.40%) took 1,000 ms or more, at most 426 may: held",
        "assertions (p99, error share): held");

    Files.writeString(run.resolve("baselines.properties"), common + "latency.mark=1000\nlatency.requests=42668\n"
        + "latency.failed=0\nlatency.atOrOverMark=427\nlatency.allowed=426\nlatency.p99UnderMark=false\nlatency.status=1\n");
    String failed = Summary.of(run);
    assertThat(failed).contains("427 of 42,668 requests (1.00%) took 1,000 ms or more, at most 426 may: not held",
        "assertions (p99, error share): FAILED (p99 not under 1000 ms)");
    assertThat(failed).doesNotContain("instances");

    Files.writeString(run.resolve("baselines.properties"), common.replace("gatling.status=0", "gatling.status=2") + "p99Ms=1000\n"
        + "latency.status=2\n");
    assertThat(Summary.of(run)).contains("p99 not counted: Gatling's summary could not be read",
        "FAILED (status 2, p99 not counted)");
  }

  @Test
  void theKneesCpuIsSplitBetweenTheGatewayAndWhatIsOutsideItWithTheBoundsEachSets() {
    java.util.Properties k = new java.util.Properties();
    // the 40 journeys/s level of a knee run on this kind of machine
    k.putAll(java.util.Map.of("knee.cpu.agency.msPerJourney", "0.264", "knee.cpu.eventLoops.msPerJourney", "7.010",
        "knee.cpu.gatling.msPerJourney", "6.143", "knee.cpu.gc.msPerJourney", "0.151", "knee.cpu.jit.msPerJourney", "6.256",
        "knee.cpu.other.msPerJourney", "0.641", "knee.cpu.postgres.msPerJourney", "8.279", "knee.cpu.sandbox.msPerJourney", "7.764",
        "knee.cpu.signing.msPerJourney", "3.807"));
    StringBuilder sb = new StringBuilder();
    Summary.kneeBudget(sb, k, 40, 2, 314);
    String s = sb.toString();
    // gateway 7.010 + 3.807 + 0.151 + 6.256 + 0.641 = 17.865; outside 0.264 + 6.143 + 8.279 + 7.764 = 22.450
    assertThat(s).contains("CPU a journey at the knee: 40.3 ms, 17.9 ms of it the gateway's (3.8 ms signing), 22.5 ms outside it");
    // 2,000 ms / 22.45 = 89 journeys/s, 28% of 314; 2,000 / 17.865 = 112, 36%
    assertThat(s).contains("a gateway costing nothing (89/s) / RSA ceiling", "28%");
    assertThat(s).contains("the gateway on 2 cores of its own (112 journeys/s) / RSA ceiling", "36%");
    StringBuilder none = new StringBuilder();
    Summary.kneeBudget(none, new java.util.Properties(), 40, 2, 314);
    assertThat(none).as("a knee run without the CPU split prints no budget").isEmpty();
  }
}
