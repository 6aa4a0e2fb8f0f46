package cn.liangxian.reliability.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The gateway's routes as its OpenAPI document states them: what the fuzzer knows about each, nothing more. */
public final class Contract {
  /** One parameter: where it goes ({@code path}, {@code query}, {@code header}) and its schema. */
  public record Param(String name, String in, boolean required, JsonNode schema) {}

  /** One route: method, path template, parameters, and the body's content type and schema (null without a body). */
  public record Operation(String method, String path, List<Param> params, String bodyType, JsonNode bodySchema, boolean operator) {
    public String name() {
      return method + " " + path;
    }

    /** Routes a resident's kiosk or phone calls: their refusals are shown to residents, in Chinese. */
    public boolean residentFacing() {
      return path.equals("/api/v1/lookup") || path.startsWith("/api/v1/orders");
    }

    /** The channels' callbacks answer in the channel's own format, not problem+json (the channel's contract). */
    public boolean callback() {
      return path.startsWith("/api/v1/callbacks/");
    }
  }

  private Contract() {}

  public static List<Operation> read(String yaml) throws IOException {
    JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    List<Operation> ops = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = root.path("paths").fields(); paths.hasNext();) {
      Map.Entry<String, JsonNode> p = paths.next();
      for (Iterator<Map.Entry<String, JsonNode>> methods = p.getValue().fields(); methods.hasNext();) {
        Map.Entry<String, JsonNode> m = methods.next();
        if (!List.of("get", "post", "put", "delete", "patch").contains(m.getKey())) {
          continue;
        }
        JsonNode op = m.getValue();
        List<Param> params = new ArrayList<>();
        for (JsonNode raw : op.path("parameters")) {
          JsonNode prm = resolve(root, raw);
          params.add(new Param(prm.path("name").asText(), prm.path("in").asText(), prm.path("required").asBoolean(false),
              resolve(root, prm.path("schema"))));
        }
        String bodyType = null;
        JsonNode bodySchema = null;
        JsonNode content = resolve(root, op.path("requestBody")).path("content");
        if (content.isObject() && content.fieldNames().hasNext()) {
          bodyType = content.fieldNames().next();
          bodySchema = resolve(root, content.path(bodyType).path("schema"));
        }
        boolean operator = op.has("security") || p.getKey().startsWith("/api/v1/operator/");
        ops.add(new Operation(m.getKey().toUpperCase(Locale.ROOT), p.getKey(), List.copyOf(params), bodyType, bodySchema, operator));
      }
    }
    return List.copyOf(ops);
  }

  /** Follows a local {@code $ref} ({@code #/components/...}). */
  static JsonNode resolve(JsonNode root, JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return MissingNode.getInstance();
    }
    JsonNode ref = node.get("$ref");
    if (ref == null) {
      return node;
    }
    return resolve(root, root.at(ref.asText().substring(1)));
  }
}
