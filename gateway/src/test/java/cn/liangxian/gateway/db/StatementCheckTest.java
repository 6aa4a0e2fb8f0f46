package cn.liangxian.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.liangxian.gateway.Gateway;
import cn.liangxian.gateway.config.GatewayOptions;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.support.MutableClock;
import cn.liangxian.gateway.support.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A schema the gateway's statements do not fit (a column renamed by hand, a migration out of step) stops its start. */
class StatementCheckTest {
  @TempDir
  Path keys;

  @Test
  void statementsTheSchemaCannotRunStopTheStartNamingEachOfThem() throws Exception {
    Database db = TestGateway.migratedDatabase("unfit_" + ProcessHandle.current().pid());
    try (var c = db.connect(); var st = c.createStatement()) {
      st.execute("alter table callback_log rename column outcome to outcome_was");
      st.execute("alter table resident_session rename column subject to subject_was");
    }
    Map<String, String> env = new HashMap<>(Map.of("GATEWAY_PORT", "0", "GATEWAY_SANDBOX_PORT", "0", "GATEWAY_DEMO_ROSTER", "false",
        "GATEWAY_KEY_DIR", keys.toString(), "GATEWAY_DATA_DIR", keys.toString(),
        "GATEWAY_OPERATOR_ADMIN_PASSWORD", TestGateway.ADMIN_PASSWORD,
        "GATEWAY_POLICY_DIR", TestGateway.repo().resolve("config/policies").toString(),
        "GATEWAY_TARGETS_DIR", TestGateway.repo().resolve("config/targets").toString()));
    GatewayOptions options = GatewayOptions.fromYaml(Files.readString(TestGateway.repo().resolve("config/gateway.yaml")), env);
    MutableClock clock = new MutableClock(Instant.parse("2019-12-15T02:00:00Z"));

    assertThatThrownBy(() -> Gateway.start(options, env, clock, Regions.load(options, clock), db).close())
        .hasMessageContaining("statements do not fit the database schema")
        .hasMessageContaining("\"outcome\"")
        .hasMessageContaining("insert into callback_log")
        .as("every misfit is named, not only the first").hasMessageContaining("\"subject\"").hasMessageContaining("insert into resident_session");

    try (var c = db.connect(); var st = c.createStatement()) {
      st.execute("alter table callback_log rename column outcome_was to outcome");
      st.execute("alter table resident_session rename column subject_was to subject");
    }
    try (Gateway started = Gateway.start(options, env, clock, Regions.load(options, clock), db)) {
      assertThat(started.httpPort()).as("the same database, its column back, lets the gateway start").isPositive();
    }
  }
}
