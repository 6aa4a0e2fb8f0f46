package cn.liangxian.gateway.config;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One section of a YAML configuration read strictly: every key read is remembered, so that a key
 * nobody reads (a typo) is refused by {@link #done()}; each value is checked for its type, with an
 * environment variable overriding it where one is named.
 */
final class Settings {
  private final String source;
  private final String path;
  private final Map<String, Object> values;
  private final Map<String, String> env;
  private final Set<String> known = new LinkedHashSet<>();
  /** Every environment variable a setting of this file may be overridden by, shared by its sections. */
  private final Set<String> variables;

  Settings(String source, Map<String, Object> values, Map<String, String> env) {
    this(source, "", values, env, new LinkedHashSet<>());
  }

  private Settings(String source, String path, Map<String, Object> values, Map<String, String> env, Set<String> variables) {
    this.variables = variables;
    this.source = source;
    this.path = path;
    this.values = values == null ? Map.of() : values;
    this.env = env;
  }

  private String key(String k) {
    return path.isEmpty() ? k : path + "." + k;
  }

  private ConfigException bad(String k, String envName, String what) {
    return new ConfigException(source + ": " + key(k) + (envName == null ? "" : " (" + envName + ")") + " " + what);
  }

  /** The raw value: the environment's if it names one and sets it, else the file's (null when neither). */
  private Object raw(String k, String envName) {
    known.add(k);
    if (envName != null) {
      variables.add(envName);
    }
    String v = envName == null ? null : env.get(envName);
    if (v != null && !v.isBlank()) {
      return v.strip();
    }
    Object o = values.get(k);
    return o instanceof String s && s.isBlank() ? null : o;
  }

  String string(String k, String envName, String dflt) {
    Object o = raw(k, envName);
    if (o == null) {
      return dflt;
    }
    if (o instanceof Map || o instanceof List) {
      throw bad(k, envName, "must be a text, not a " + (o instanceof Map ? "section" : "list"));
    }
    return o.toString();
  }

  int integer(String k, String envName, int dflt, int min, int max) {
    Object o = raw(k, envName);
    if (o == null) {
      return dflt;
    }
    long v;
    try {
      v = o instanceof Number n && !(o instanceof Double || o instanceof Float) ? n.longValue() : Long.parseLong(o.toString());
    } catch (NumberFormatException e) {
      throw bad(k, envName, "must be a whole number, got '" + o + "'");
    }
    if (v < min || v > max) {
      throw bad(k, envName, "must be between " + min + " and " + max + ", got " + v);
    }
    return (int) v;
  }

  /** Only true or false: "yes", "1" or a typo are refused rather than read as false. */
  boolean bool(String k, String envName, boolean dflt) {
    Object o = raw(k, envName);
    if (o == null) {
      return dflt;
    }
    if (o instanceof Boolean b) {
      return b;
    }
    return switch (o.toString().toLowerCase()) {
      case "true" -> true;
      case "false" -> false;
      default -> throw bad(k, envName, "must be true or false, got '" + o + "'");
    };
  }

  String oneOf(String k, String envName, String dflt, List<String> accepted) {
    String v = string(k, envName, dflt);
    if (v != null && !accepted.contains(v)) {
      throw bad(k, envName, "'" + v + "' is not one of " + String.join(", ", accepted));
    }
    return v;
  }

  LocalDate date(String k, LocalDate dflt) {
    Object o = raw(k, null);
    if (o == null) {
      return dflt;
    }
    try {
      return LocalDate.parse(o.toString());
    } catch (DateTimeParseException e) {
      throw bad(k, null, "must be a date YYYY-MM-DD, got '" + o + "'");
    }
  }

  /** A nested section (empty when absent). */
  Settings section(String k) {
    Object o = raw(k, null);
    if (o != null && !(o instanceof Map)) {
      throw bad(k, null, "must be a section of keys");
    }
    return new Settings(source, key(k), map(o), env, variables);
  }

  /** A list of sections, each read strictly. */
  List<Settings> sections(String k) {
    Object o = raw(k, null);
    if (o == null) {
      return List.of();
    }
    if (!(o instanceof List<?> list)) {
      throw bad(k, null, "must be a list");
    }
    List<Settings> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map)) {
        throw bad(k + "[" + i + "]", null, "must be a section of keys");
      }
      out.add(new Settings(source, key(k) + "[" + i + "]", map(list.get(i)), env, variables));
    }
    return out;
  }

  /** Whether the file gives this key (a section that may be left out). */
  boolean has(String k) {
    return values.get(k) != null;
  }

  /** A list of plain values, as texts (empty when absent); a blank one is refused naming its index. */
  List<String> strings(String k) {
    Object o = raw(k, null);
    if (o == null) {
      return List.of();
    }
    if (!(o instanceof List<?> list)) {
      throw bad(k, null, "must be a list");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Object v = list.get(i);
      if (v == null || v instanceof Map || v instanceof List || v.toString().isBlank()) {
        throw bad(k + "[" + i + "]", null, "must be a value");
      }
      out.add(String.valueOf(v));
    }
    return out;
  }

  /** Where a key is, for a message: the file and the key's path. */
  String where(String k) {
    return source + ": " + key(k);
  }

  /** Fails naming this key (of this section) and what is wrong with it. */
  ConfigException invalid(String k, String what) {
    return bad(k, null, what);
  }

  /** A value that must be given. */
  String required(String k) {
    String v = string(k, null, null);
    if (v == null) {
      throw bad(k, null, "is required");
    }
    return v;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (o != null) {
      ((Map<Object, Object>) o).forEach((key, v) -> out.put(String.valueOf(key), v));
    }
    return out;
  }

  /** The environment variables read so far, by this section and every other of the same file. */
  Set<String> variablesRead() {
    return Set.copyOf(variables);
  }

  /** Refuses any key of this section that no setting read: a typo must not pass as a default. */
  void done() {
    for (String k : values.keySet()) {
      if (!known.contains(k)) {
        throw new ConfigException(source + ": " + key(k) + " is not a setting; accepted here: " + String.join(", ", known));
      }
    }
  }
}
