package cn.liangxian.gateway.operator;

import cn.liangxian.gateway.http.Problem;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;

/** The authenticated operator of a request: who, in which role, over which part of the territory. */
public record Operator(String username, Role role, Scope scope) {
  static final String KEY = "operator";

  /** The operator authenticated for this request (the operator routes run behind {@link OperatorAuth}). */
  public static Operator of(RoutingContext ctx) {
    Operator o = ctx.get(KEY);
    if (o == null) {
      throw new IllegalStateException("operator route without authentication");
    }
    return o;
  }

  /** This operator, if its role is one of {@code roles}; else a 403 naming the roles that may. */
  public Operator require(Role... roles) {
    if (Arrays.asList(roles).contains(role)) {
      return this;
    }
    throw new Problem(403, "operator-forbidden", "Not allowed for this role",
        "this action needs the role " + String.join(" or ", Arrays.stream(roles).map(Role::code).toList())
            + "; you are " + role.code());
  }

  /** Throws a 403 unless the place is inside this operator's scope. */
  public void requireScope(String region, String township, String village) {
    if (!scope.covers(region, township, village)) {
      throw outOfScope(region + (township == null ? "" : "/" + township) + (village == null ? "" : "/" + village));
    }
  }

  public Problem outOfScope(String place) {
    return new Problem(403, "operator-out-of-scope", "Outside your scope",
        place + " is outside your scope (" + scope + ")");
  }

  public JsonObject toJson() {
    return new JsonObject().put("username", username).put("role", role.code()).put("scope", scopeJson(scope));
  }

  static JsonObject scopeJson(Scope s) {
    return new JsonObject().put("region", s.region()).put("township", s.township()).put("village", s.village())
        .put("label", s.toString());
  }
}
