package cn.liangxian.loadtest.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DashboardQueriesTest {

  @Test
  void aTemplateVariableIsEvaluatedForEachOfItsValues() throws Exception {
    var variables = new ObjectMapper().readTree("[{\"name\":\"insurance\",\"type\":\"custom\",\"query\":\"medical,pension\","
        + "\"current\":{\"value\":\"medical\"}}]");
    assertThat(DashboardQueries.expanded("sum(x{insurance=\"$insurance\"})", variables))
        .containsExactly("sum(x{insurance=\"medical\"})", "sum(x{insurance=\"pension\"})");
    assertThat(DashboardQueries.expanded("sum(y)", variables)).containsExactly("sum(y)");
  }

  @Test
  void everyPanelOfTheRepositorysDashboardsIsListed() throws Exception {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.isDirectory(dir.resolve("config/grafana/dashboards"))) {
      dir = dir.getParent();
    }
    List<String[]> all = DashboardQueries.expressions(dir.resolve("config/grafana/dashboards"));
    assertThat(all).extracting(e -> e[1]).contains("Kiosk requests refused");
    assertThat(all).extracting(e -> e[2]).noneMatch(e -> e.contains("$"));
  }
}
