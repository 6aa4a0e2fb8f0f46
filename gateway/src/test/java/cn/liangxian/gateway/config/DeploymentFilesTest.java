package cn.liangxian.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The settings file a site installs beside the gateway's systemd unit ({@code config/systemd/gateway.env}) is one the
 * gateway starts with: every {@code GATEWAY_*} variable in it is one the gateway knows (an unknown one would stop the
 * start), and it says what a real deployment must: the real channels, no demo roster, behind the balancer. The
 * PostgreSQL machines' files (Patroni's, shared by every node, with each node's values in {@code patroni.env}, and
 * etcd's three members in {@code etcd.env}) agree with each other and with the balancer's addresses.
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

  /** Patroni's file holds nothing of one node's: those come from patroni.env, whose variables are exactly those. */
  @Test
  void patronisFileIsTheSameOnEveryNodeAndEachNodesValuesComeFromItsSettings() throws Exception {
    Map<String, Object> patroni = yaml("config/cluster/patroni.yml");
    assertThat(patroni).doesNotContainKeys("name", "restapi", "etcd");
    assertThat(map(patroni, "postgresql")).doesNotContainKeys("listen", "connect_address", "data_dir", "bin_dir", "pgpass");
    Map<String, String> node = environmentFile(TestGateway.repo().resolve("config/systemd/patroni.env"));
    // the REST API's changes (switchover, restart, configuration) ask for a password
    assertThat(node.keySet()).containsExactlyInAnyOrder("PATRONI_NAME", "PATRONI_RESTAPI_LISTEN", "PATRONI_RESTAPI_CONNECT_ADDRESS",
        "PATRONI_RESTAPI_USERNAME", "PATRONI_RESTAPI_PASSWORD", "PATRONI_POSTGRESQL_LISTEN", "PATRONI_POSTGRESQL_CONNECT_ADDRESS",
        "PATRONI_POSTGRESQL_DATA_DIR", "PATRONI_POSTGRESQL_BIN_DIR", "PATRONI_POSTGRESQL_PGPASS", "PATRONI_SUPERUSER_PASSWORD",
        "PATRONI_REPLICATION_PASSWORD");
    // the users whose passwords it gives are the ones the file names
    Map<String, Object> auth = map(map(patroni, "postgresql"), "authentication");
    assertThat(auth.keySet()).containsExactlyInAnyOrder("superuser", "replication");
    // Patroni's rule, so that a primary still retrying etcd or PostgreSQL never outlives its leader key
    Map<String, Object> dcs = map(map(patroni, "bootstrap"), "dcs");
    assertThat((int) dcs.get("loop_wait") + 2 * (int) dcs.get("retry_timeout")).isLessThanOrEqualTo((int) dcs.get("ttl"));
    assertThat(dcs).containsEntry("synchronous_mode", true).containsEntry("failsafe_mode", true);
  }

  /** Three etcd members, each in the others' list; Patroni asks all three; the balancer and pg_hba know the nodes. */
  @Test
  void etcdsThreeMembersPatronisNodesAndTheBalancerNameTheSameMachines() throws Exception {
    Map<String, String> etcd = environmentFile(TestGateway.repo().resolve("config/systemd/etcd.env"));
    Map<String, String> members = new LinkedHashMap<>();
    for (String member : etcd.get("ETCD_INITIAL_CLUSTER").split(",")) {
      String[] nameUrl = member.split("=", 2);
      members.put(nameUrl[0], nameUrl[1]);
    }
    assertThat(members).hasSize(3).containsEntry(etcd.get("ETCD_NAME"), etcd.get("ETCD_INITIAL_ADVERTISE_PEER_URLS"));
    assertThat(etcd.get("ETCD_LISTEN_PEER_URLS")).isEqualTo(etcd.get("ETCD_INITIAL_ADVERTISE_PEER_URLS"));
    assertThat(etcd.get("ETCD_LISTEN_CLIENT_URLS").split(",")).contains(etcd.get("ETCD_ADVERTISE_CLIENT_URLS"));
    String clientPort = port(etcd.get("ETCD_ADVERTISE_CLIENT_URLS"));
    List<String> memberHosts = members.values().stream().map(DeploymentFilesTest::host).toList();

    Map<String, String> node = environmentFile(TestGateway.repo().resolve("config/systemd/patroni.env"));
    String etcdHosts = String.valueOf(map(yaml("config/cluster/patroni.yml"), "etcd3").get("hosts"));
    assertThat(Arrays.asList(etcdHosts.split(","))).as("Patroni asks every etcd member")
        .containsExactlyInAnyOrderElementsOf(memberHosts.stream().map(h -> h + ":" + clientPort).toList());
    String nodeHost = host(node.get("PATRONI_POSTGRESQL_CONNECT_ADDRESS"));
    assertThat(node.get("PATRONI_POSTGRESQL_LISTEN")).as("its own address, and loopback for Patroni's own connection")
        .startsWith(nodeHost + ",").contains("127.0.0.1");
    assertThat(host(node.get("PATRONI_RESTAPI_CONNECT_ADDRESS"))).isEqualTo(nodeHost);
    assertThat(memberHosts).as("etcd runs on the PostgreSQL machines (and a third)").contains(nodeHost);

    Map<String, String> balancer = environmentFile(TestGateway.repo().resolve("config/systemd/haproxy.env"));
    assertThat(balancer).containsEntry("LX_PG1_HOST", nodeHost)
        .containsEntry("LX_PG1_PORT", port(node.get("PATRONI_POSTGRESQL_CONNECT_ADDRESS")))
        .containsEntry("LX_PG1_API_PORT", port(node.get("PATRONI_RESTAPI_CONNECT_ADDRESS")));
    assertThat(memberHosts).contains(balancer.get("LX_PG2_HOST"));
    // the balancer faces the internet: once its port is bound it drops root for the user Debian's package makes
    assertThat(balancer).containsEntry("LX_HAPROXY_USER", "haproxy");
    assertThat(java.nio.file.Files.readString(TestGateway.repo().resolve("config/cluster/haproxy.cfg")))
        .contains("  user \"${LX_HAPROXY_USER}\"\n  group \"${LX_HAPROXY_USER}\"\n");

    // PostgreSQL lets in the other node's replication and rewind and the gateways' machines, each by password
    @SuppressWarnings("unchecked")
    List<String> hba = (List<String>) map(yaml("config/cluster/patroni.yml"), "postgresql").get("pg_hba");
    String pg2 = balancer.get("LX_PG2_HOST");
    assertThat(admits(hba, "replication", "replicator", pg2)).isTrue();
    assertThat(admits(hba, "postgres", "postgres", pg2)).isTrue();
    assertThat(admits(hba, "postgres", "postgres", nodeHost)).isTrue();
    // the third etcd machine holds no database: not let in as the superuser
    String third = memberHosts.stream().filter(h -> !h.equals(nodeHost) && !h.equals(pg2)).findFirst().orElseThrow();
    assertThat(admits(hba, "postgres", "postgres", third)).isFalse();
    for (String gateway : List.of("LX_GW1_HOST", "LX_GW2_HOST", "LX_GW3_HOST")) {
      assertThat(admits(hba, "liangxian", "liangxian", balancer.get(gateway))).as(gateway).isTrue();
    }
    assertThat(admits(hba, "liangxian", "liangxian", "192.0.2.7")).as("an address of nobody's").isFalse();
    String url = environmentFile(TestGateway.repo().resolve("config/systemd/gateway.env")).get("GATEWAY_DB_URL");
    assertThat(url).as("the gateway's user and database are the ones let in").contains("://liangxian:").endsWith("/liangxian");
  }

  /** Whether a "host" line of pg_hba (database, user, IPv4 CIDR, scram-sha-256) lets that user in from that address. */
  private static boolean admits(List<String> hba, String database, String user, String address) {
    for (String line : hba) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 5 && f[0].equals("host") && Set.of(database, "all").contains(f[1]) && Set.of(user, "all").contains(f[2])
          && f[4].equals("scram-sha-256") && inCidr(address, f[3])) {
        return true;
      }
    }
    return false;
  }

  private static boolean inCidr(String address, String cidr) {
    String[] parts = cidr.split("/");
    int bits = Integer.parseInt(parts[1]);
    long mask = bits == 0 ? 0 : (0xffffffffL << (32 - bits)) & 0xffffffffL;
    return (ipv4(address) & mask) == (ipv4(parts[0]) & mask);
  }

  private static long ipv4(String address) {
    long v = 0;
    for (String octet : address.split("\\.")) {
      v = (v << 8) | Integer.parseInt(octet);
    }
    return v;
  }

  /** "http://10.0.2.11:2380" or "10.0.2.11:5432": the host. */
  private static String host(String address) {
    String a = address.replaceFirst("^[a-z]+://", "");
    return a.substring(0, a.lastIndexOf(':'));
  }

  private static String port(String address) {
    return address.substring(address.lastIndexOf(':') + 1);
  }

  private static Map<String, Object> yaml(String file) throws Exception {
    return new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(TestGateway.repo().resolve(file)));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    assertThat(parent).containsKey(key);
    return (Map<String, Object>) parent.get(key);
  }
}
