package cn.liangxian.gateway.http;

import io.vertx.core.json.JsonObject;

/**
 * An RFC 9457 problem: {@code application/problem+json} with a stable {@code type}. The one error
 * type of the API; {@code detail} is written for the caller and never carries a stack trace.
 */
public final class Problem extends RuntimeException {
  private static final long serialVersionUID = 1L;
  public static final String TYPE_BASE = "https://liangxian.cn/problems/";

  private final int status;
  private final String slug;
  private final String title;
  private final JsonObject extensions;
  private String residentDetail;

  public Problem(int status, String slug, String title, String detail) {
    this(status, slug, title, detail, null);
  }

  public Problem(int status, String slug, String title, String detail, JsonObject extensions) {
    super(detail, null, false, false);
    this.status = status;
    this.slug = slug;
    this.title = title;
    this.extensions = extensions;
  }

  public int status() {
    return status;
  }

  public String type() {
    return TYPE_BASE + slug;
  }

  public String slug() {
    return slug;
  }

  /** What a resident is told in place of the English detail, when the problem knows more than its type says. */
  public Problem resident(String chineseDetail) {
    this.residentDetail = chineseDetail;
    return this;
  }

  public JsonObject toJson(String instance) {
    return toJson(instance, false);
  }

  /**
   * @param forResident a resident-facing route: Chinese {@code title} and {@code detail} ({@link ResidentTexts}),
   *     the English detail kept as {@code developerDetail}; the {@code type} is the same either way
   */
  public JsonObject toJson(String instance, boolean forResident) {
    boolean own = ResidentTexts.chinese(title);
    String t = forResident && !own ? ResidentTexts.title(slug) : title;
    String m = getMessage();
    boolean english = m != null && !ResidentTexts.chinese(m);
    String d;
    if (!forResident) {
      d = m;
    } else if (residentDetail != null) {
      d = residentDetail;
    } else if (m == null) {
      d = own ? null : ResidentTexts.detail(slug);
    } else {
      // a Chinese title with an English detail still tells the resident in Chinese
      d = english ? ResidentTexts.detail(slug) : m;
    }
    JsonObject o = new JsonObject().put("type", type()).put("title", t).put("status", status);
    if (d != null) {
      o.put("detail", d);
    }
    if (forResident && english) {
      o.put("developerDetail", m);
    }
    if (instance != null) {
      o.put("instance", instance);
    }
    if (extensions != null) {
      extensions.forEach(e -> o.put(e.getKey(), e.getValue()));
    }
    return o;
  }

  public static Problem badRequest(String slug, String title, String detail) {
    return new Problem(400, slug, title, detail);
  }

  public static Problem malformedJson(String detail) {
    return new Problem(400, "malformed-json", "Request body is not valid JSON", detail);
  }

  public static Problem invalidField(String field, String detail) {
    return new Problem(400, "invalid-request", "Request is invalid", detail, new JsonObject().put("field", field));
  }

  public static Problem notFound(String slug, String title, String detail) {
    return new Problem(404, slug, title, detail);
  }

  public static Problem conflict(String slug, String title, String detail, JsonObject ext) {
    return new Problem(409, slug, title, detail, ext);
  }

  public static Problem unprocessable(String slug, String title, String detail, JsonObject ext) {
    return new Problem(422, slug, title, detail, ext);
  }
}
