package cn.liangxian.gateway.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The load test's database baselines run the gateway's own lookup queries, not ones that drifted from them. */
class LookupBenchmarkSqlTest {

  static String asPrepared(String file) throws Exception {
    String script = Files.readString(Path.of("../loadtest/bench/" + file), StandardCharsets.UTF_8);
    String select = script.lines().filter(l -> l.startsWith("select ")).findFirst().orElseThrow();
    return select.replace("(select id_index from bench_keys where n = :n)", "$1")
        .replace("(select name from bench_keys where n = :n)", "$2").replaceAll(";$", "");
  }

  @Test
  void pgbenchRunsTheLookupQueries() throws Exception {
    assertThat(asPrepared("lookup.pgbench.sql")).isEqualTo(HouseholdStore.BY_PERSON);
    assertThat(asPrepared("lookup-kept.pgbench.sql")).isEqualTo(HouseholdStore.STAMP_BY_PERSON);
  }
}
