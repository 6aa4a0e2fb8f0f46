package cn.liangxian.reliability.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * A valid request for a route (values from the {@link Context}, else from the schema), then one thing
 * broken: a field, the whole body, the content type, a parameter, a header, or the path itself.
 */
public final class Generator {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final List<String> CONTENT_TYPES = List.of("text/plain", "application/xml", "multipart/form-data; boundary=x",
      "application/x-www-form-urlencoded", "application/json; charset=gbk", "*/*", "application/json\u0000", "text/csv",
      "application/problem+json", "\u00e4pplication/json", "application/jsonpatch", "text/csvx");
  private static final List<String> TRAVERSALS = List.of("/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f",
      "/%00", "/%C3%28", "/.%2e/", "//", "/%252e%252e/", "/;jsessionid=1", "/\u0430pi", "/%ZZ", "?a=%ZZ");
  /** Methods HTTP does not define: each is refused, and counted without a metric series of its own. */
  private static final List<String> MADE_UP_METHODS = List.of("FOO", "PROPFIND", "M-SEARCH", "GETT");

  private final Context ctx;
  private final Random random;
  private final int maxBodyBytes;

  public Generator(Context ctx, Random random, int maxBodyBytes) {
    this.ctx = ctx;
    this.random = random;
    this.maxBodyBytes = maxBodyBytes;
  }

  public FuzzRequest next(Contract.Operation op, Caller caller) {
    Map<String, String> headers = new LinkedHashMap<>();
    String path = op.path();
    for (Contract.Param p : op.params()) {
      String v = validParam(p);
      if (v == null) {
        continue;
      }
      switch (p.in()) {
        case "path" -> path = path.replace("{" + p.name() + "}", enc(v));
        case "header" -> headers.put(p.name(), v);
        default -> { }
      }
    }
    String query = "";
    JsonNode body = op.bodySchema() == null ? null : validValue("", op.bodySchema());
    byte[] bytes = body == null ? new byte[0] : bytes(op, body);
    if (op.bodyType() != null) {
      headers.put("Content-Type", op.bodyType().equals("application/json") ? "application/json" : op.bodyType());
    }
    String mutation;
    String method = op.method();
    int kind = random.nextInt(100);
    if (kind < 5) {
      mutation = "valid";
    } else if (kind < 45 && body instanceof ObjectNode o) {
      mutation = mutateField(o);
      bytes = bytes(op, o);
    } else if (kind < 58 && op.bodyType() != null) {
      String[] m = mutateBody(bytes);
      mutation = m[0];
      bytes = m[1].getBytes(StandardCharsets.ISO_8859_1);
    } else if (kind < 65 && op.bodyType() != null) {
      String type = CONTENT_TYPES.get(random.nextInt(CONTENT_TYPES.size()));
      headers.put("Content-Type", type);
      mutation = "content-type " + printable(type);
    } else if (kind < 82 && !op.params().isEmpty()) {
      Contract.Param p = op.params().get(random.nextInt(op.params().size()));
      String v = Hostile.STRINGS.get(random.nextInt(Hostile.STRINGS.size()));
      mutation = p.in() + " " + p.name() + "=" + printable(v);
      switch (p.in()) {
        case "path" -> path = op.path().replace("{" + p.name() + "}", random.nextBoolean() ? enc(v) : raw(v))
            .replaceAll("\\{[a-zA-Z]+}", "x");
        case "query" -> query = "?" + p.name() + "=" + (random.nextBoolean() ? enc(v) : raw(v));
        default -> headers.put(p.name(), v);
      }
    } else if (kind < 92) {
      mutation = mutateHeaders(headers);
    } else if (kind < 98) {
      String t = TRAVERSALS.get(random.nextInt(TRAVERSALS.size()));
      path = random.nextBoolean() || t.startsWith("?") ? path + t : t + path;
      mutation = "path " + printable(t);
    } else {
      method = MADE_UP_METHODS.get(random.nextInt(MADE_UP_METHODS.size()));
      mutation = "method " + method;
    }
    String target = path + query;
    if (op.path().endsWith("/logout") && caller.operator()) {
      // a logout with the caller's own token would end the session every later request of the run needs
      headers.putIfAbsent("Authorization", "Bearer " + UUID.randomUUID());
      mutation = mutation + ", another session's token";
    }
    Map<String, String> all = new LinkedHashMap<>(headers);
    // the caller's proof covers what is finally sent
    caller.headers(method, target, bytes).forEach(all::putIfAbsent);
    return new FuzzRequest(op, caller, mutation, method, target, all, bytes);
  }

