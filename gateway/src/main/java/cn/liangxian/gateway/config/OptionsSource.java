package cn.liangxian.gateway.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Where the options come from: the YAML file, parsed strictly, and the environment, checked for typos. */
final class OptionsSource {
  /** Variables read directly (secrets, the file's name, an external database) beside those that override a key. */
  private static final Set<String> OTHER_VARIABLES = Set.of("GATEWAY_CONFIG", "GATEWAY_DB_URL", "GATEWAY_ID_SM4_KEY",
      "GATEWAY_ID_INDEX_KEY", "GATEWAY_WECHAT_MERCHANT_KEY", "GATEWAY_WECHAT_APIV3_KEY", "GATEWAY_ALIPAY_APP_KEY",
      "GATEWAY_ALIPAY_PUBLIC_KEY", "GATEWAY_ALIPAY_APP_AUTH_TOKEN", "GATEWAY_WECHAT_APP_SECRET", "GATEWAY_UNIONPAY_SIGN_KEY",
      "GATEWAY_OPERATOR_ADMIN_PASSWORD", "GATEWAY_OPERATOR_PASSWORD",
      // the kiosk agent's `register` reads these: exported in the same shell, they must not stop the gateway
      "GATEWAY_OPERATOR_USER", "GATEWAY_OPERATOR_PASSWORD_FILE");

  private OptionsSource() {}

  /** The file named by {@code GATEWAY_CONFIG}, else {@code config/gateway.yaml}; it must exist. */
  static Path file(Map<String, String> env) {
    Path file = Path.of(env.getOrDefault("GATEWAY_CONFIG", "config/gateway.yaml"));
    if (!Files.exists(file)) {
      throw new ConfigException("configuration file " + file + " not found (set GATEWAY_CONFIG or run from the"
          + " repository's top folder)");
    }
    return file;
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The YAML's top-level mapping of sections; {@code source} names the file in messages. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> parse(String source, String yaml) {
    // a key given twice is a mistake (the second would silently win): refuse it
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    Object root;
    try {
      root = new Yaml(new SafeConstructor(options)).load(yaml);
    } catch (org.yaml.snakeyaml.error.YAMLException e) {
      throw new ConfigException(source + ": not valid YAML: " + e.getMessage().replace('\n', ' '), e);
    }
    if (!(root instanceof Map)) {
      throw new ConfigException(source + ": must be a YAML mapping of sections");
    }
    return (Map<String, Object>) root;
  }

  /** A {@code GATEWAY_*} variable that is no setting is a typo (GATEWAY_PROT=...): refused, never ignored. */
  static void refuseUnknownVariables(Map<String, String> env, Set<String> overrides) {
    Set<String> accepted = new TreeSet<>(OTHER_VARIABLES);
    accepted.addAll(overrides);
    for (String name : env.keySet()) {
      if (name.startsWith("GATEWAY_") && !accepted.contains(name)) {
        throw new ConfigException("environment: " + name + " is not a setting; accepted: " + String.join(", ", accepted));
      }
    }
  }
}
