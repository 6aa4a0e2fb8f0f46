package cn.liangxian.policy;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A node of a composed YAML document that knows its file, line and dotted field path, so that every
 * error while reading a policy book names all three.
 */
final class YamlNode {
  private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");
  private static final Pattern RULE_ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

  private final String file;
  private final String path;
  private final Node node;
  private Map<String, NodeTuple> entries;

  YamlNode(String file, String path, Node node) {
    this.file = file;
    this.path = path;
    this.node = node;
  }

  String path() {
    return path;
  }

  int line() {
    return node.getStartMark().getLine() + 1;
  }

  PolicyBookException error(String problem) {
    return new PolicyBookException(file, line(), path, problem);
  }

  private Map<String, NodeTuple> entries() {
    if (entries == null) {
      if (!(node instanceof MappingNode mapping)) {
        throw error("must be a mapping of fields");
      }
      Map<String, NodeTuple> map = new LinkedHashMap<>();
      for (NodeTuple t : mapping.getValue()) {
        if (!(t.getKeyNode() instanceof ScalarNode key)) {
          throw new PolicyBookException(file, t.getKeyNode().getStartMark().getLine() + 1, path, "keys must be plain names");
        }
        if (map.put(key.getValue(), t) != null) {
          throw new PolicyBookException(file, key.getStartMark().getLine() + 1, child(key.getValue()), "duplicate key");
        }
      }
      entries = map;
    }
    return entries;
  }

