package cn.liangxian.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * Strict reading of JSON request bodies: the right content type, an object, no unknown fields, no field twice, no
 * comments.
 */
public final class JsonBodies {
  /**
   * Jackson's streaming parser straight to Vert.x's JSON types ({@link JacksonCodec#fromParser}), without
   * {@code Buffer.toJsonValue()}'s detour through data binding (an object mapper and its untyped deserializer, most of a
   * small body's parse). Stricter than Vert.x's own parser, which takes comments: JSON as RFC 8259 writes it, and a
   * field given twice refused rather than its last value taken ({@code {"idNumber": A, "idNumber": B}} means nothing
   * two readers would agree on).
   */
  private static final JsonFactory STRICT = JsonFactory.builder().disable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
      .disable(JsonReadFeature.ALLOW_YAML_COMMENTS).enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private JsonBodies() {}

  public static JsonObject object(RoutingContext ctx, Set<String> allowed) {
    String type = ctx.request().getHeader("Content-Type");
    if (!MediaTypes.is(type, "application/json")) {
      throw new Problem(415, "unsupported-media-type", "Unsupported media type", "send the body as application/json");
    }
    if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0) {
      throw Problem.malformedJson("the body is empty");
    }
    JsonObject o = strictObject(ctx.body().buffer(), "the body must be a JSON object");
    noNul(o, null);
    for (String f : o.fieldNames()) {
      if (!allowed.contains(f)) {
        throw Problem.invalidField(f, "unknown field '" + f + "' (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
    }
    return o;
  }

  /**
   * The body read strictly ({@link #STRICT}): a JSON object, or 400 {@code malformed-json} with {@code notAnObject} for
   * valid JSON of another kind.
   */
  public static JsonObject strictObject(io.vertx.core.buffer.Buffer body, String notAnObject) {
    Object parsed;
    try {
      parsed = JacksonCodec.fromParser(STRICT.createParser(body.getBytes()), Object.class);
    } catch (DecodeException | java.io.IOException e) {
      throw Problem.malformedJson(e.getMessage() != null && e.getMessage().contains("Duplicate field")
          ? "a field is given twice in the body" : "the body is not valid JSON");
    }
    if (!(parsed instanceof JsonObject o)) {
      throw Problem.malformedJson(notAnObject);
    }
    return o;
  }

  /**
   * PostgreSQL refuses U+0000 in text: a NUL anywhere in the body (a value or a name) is the caller's
   * error, refused here before any statement sees it, not a database failure.
   */
  private static void noNul(Object v, String path) {
    if (v instanceof String s && s.indexOf('\0') >= 0) {
      throw Problem.invalidField(path, path + " must not contain the NUL character (U+0000)");
    } else if (v instanceof JsonObject o) {
      for (var e : o.getMap().entrySet()) {
        String name = path == null ? e.getKey() : path + "." + e.getKey();
        if (e.getKey().indexOf('\0') >= 0) {
          throw Problem.invalidField(name.replace("\0", "\\0"), "a field name must not contain the NUL character (U+0000)");
        }
        noNul(e.getValue(), name);
      }
    } else if (v instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        noNul(a.getValue(i), (path == null ? "" : path) + "[" + i + "]");
      }
    }
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
