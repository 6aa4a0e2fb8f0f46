package cn.liangxian.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The settings file a site installs beside the gateway's systemd unit ({@code config/systemd/gateway.env}) is one the
 * gateway starts with: every {@code GATEWAY_*} variable in it is one the gateway knows (an unknown one would stop the
 * start), and it says what a real deployment must: the real channels, no demo roster, behind the balancer.
 */
class DeploymentFilesTest {

  /** The file's variables, as systemd's EnvironmentFile= reads them: KEY=VALUE lines; blank lines and comments skipped. */
  static Map<String, String> environmentFile(Path file) throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      int eq = l.indexOf('=');
      assertThat(eq).as("a KEY=VALUE line: " + l).isPositive();
      env.put(l.substring(0, eq), l.substring(eq + 1));
    }
    return env;
  }

  @Test
  void theSitesSettingsFileNamesOnlyVariablesTheGatewayKnowsAndTurnsTheDemoOff() throws Exception {
    Map<String, String> env = environmentFile(TestGateway.repo().resolve("config/systemd/gateway.env"));
    assertThat(env).containsKeys("GATEWAY_DB_URL", "GATEWAY_PUBLIC_URL", "JAVA_OPTS");
    // the configuration file it names is the one shipped here, with the site's merchants filled in
    String yaml = Files.readString(TestGateway.repo().resolve("config/gateway.yaml")).replace("mchid: \"\"", "mchid: \"1900000109\"")
        .replace("appId: \"\"", "appId: \"2021000000000109\"").replace("merchantSerial: \"\"", "merchantSerial: \"SERIAL0109\"");
    GatewayOptions options = GatewayOptions.fromYaml(env.get("GATEWAY_CONFIG"), yaml, env);
    assertThat(options.sandbox()).isFalse();
    assertThat(options.demoRoster()).isFalse();
    assertThat(options.behindProxy()).isTrue();
    assertThat(options.databaseUrl()).isPresent();
    assertThat(options.keyDir()).isEqualTo(Path.of("/etc/liangxian/keys"));
    assertThat(options.policyDir()).isEqualTo(Path.of("/etc/liangxian/policies"));
    assertThat(options.dataDir()).isEqualTo(Path.of("/var/lib/liangxian"));
    // and a misspelled one in it would stop the start, naming it
    Map<String, String> misspelled = new LinkedHashMap<>(env);
    misspelled.put("GATEWAY_BEHIND_PROXIES", "true");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> GatewayOptions.fromYaml(env.get("GATEWAY_CONFIG"), yaml, misspelled))
        .isInstanceOf(ConfigException.class).hasMessageContaining("GATEWAY_BEHIND_PROXIES");
  }

  /** The unit runs the jar with the file's JVM options and leaves the gateway its drain and grace to stop in. */
  @Test
  void theUnitStopsTheGatewayGracefullyWithinItsOwnTimeOut() throws Exception {
    String unit = Files.readString(TestGateway.repo().resolve("config/systemd/liangxian-gateway.service"));
    assertThat(unit).contains("EnvironmentFile=/etc/liangxian/gateway.env", "$JAVA_OPTS -jar", "KillSignal=SIGTERM",
        "SuccessExitStatus=143");
    int stopSeconds = Integer.parseInt(unit.replaceAll("(?s).*\nTimeoutStopSec=(\\d+)\n.*", "$1"));
    GatewayOptions defaults = GatewayOptions.fromYaml(Files.readString(TestGateway.repo().resolve("config/gateway.yaml")), Map.of());
    assertThat((defaults.drainMillis() + defaults.shutdownGraceMillis()) / 1000).as("drain and grace inside the unit's stop time")
        .isLessThan(stopSeconds);
  }
}
