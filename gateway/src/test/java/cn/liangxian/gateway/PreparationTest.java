package cn.liangxian.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.config.GatewayOptions;
import cn.liangxian.gateway.db.Database;
import cn.liangxian.gateway.handoff.ExchangeKeys;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.operator.PasswordHasher;
import cn.liangxian.gateway.privacy.PersonalDataCipher;
import cn.liangxian.gateway.roster.RosterImport;
import cn.liangxian.gateway.support.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start prepares the database (migrations, key checks, regions, books, targets, the first account) on the one
 * connection that holds its turn: a new PostgreSQL session is a process and tens of milliseconds of the server's CPU,
 * which instances restarted together at a failover would otherwise spend once a step on the new primary.
 */
class PreparationTest {
  @TempDir
  Path keys;

  @Test
  void everyStepOfAStartsPreparationRunsOnTheConnectionThatHoldsItsTurn() throws Exception {
    String name = "prepared_" + ProcessHandle.current().pid();
    Database db = TestGateway.server().createDatabase(name); // empty: every migration to run
    // a receiver of the hand-off, so that the hand-off key's check is among the steps
    ExchangeKeys.create(keys, "handoff-key.pem", "SM2");
    Files.copy(keys.resolve("handoff-key.pub.pem"), keys.resolve("agency.pub.pem"));
    Path config = keys.resolve("gateway.yaml");
    String yaml = Files.readString(TestGateway.repo().resolve("config/gateway.yaml"));
    assertThat(yaml).contains("  receivers: []\n");
    Files.writeString(config, yaml.replace("  receivers: []\n", "  receivers:\n    - {name: rg-medical, region: \"320682\","
        + " insurance: medical, transport: file, keyFile: agency.pub.pem, folder: \"" + keys.resolve("out") + "\"}\n"));
    Map<String, String> env = new HashMap<>(TestGateway.ownDatabaseEnv(keys, Map.of("GATEWAY_CONFIG", config.toString(),
        "GATEWAY_KEY_DIR", keys.toString())));
    GatewayOptions options = GatewayOptions.fromYaml(Files.readString(config), env);
    assertThat(options.handoff().receivers()).hasSize(1);
    Regions regions = Regions.load(options, Clock.systemUTC());
    PersonalDataCipher cipher = PersonalDataCipher.load(options.keyDir(), env);
    RosterImport roster = new RosterImport(db, cipher, () -> RosterImport.regionInfo(regions));

    try (Database.StartupTurn turn = db.startupLock(); Connection server = TestGateway.server().connect();
        var st = server.createStatement()) {
      // from here no new session may open on the database: a step that opened one of its own would fail
      st.execute("alter database " + name + " allow_connections false");
      try {
        Gateway.prepare(turn, options, env, regions, cipher, new PasswordHasher(), roster);
      } finally {
        st.execute("alter database " + name + " allow_connections true");
      }
    }

    try (Connection c = db.connect(); var st = c.createStatement();
        var rs = st.executeQuery("select (select count(*) from flyway_schema_history where success),"
            + " (select count(*) from flyway_schema_history where not success), (select count(*) from region),"
            + " (select count(*) from target), (select count(*) from operator_account where username = 'admin'),"
            + " (select count(*) from id_key_check), (select count(*) from handoff_key_check)")) {
      rs.next();
      assertThat(rs.getLong(1)).as("migrations applied").isGreaterThan(50);
      assertThat(rs.getLong(2)).as("migrations failed").isZero();
      assertThat(rs.getLong(3)).as("regions registered").isEqualTo(regions.all().size());
      assertThat(rs.getLong(4)).as("targets loaded").isPositive();
      assertThat(rs.getLong(5)).as("the first administrator").isEqualTo(1);
      assertThat(rs.getLong(6)).as("the ID keys' check value").isEqualTo(1);
      assertThat(rs.getLong(7)).as("the hand-off key's fingerprint").isEqualTo(1);
    }
  }
}
