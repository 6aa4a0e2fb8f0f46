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
    while (!Files.exists(p.resolve("config/gateway.yaml"))) {
      p = p.getParent();
    }
    return p;
  }

  @Test
  void theShippedConfigurationLoadsAndTheEnvironmentOverridesIt() throws Exception {
    String yaml = Files.readString(repo().resolve("config/gateway.yaml"));
    GatewayConfig c = GatewayConfig.fromYaml(yaml, Map.of());
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.regions()).hasSize(5);
    assertThat(c.sandbox()).isTrue();
    assertThat(c.channel("wechat").getString("baseUrl")).isEqualTo("https://api.mch.weixin.qq.com");
    GatewayConfig e = GatewayConfig.fromYaml(yaml, Map.of("GATEWAY_PORT", "9999", "PGHOST", "db.example", "PGUSER", "lx"));
    assertThat(e.httpPort()).isEqualTo(9999);
    assertThat(e.databaseUrl()).contains("postgresql://lx@db.example:5432/lx");
    assertThatThrownBy(() -> GatewayConfig.fromYaml(yaml, Map.of("GATEWAY_PORT", "eighty")).httpPort())
        .hasMessageContaining("http.port (GATEWAY_PORT) must be a whole number");
  }

  @Test
  void aKeyWrittenTwiceIsRefused() {
    assertThatThrownBy(() -> GatewayConfig.fromYaml("demo:\n  roster: true\ndemo:\n  roster: false\n", Map.of()))
        .hasMessageContaining("duplicate key");
  }
}
