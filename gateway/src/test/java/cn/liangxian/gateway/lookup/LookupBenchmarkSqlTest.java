package cn.liangxian.gateway.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The load test's database baseline runs the gateway's own lookup queries, not ones that drifted from them. */
class LookupBenchmarkSqlTest {

  @Test
  void pgbenchRunsTheLookupQueries() throws Exception {
    String script = Files.readString(Path.of("../loadtest/bench/lookup.pgbench.sql"), StandardCharsets.UTF_8);
    List<String> selects = script.lines().filter(l -> l.startsWith("select ")).toList();
    assertThat(selects).hasSize(2);
    String stamp = selects.get(0).replace("(select id_index from bench_keys where n = :n)", "$1")
        .replace("(select name from bench_keys where n = :n)", "$2").replaceAll(" \\\\gset$", "");
    assertThat(stamp).isEqualTo(HouseholdStore.STAMP_BY_PERSON);
    assertThat(selects.get(1).replace(":id", "$1").replaceAll(";$", "")).isEqualTo(HouseholdStore.BY_ID);
  }
}