  private String validParam(Contract.Param p) {
    if (p.name().equals("Idempotency-Key")) {
      return UUID.randomUUID().toString();
    }
    if (p.name().startsWith("X-Kiosk-") || p.name().equals("X-Openid")) {
      return null; // the caller says who it is
    }
    String v = ctx.string(p.name());
    if (v != null) {
      return v;
    }
    if (!p.required()) {
      return null;
    }
    JsonNode s = validValue(p.name(), p.schema());
    return s.isTextual() ? s.asText() : s.toString();
  }

  /** A valid value for a field: the context's, else the schema's first enum value, else one of its type. */
  JsonNode validValue(String name, JsonNode schema) {
    Object known = ctx.get(name);
    if (known instanceof Number n) {
      return F.numberNode(n.longValue());
    } else if (known != null) {
      return F.textNode(known.toString());
    }
    if (schema.has("enum")) {
      return schema.get("enum").get(0);
    }
    String type = schema.path("type").asText("string");
    switch (type) {
      case "object" -> {
        ObjectNode o = F.objectNode();
        List<String> required = new ArrayList<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext();) {
          Map.Entry<String, JsonNode> e = it.next();
          if (required.contains(e.getKey()) || ctx.get(e.getKey()) != null) {
            o.set(e.getKey(), validValue(e.getKey(), e.getValue()));
          }
        }
        return o;
      }
      case "array" -> {
        ArrayNode a = F.arrayNode();
        a.add(validValue(name, schema.path("items")));
        return a;
      }
      case "integer", "number" -> {
        return F.numberNode(1);
      }
      case "boolean" -> {
        return F.booleanNode(true);
      }
      default -> {
        String format = schema.path("format").asText("");
        return F.textNode(switch (format) {
          case "uuid" -> UUID.randomUUID().toString();
          case "date" -> "2019-12-15";
          case "date-time" -> "2019-12-15T10:00:00+08:00";
          default -> "a";
        });
      }
    }
  }

  /** Breaks one field of the body (or of its first array item): another value, removed, or an unknown one beside it. */
  private String mutateField(ObjectNode body) {
    ObjectNode target = body;
    String prefix = "";
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue() instanceof ArrayNode a && a.size() > 0 && a.get(0) instanceof ObjectNode inner && random.nextBoolean()) {
        target = inner;
        prefix = e.getKey() + "[0].";
      }
    }
    List<String> names = new ArrayList<>();
    target.fieldNames().forEachRemaining(names::add);
    int how = random.nextInt(10);
    if (names.isEmpty() || how == 0) {
      String extra = Hostile.STRINGS.get(random.nextInt(Hostile.STRINGS.size()));
      target.put(extra, "x");
      return "unknown field " + prefix + printable(extra);
    }
    String name = names.get(random.nextInt(names.size()));
    if (how == 1) {
      target.remove(name);
      return "without " + prefix + name;
    }
    JsonNode v;
    if (random.nextBoolean()) {
      List<JsonNode> values = Hostile.values();
      v = values.get(random.nextInt(values.size()));
    } else {
      v = F.textNode(Hostile.STRINGS.get(random.nextInt(Hostile.STRINGS.size())));
    }
    target.set(name, v);
    String shown = v.toString();
    return prefix + name + "=" + printable(shown.length() > 40 ? shown.substring(0, 40) + "..." : shown);
  }

  /** Whole-body damage; the bytes come back as ISO-8859-1 so that any byte survives. */
  private String[] mutateBody(byte[] valid) {
    String v = new String(valid, StandardCharsets.ISO_8859_1);
    return switch (random.nextInt(11)) {
      case 0 -> new String[] {"invalid UTF-8", v.isEmpty() ? "{\"a\":\"\u00c3\u0028\"}" : v.replaceFirst("\"", "\"\u00c3\u0028\u00ff\u00fe")};
      case 1 -> new String[] {"not JSON", "idNumber=1&name=2"};
      case 2 -> new String[] {"empty body", ""};
      case 3 -> new String[] {"a JSON array", "[" + v + "]"};
      case 4 -> new String[] {"nested 10,000 deep", "[".repeat(10_000) + "]".repeat(10_000)};
      case 5 -> new String[] {"oversized body", "{\"a\":\"" + "x".repeat(maxBodyBytes + 10) + "\"}"};
      case 6 -> new String[] {"truncated", v.substring(0, Math.max(0, v.length() / 2))};
      case 7 -> new String[] {"duplicate keys", v.isEmpty() ? "{\"a\":1,\"a\":2}" : v.replaceFirst("\\{", "{\"x\":1,\"x\":2,")};
      case 8 -> new String[] {"a bare string", "\"\\u0000\""};
      case 9 -> new String[] {"UTF-16 body", new String(new String(valid, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16), StandardCharsets.ISO_8859_1)};
      default -> new String[] {"number 1e999999", "{\"year\":1e999999}"};
    };
  }

  private String mutateHeaders(Map<String, String> headers) {
    switch (random.nextInt(7)) {
      case 0 -> {
        headers.put("X-Big", "b".repeat(20_000));
        return "oversized header";
      }
      case 1 -> {
        for (int i = 0; i < 300; i++) {
          headers.put("X-Many-" + i, "v");
        }
        return "benign 300 headers";
      }
      case 2 -> {
        headers.put("Authorization", "Bearer " + Hostile.STRINGS.get(random.nextInt(Hostile.STRINGS.size())));
        return "forged bearer token";
      }
      case 3 -> {
        headers.put("X-Kiosk-Id", "K-371312-0901");
        headers.put("X-Kiosk-Signature", "MEUCIQ" + "A".repeat(60));
        headers.put("X-Kiosk-Timestamp", "1");
        headers.put("X-Kiosk-Nonce", "00000000000000000000");
        return "forged kiosk signature";
      }
      case 4 -> {
        headers.put("Accept", "application/pdf, text/csv;q=0.5, */*;q=abc");
        return "benign odd Accept";
      }
      case 5 -> {
        headers.put("X-Openid", Hostile.STRINGS.get(random.nextInt(Hostile.STRINGS.size())));
        return "benign hostile X-Openid";
      }
      default -> {
        headers.put("X-Forwarded-For", "127.0.0.1\r\nX-Injected: 1");
        return "benign header injection";
      }
    }
  }

  private static byte[] bytes(Contract.Operation op, JsonNode body) {
    try {
      if ("text/csv".equals(op.bodyType())) {
        return "region_code,township,village,insurance,year,target,source\n".getBytes(StandardCharsets.UTF_8);
      }
      return JSON.writeValueAsBytes(body);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String enc(String v) {
    return URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** As sent on the wire: characters outside ASCII's printable range are %-escaped so the request line stays one line. */
  static String raw(String v) {
    StringBuilder b = new StringBuilder();
    for (byte x : v.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      b.append(c > 0x20 && c < 0x7f && c != '?' && c != '#' && c != '%' ? String.valueOf((char) c) : String.format("%%%02X", c));
    }
    return b.toString();
  }

  static String printable(String s) {
    String t = s.length() > 40 ? s.substring(0, 40) + "..." + s.length() : s;
    StringBuilder b = new StringBuilder();
    t.codePoints().forEach(c -> b.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", c) : new String(Character.toChars(c))));
    return b.toString();
  }
}
