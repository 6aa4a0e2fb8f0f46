package cn.liangxian.gateway.http;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** Strict reading of JSON request bodies: the right content type, an object, no unknown fields. */
public final class JsonBodies {
  private JsonBodies() {}

  public static JsonObject object(RoutingContext ctx, Set<String> allowed) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new Problem(415, "unsupported-media-type", "Unsupported media type", "send the body as application/json");
    }
    if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0) {
      throw Problem.malformedJson("the body is empty");
    }
    Object parsed;
    try {
      parsed = ctx.body().buffer().toJsonValue();
    } catch (DecodeException e) {
      throw Problem.malformedJson("the body is not valid JSON");
    }
    if (!(parsed instanceof JsonObject o)) {
      throw Problem.malformedJson("the body must be a JSON object");
    }
    for (String f : o.fieldNames()) {
      if (!allowed.contains(f)) {
        throw Problem.invalidField(f, "unknown field '" + f + "' (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
    }
    return o;
  }

  public static String requiredString(JsonObject o, String field, int maxLength) {
    Object v = o.getValue(field);
    if (!(v instanceof String s) || s.isBlank()) {
      throw Problem.invalidField(field, field + " is required and must be a string");
    }
    if (s.length() > maxLength) {
      throw Problem.invalidField(field, field + " is longer than " + maxLength + " characters");
    }
    return s.strip();
  }

  /** As {@link #requiredString} but kept exactly as sent (passwords: blanks are part of them). */
  public static String requiredSecret(JsonObject o, String field, int maxLength) {
    Object v = o.getValue(field);
    if (!(v instanceof String s) || s.isEmpty()) {
      throw Problem.invalidField(field, field + " is required and must be a string");
    }
    if (s.length() > maxLength) {
      throw Problem.invalidField(field, field + " is longer than " + maxLength + " characters");
    }
    return s;
  }

  public static String optionalString(JsonObject o, String field, int maxLength) {
    Object v = o.getValue(field);
    if (v == null) {
      return null;
    }
    return requiredString(o, field, maxLength);
  }
}
