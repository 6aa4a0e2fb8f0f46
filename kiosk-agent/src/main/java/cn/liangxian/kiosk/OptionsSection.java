package cn.liangxian.kiosk;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * One mapping of a YAML file, read strictly. A section first names the keys it takes ({@link #takes}); any other
 * key (a typo, or a setting that does not exist) is refused before a value is read, so a misspelled key is
 * reported as such rather than as the missing key it was meant to be. YAML's
 * types are kept: a number is not text, and only {@code true} and {@code false} are booleans ({@code yes},
 * {@code no}, {@code on} and {@code off} stay text, so {@code type: no} is refused instead of read as false).
 * Every refusal is one line: the source, the key, what is accepted.
 */
final class OptionsSection {

  private final String source;
  private final String path;
  private final Map<String, Object> values;
  private final Set<String> keys = new LinkedHashSet<>();

  private OptionsSection(String source, String path, Map<String, Object> values) {
    this.source = source;
    this.path = path;
    this.values = values;
  }

  /** The top mapping of {@code yaml}; {@code source} names the file in every refusal. */
  static OptionsSection parse(String source, String yaml) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false); // the second of two would silently win
    Object root;
    try {
      root = new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()), new DumperOptions(), options,
          new PlainResolver()).load(yaml);
    } catch (MarkedYAMLException e) {
      throw new InvalidOptionsException(source + ": not valid YAML at line " + (e.getProblemMark().getLine() + 1) + ": "
          + oneLine(e.getProblem()));
    } catch (YAMLException e) {
      throw new InvalidOptionsException(source + ": not valid YAML: " + oneLine(e.getMessage()));
    }
    if (root == null) {
      return new OptionsSection(source, "", Map.of());
    }
    if (!(root instanceof Map<?, ?> m)) {
      throw new InvalidOptionsException(source + ": expected key: value lines, got " + describe(root));
    }
    return new OptionsSection(source, "", keyed(source, "", m));
  }

  /** A nested mapping; an absent one reads as empty, so its keys' own defaults and requirements apply. */
  OptionsSection section(String key) {
    Object v = take(key);
    if (v == null) {
      return new OptionsSection(source, qualified(key), Map.of());
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw invalid(key, "expected a section of key: value lines, got " + describe(v));
    }
    return new OptionsSection(source, qualified(key), keyed(source, qualified(key), m));
  }

  /** Text that must be there and not blank. */
  String text(String key) {
    String s = text(key, null);
    if (s == null || s.isBlank()) {
      throw invalid(key, "missing; it has no default");
    }
    return s;
  }

  String text(String key, String dflt) {
    Object v = take(key);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof String s)) {
      throw invalid(key, "expected text, got " + describe(v) + (v instanceof Number ? " (put it in quotes)" : ""));
    }
    return s;
  }

  int integer(String key, int dflt, int min, int max) {
    Object v = take(key);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Integer i)) {
      throw invalid(key, describe(v) + " is not a whole number between " + min + " and " + max);
    }
    if (i < min || i > max) {
      throw invalid(key, i + " is not between " + min + " and " + max);
    }
    return i;
  }

  boolean bool(String key, boolean dflt) {
    Object v = take(key);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Boolean b)) {
      throw invalid(key, describe(v) + " is not one of true, false");
    }
    return b;
  }

  /**
   * One of an enum's constants, written in lower case with hyphens ({@code SAM_TCP} is {@code sam-tcp}).
   * {@code dflt} null: the key must be there.
   */
  <E extends Enum<E>> E oneOf(String key, Class<E> type, E dflt) {
    E[] all = type.getEnumConstants();
    String accepted = String.join(", ", Arrays.stream(all).map(OptionsSection::spelling).toList());
    Object v = take(key);
    if (v == null) {
      if (dflt == null) {
        throw invalid(key, "missing; one of " + accepted);
      }
      return dflt;
    }
    for (E e : all) {
      if (spelling(e).equals(v)) {
        return e;
      }
    }
    throw invalid(key, describe(v) + " is not one of " + accepted);
  }

  static String spelling(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The keys this section takes; any other key in the file is refused here, naming these. */
  OptionsSection takes(String... names) {
    keys.addAll(List.of(names));
    for (String k : values.keySet()) {
      if (!keys.contains(k)) {
        throw invalid(k, "unknown key; " + (path.isEmpty() ? "the file" : path) + " takes " + String.join(", ", keys));
      }
    }
    return this;
  }

  InvalidOptionsException invalid(String key, String problem) {
    return new InvalidOptionsException(source + ": " + qualified(key) + ": " + problem);
  }

  private Object take(String key) {
    if (!keys.contains(key)) {
      throw new IllegalStateException(qualified(key) + " is read but not among the keys " + path + " takes");
    }
    return values.get(key);
  }

  private String qualified(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static Map<String, Object> keyed(String source, String path, Map<?, ?> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!(e.getKey() instanceof String k)) {
        throw new InvalidOptionsException(source + ": " + (path.isEmpty() ? "" : path + ": ") + "the key "
            + describe(e.getKey()) + " is not a name");
      }
      out.put(k, e.getValue());
    }
    return out;
  }

  static String describe(Object v) {
    if (v instanceof String s) {
      return "'" + oneLine(s) + "'";
    }
    if (v instanceof Map<?, ?>) {
      return "a section";
    }
    if (v instanceof List<?>) {
      return "a list";
    }
    return String.valueOf(v);
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  /** YAML 1.1's resolver without yes/no/on/off booleans, octal or sexagesimal numbers and timestamps (dates stay text). */
  private static final class PlainResolver extends Resolver {
    private static final Pattern TRUE_FALSE = Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$");
    private static final Pattern DECIMAL = Pattern.compile("^[-+]?(?:0|[1-9][0-9_]*)$");

    @Override
    protected void addImplicitResolvers() {
      addImplicitResolver(Tag.BOOL, TRUE_FALSE, "tTfF", 10);
      addImplicitResolver(Tag.INT, DECIMAL, "-+0123456789"); // 0123 is not octal 83, 1:30 not 90
      addImplicitResolver(Tag.FLOAT, FLOAT, "-+0123456789.");
      addImplicitResolver(Tag.MERGE, MERGE, "<", 10);
      addImplicitResolver(Tag.NULL, NULL, "~nN\0", 10);
      addImplicitResolver(Tag.NULL, EMPTY, null, 10);
    }
  }
}