  private String child(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /**
   * Fails on any key not in {@code allowed}: a misspelt field must not be ignored silently. A
   * {@code note} is allowed everywhere: it is what the book decided where the notice is silent.
   */
  YamlNode allowOnly(String... allowed) {
    Set<String> ok = Set.of(allowed);
    for (Map.Entry<String, NodeTuple> e : entries().entrySet()) {
      if (!ok.contains(e.getKey()) && !e.getKey().equals("note")) {
        throw new PolicyBookException(file, e.getValue().getKeyNode().getStartMark().getLine() + 1, child(e.getKey()),
            "unknown field (allowed here: " + String.join(", ", allowed) + ")");
      }
    }
    return this;
  }

  boolean has(String key) {
    return entries().containsKey(key);
  }

  Set<String> keys() {
    return entries().keySet();
  }

  YamlNode field(String key) {
    NodeTuple t = entries().get(key);
    if (t == null) {
      throw error("missing field '" + key + "'");
    }
    return new YamlNode(file, child(key), t.getValueNode());
  }

  Optional<YamlNode> optional(String key) {
    return has(key) ? Optional.of(field(key)) : Optional.empty();
  }

  List<YamlNode> list() {
    if (!(node instanceof SequenceNode seq)) {
      throw error("must be a list");
    }
    List<YamlNode> out = new ArrayList<>();
    for (int i = 0; i < seq.getValue().size(); i++) {
      out.add(new YamlNode(file, path + "[" + i + "]", seq.getValue().get(i)));
    }
    return out;
  }

  /**
   * Whether the book says the notice does not give this value ({@code {notGiven: why}}), for a field the
   * engine can do without; the reason is then {@link #notGivenWhy()}.
   */
  boolean notGiven() {
    return node instanceof MappingNode && has("notGiven");
  }

  String notGivenWhy() {
    allowOnly("notGiven", "source");
    return field("notGiven").string();
  }

  boolean isMapping() {
    return node instanceof MappingNode;
  }

  boolean isScalar() {
    return node instanceof ScalarNode;
  }

  /**
   * A value written as itself or as {@code {value: .., note: ..}}; a {@code notGiven} here is refused, since
   * only the fields that ask {@link #notGiven()} can do without their value.
   */
  String string() {
    if (node instanceof MappingNode) {
      if (has("value")) {
        allowOnly("value", "source");
        return field("value").string();
      }
      if (has("notGiven")) {
        throw error("the engine cannot work without this value: 'notGiven' is not allowed here");
      }
    }
    if (!(node instanceof ScalarNode scalar)) {
      throw error("must be a single value");
    }
    String v = scalar.getValue().strip();
    if (v.isEmpty()) {
      throw error("must not be empty");
    }
    return v;
  }

  int integer() {
    String v = string();
    if (!INTEGER.matcher(v).matches()) {
      throw error("must be a whole number, got '" + v + "'");
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw error("number out of range: " + v);
    }
  }

  int nonNegativeInteger() {
    int v = integer();
    if (v < 0) {
      throw error("must not be negative, got " + v);
    }
    return v;
  }

  /**
   * The most any one amount of a book may be, in yuan: more than any personal contribution, subsidy or tier a notice
   * sets, and small enough that the sums of a household's items stay exact.
   */
  static final BigDecimal MAX_YUAN = BigDecimal.valueOf(100_000);

  /** An amount in yuan (at most two decimals, never negative, at most {@link #MAX_YUAN}) as exact integer fen. */
  long yuanAsFen() {
    String v = string();
    BigDecimal yuan;
    try {
      yuan = new BigDecimal(v);
    } catch (NumberFormatException e) {
      throw error("must be an amount in yuan, got '" + v + "'");
    }
    if (yuan.signum() < 0) {
      throw error("amount must not be negative, got " + v);
    }
    if (yuan.compareTo(MAX_YUAN) > 0) {
      throw error("amount is more than " + MAX_YUAN + " yuan, more than any contribution: " + v);
    }
    if (yuan.stripTrailingZeros().scale() > 2) {
      throw error("amount has more than two decimals (fen): " + v);
    }
    return yuan.movePointRight(2).longValueExact();
  }

  /** An amount in yuan that must be more than zero, as fen. */
  long positiveFen() {
    long fen = yuanAsFen();
    if (fen == 0) {
      throw error("must be more than zero");
    }
    return fen;
  }

  int percent() {
    int p = integer();
    if (p < 1 || p > 100) {
      throw error("a percentage between 1 and 100, got " + p);
    }
    return p;
  }

  /** An age in completed years. */
  int age() {
    int a = integer();
    if (a < 0 || a > 120) {
      throw error("not a plausible age: " + a);
    }
    return a;
  }

  /** The id of a rule, as assessments report it. */
  String ruleId() {
    String id = string();
    if (!RULE_ID.matcher(id).matches()) {
      throw error("rule ids are lower-case-with-dashes, got '" + id + "'");
    }
    return id;
  }

  LocalDate date() {
    String v = string();
    try {
      return LocalDate.parse(v);
    } catch (DateTimeParseException e) {
      throw error("must be a date YYYY-MM-DD, got '" + v + "'");
    }
  }

  boolean bool() {
    String v = string();
    return switch (v) {
      case "true" -> true;
      case "false" -> false;
      default -> throw error("must be true or false, got '" + v + "'");
    };
  }

  /** Category codes, each national or declared by the book. */
  Set<Category> categories(Categories known) {
    Set<Category> out = new LinkedHashSet<>();
    for (YamlNode item : list()) {
      String code = item.string();
      Category c = known.find(code).orElseThrow(
          () -> item.error("unknown category code '" + code + "' (known: " + known.knownCodes() + ")"));
      if (!out.add(c)) {
        throw item.error("category " + code + " is listed twice");
      }
    }
    if (out.isEmpty()) {
      throw error("must list at least one category");
    }
    return out;
  }

  /** Reads a list of distinct strings. */
  Set<String> distinctStrings() {
    Set<String> out = new HashSet<>();
    for (YamlNode item : list()) {
      if (!out.add(item.string())) {
        throw item.error("'" + item.string() + "' is listed twice");
      }
    }
    return out;
  }

  static String oneOf(YamlNode n, String... keys) {
    String found = null;
    for (String k : keys) {
      if (n.has(k)) {
        if (found != null) {
          throw n.field(k).error("give only one of " + Arrays.toString(keys));
        }
        found = k;
      }
    }
    if (found == null) {
      throw n.error("needs one of " + Arrays.toString(keys));
    }
    return found;
  }
}
