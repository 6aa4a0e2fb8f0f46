package cn.liangxian.gateway.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The load test's database baseline runs the gateway's own lookup query, not one that drifted from it. */
class LookupBenchmarkSqlTest {

  @Test
  void pgbenchRunsTheLookupQuery() throws Exception {
    String script = Files.readString(Path.of("../loadtest/bench/lookup.pgbench.sql"), StandardCharsets.UTF_8);
    String select = script.lines().filter(l -> l.startsWith("select ")).findFirst().orElseThrow();
    String asPrepared = select.replace("(select id_index from bench_keys where n = :n)", "$1")
        .replace("(select name from bench_keys where n = :n)", "$2").replaceAll(";$", "");
    assertThat(asPrepared).isEqualTo(HouseholdStore.BY_PERSON);
  }
}
