package cn.liangxian.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The gateway's configuration: {@code config/gateway.yaml} (or {@code GATEWAY_CONFIG}) with
 * environment overrides. Plain data, like the Vert.x options objects: built from a file, the
 * environment or code.
 */
public final class GatewayConfig {
  private final JsonObject json;
  private final Map<String, String> env;

  private GatewayConfig(JsonObject json, Map<String, String> env) {
    this.json = json;
    this.env = env;
  }

  /** Reads the file named by {@code GATEWAY_CONFIG}, else {@code config/gateway.yaml}, with overrides from {@code env}. */
  public static GatewayConfig load(Map<String, String> env) {
    Path file = Path.of(env.getOrDefault("GATEWAY_CONFIG", "config/gateway.yaml"));
    if (!Files.exists(file)) {
      throw new IllegalArgumentException("configuration file " + file + " not found (set GATEWAY_CONFIG or run from the"
          + " repository's top folder)");
    }
    try {
      return fromYaml(Files.readString(file, StandardCharsets.UTF_8), env);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  @SuppressWarnings("unchecked")
  public static GatewayConfig fromYaml(String yaml, Map<String, String> env) {
    // a key given twice is a mistake (the second would silently win): refuse it
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    Object root;
    try {
      root = new Yaml(new SafeConstructor(options)).load(yaml);
    } catch (org.yaml.snakeyaml.error.YAMLException e) {
      throw new IllegalArgumentException("configuration is not valid YAML: " + e.getMessage(), e);
    }
    if (!(root instanceof Map)) {
      throw new IllegalArgumentException("configuration must be a YAML mapping of sections");
    }
    return new GatewayConfig(new JsonObject(normalise((Map<String, Object>) root)), env);
  }

  /** YAML dates become strings, so that the JSON view holds only JSON types. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> normalise(Map<String, Object> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, normaliseValue(v)));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object normaliseValue(Object v) {
    if (v instanceof Map<?, ?> map) {
      return normalise((Map<String, Object>) map);
    }
    if (v instanceof List<?> list) {
      return list.stream().map(GatewayConfig::normaliseValue).toList();
    }
    if (v instanceof java.util.Date d) {
      return d.toInstant().atZone(java.time.ZoneOffset.UTC).toLocalDate().toString();
    }
    return v;
  }

  /** The environment this configuration was read with (secrets are looked up there). */
  public Map<String, String> env() {
    return env;
  }

  /** A copy with more overrides (tests use this). */
  public GatewayConfig with(Map<String, String> overrides) {
    Map<String, String> merged = new LinkedHashMap<>(env);
    merged.putAll(overrides);
    return new GatewayConfig(json, merged);
  }

  private String str(String envName, String section, String key, String dflt) {
    String v = env.get(envName);
    if (v != null && !v.isBlank()) {
      return v;
    }
    Object o = json.getJsonObject(section, new JsonObject()).getValue(key);
    return o == null || o.toString().isBlank() ? dflt : o.toString();
  }

  private int integer(String envName, String section, String key, int dflt) {
    String v = str(envName, section, key, null);
    try {
      return v == null ? dflt : Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(section + "." + key + " (" + envName + ") must be a whole number, got '" + v + "'");
    }
  }

  private boolean bool(String envName, String section, String key, boolean dflt) {
    String v = str(envName, section, key, null);
    return v == null ? dflt : Boolean.parseBoolean(v.trim());
  }

  public int httpPort() {
    return integer("GATEWAY_PORT", "http", "port", 8080);
  }

  public String httpHost() {
    return str("GATEWAY_HOST", "http", "host", "0.0.0.0");
  }

  public int maxBodyBytes() {
    return integer("GATEWAY_MAX_BODY_BYTES", "http", "maxBodyBytes", 65536);
  }

  /** The largest roster the operator API accepts in one request; bigger files go through the command line. */
  /** Operator login attempts per network address and minute (password spraying across many names). */
  public int loginsPerMinutePerAddress() {
    return integer("GATEWAY_LOGINS_PER_MINUTE_PER_ADDRESS", "operator", "loginsPerMinutePerAddress", 20);
  }

  public int maxRosterBytes() {
    return integer("GATEWAY_MAX_ROSTER_BYTES", "operator", "maxRosterBytes", 64 * 1024 * 1024);
  }

  public String publicBaseUrl() {
    return str("GATEWAY_PUBLIC_URL", "http", "publicBaseUrl", "http://127.0.0.1:" + httpPort());
  }

  public Path dataDir() {
    return Path.of(str("GATEWAY_DATA_DIR", "database", "dataDir", "./data"));
  }

  /** An external database URL, if one is configured (GATEWAY_DB_URL, or PGHOST and friends). */
  public Optional<String> databaseUrl() {
    String url = env.get("GATEWAY_DB_URL");
    if (url != null && !url.isBlank()) {
      return Optional.of(url);
    }
    if (env.containsKey("PGHOST")) {
      String user = env.getOrDefault("PGUSER", "postgres");
      String pass = env.getOrDefault("PGPASSWORD", "");
      return Optional.of("postgresql://" + user + (pass.isEmpty() ? "" : ":" + pass) + "@" + env.get("PGHOST") + ":"
          + env.getOrDefault("PGPORT", "5432") + "/" + env.getOrDefault("PGDATABASE", user));
    }
    return Optional.empty();
  }

  public int poolSize() {
    return integer("GATEWAY_DB_POOL_SIZE", "database", "poolSize", 8);
  }

  public int pipeliningLimit() {
    return integer("GATEWAY_DB_PIPELINING", "database", "pipeliningLimit", 256);
  }

  public Path keyDir() {
    String dir = str("GATEWAY_KEY_DIR", "keys", "dir", "");
    return dir.isEmpty() ? dataDir().resolve("keys") : Path.of(dir);
  }

  /** Collection targets loaded at start (003's township tables ship as the sample). */
  public Path targetsDir() {
    return Path.of(str("GATEWAY_TARGETS_DIR", "targets", "dir", "config/targets"));
  }

  public Path policyDir() {
    return Path.of(str("GATEWAY_POLICY_DIR", "policies", "dir", "config/policies"));
  }

  /** One region: its code, its book file, and the pinned pay date if any. */
  public record RegionBook(String code, String book, LocalDate payDate) {}

  public List<RegionBook> regions() {
    JsonArray a = json.getJsonArray("regions", new JsonArray());
    return a.stream().map(o -> (JsonObject) o).map(r -> new RegionBook(r.getValue("code").toString(), r.getString("book"),
        r.getValue("payDate") == null ? null : LocalDate.parse(r.getValue("payDate").toString()))).toList();
  }

  /** A channel's settings (channels.wechat / channels.alipay); secrets are files or environment variables. */
  public JsonObject channel(String name) {
    return json.getJsonObject("channels", new JsonObject()).getJsonObject(name, new JsonObject());
  }

  public int orderExpiryMinutes() {
    return integer("GATEWAY_ORDER_EXPIRY_MINUTES", "orders", "expiryMinutes", 15);
  }

  /** How often orders are swept: expiry, and queries of orders whose callback has not come. */
  public int sweepMillis() {
    return integer("GATEWAY_SWEEP_MILLIS", "orders", "sweepMillis", 5000);
  }

  /** How often the progress gauges are recomputed. */
  public int progressMetricsMillis() {
    return integer("GATEWAY_PROGRESS_METRICS_MILLIS", "orders", "progressMetricsMillis", 60_000);
  }

  public int lookupsPerMinute() {
    return integer("GATEWAY_LOOKUPS_PER_MINUTE", "rateLimit", "lookupsPerMinute", 30);
  }

  public int lookupBurst() {
    return integer("GATEWAY_LOOKUP_BURST", "rateLimit", "burst", 10);
  }

  /**
   * Lookups per minute from one network address, whatever client ids it claims: the client id is a
   * header, so without this a caller could rotate it to escape its limit.
   */
  public int lookupsPerMinutePerAddress() {
    return integer("GATEWAY_LOOKUPS_PER_MINUTE_PER_ADDRESS", "rateLimit", "perAddressPerMinute", 600);
  }

  public int lookupBurstPerAddress() {
    return integer("GATEWAY_LOOKUP_BURST_PER_ADDRESS", "rateLimit", "perAddressBurst", 100);
  }

  public boolean demoRoster() {
    return bool("GATEWAY_DEMO_ROSTER", "demo", "roster", true);
  }

  public boolean sandbox() {
    return bool("GATEWAY_SANDBOX", "demo", "sandbox", true);
  }

  public int sandboxPort() {
    return integer("GATEWAY_SANDBOX_PORT", "demo", "sandboxPort", 8090);
  }
}
