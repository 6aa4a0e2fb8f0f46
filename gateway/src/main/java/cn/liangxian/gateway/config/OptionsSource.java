package cn.liangxian.gateway.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/** Where the options come from: the YAML file, parsed strictly, and the environment, checked for typos. */
final class OptionsSource {
  /** Variables read directly (secrets, the file's name, an external database) beside those that override a key. */
  private static final Set<String> OTHER_VARIABLES = Set.of("GATEWAY_CONFIG", "GATEWAY_DB_URL", "GATEWAY_ID_SM4_KEY",
      "GATEWAY_ID_SM4_OLD_KEYS", "GATEWAY_ID_INDEX_KEY", "GATEWAY_WECHAT_MERCHANT_KEY", "GATEWAY_WECHAT_APIV3_KEY", "GATEWAY_ALIPAY_APP_KEY",
      "GATEWAY_ALIPAY_PUBLIC_KEY", "GATEWAY_ALIPAY_APP_AUTH_TOKEN", "GATEWAY_WECHAT_APP_SECRET", "GATEWAY_UNIONPAY_SIGN_KEY",
      "GATEWAY_OPERATOR_ADMIN_PASSWORD", "GATEWAY_OPERATOR_PASSWORD", "GATEWAY_HANDOFF_KEY_REPLACES",
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
      root = new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()), new DumperOptions(), options,
          new StrictResolver()).load(yaml);
    } catch (org.yaml.snakeyaml.error.YAMLException e) {
      throw new ConfigException(source + ": not valid YAML: " + e.getMessage().replace('\n', ' '), e);
    }
    if (!(root instanceof Map)) {
      throw new ConfigException(source + ": must be a YAML mapping of sections");
    }
    return (Map<String, Object>) root;
  }

  /**
   * YAML 1.1's implicit types, less its surprises: only {@code true} and {@code false} are booleans ({@code yes},
   * {@code on} stay text, and are refused where a boolean belongs), a number is decimal ({@code 0123} is not octal
   * 83, {@code 1:30} not 90), and a date stays text, read strictly where a date belongs ({@code 2019-12-32} is
   * refused, not taken for 1 January 2020).
   */
  static final class StrictResolver extends Resolver {
    private static final Pattern TRUE_FALSE = Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$");
    private static final Pattern DECIMAL = Pattern.compile("^[-+]?(?:0|[1-9][0-9_]*)$");

    @Override
    protected void addImplicitResolvers() {
      addImplicitResolver(Tag.BOOL, TRUE_FALSE, "tTfF", 10);
      addImplicitResolver(Tag.INT, DECIMAL, "-+0123456789");
      addImplicitResolver(Tag.FLOAT, FLOAT, "-+0123456789.");
      addImplicitResolver(Tag.MERGE, MERGE, "<", 10);
      addImplicitResolver(Tag.NULL, NULL, "~nN\0", 10);
      addImplicitResolver(Tag.NULL, EMPTY, null, 10);
    }
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
