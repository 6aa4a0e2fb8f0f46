package cn.liangxian.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

  static Path repo() {
    Path p = Path.of("").toAbsolutePath();
    while (!Files.isRegularFile(p.resolve("config").resolve("gateway.yaml"))) {
      p = p.getParent();
    }
    return p;
  }

  @Test
  void theShippedConfigurationLoadsWithEveryRegionPinnedInsideItsWindow() throws Exception {
    GatewayConfig c = GatewayConfig.fromYaml(Files.readString(repo().resolve("config/gateway.yaml")), Map.of());
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.regions()).extracting(GatewayConfig.RegionBook::code)
        .containsExactlyInAnyOrder("371312", "370405", "370404", "431103", "320682");
    assertThat(c.regions()).allSatisfy(r -> assertThat(r.payDate()).isNotNull());
    assertThat(c.demoRoster()).isTrue();
  }

  @Test
  void environmentOverridesTheFile() throws Exception {
    GatewayConfig c = GatewayConfig.fromYaml(Files.readString(repo().resolve("config/gateway.yaml")),
        Map.of("GATEWAY_PORT", "9191", "GATEWAY_LOOKUPS_PER_MINUTE_PER_ADDRESS", "42"));
    assertThat(c.httpPort()).isEqualTo(9191);
    assertThat(c.lookupsPerMinutePerAddress()).isEqualTo(42);
  }

  @Test
  void aKeyGivenTwiceIsRefusedRatherThanSilentlyOverridden() {
    assertThatThrownBy(() -> GatewayConfig.fromYaml("http:\n  port: 1\ndemo:\n  roster: true\nhttp:\n  port: 2\n", Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http");
    assertThatThrownBy(() -> GatewayConfig.fromYaml("- a\n- b\n", Map.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void channelsAndAnExternalDatabaseComeFromTheFileAndTheEnvironment() throws Exception {
    String yaml = Files.readString(repo().resolve("config/gateway.yaml"));
    GatewayConfig c = GatewayConfig.fromYaml(yaml, Map.of("PGHOST", "db.example", "PGUSER", "lx"));
    assertThat(c.channel("wechat").getString("baseUrl")).isEqualTo("https://api.mch.weixin.qq.com");
    assertThat(c.sandbox()).isTrue();
    assertThat(c.databaseUrl()).contains("postgresql://lx@db.example:5432/lx");
    assertThatThrownBy(() -> GatewayConfig.fromYaml(yaml, Map.of("GATEWAY_PORT", "eighty")).httpPort())
        .hasMessageContaining("http.port (GATEWAY_PORT) must be a whole number");
  }
}
