package cn.liangxian.gateway.http;

import io.vertx.core.http.HttpMethod;

/** The classes of route admission counts apart, and which are turned away first under overload. */
public enum RouteClass {
  LOOKUP("lookup", Shedding.FIRST, "/api/v1/lookup"),
  LOGIN("login", Shedding.FIRST, "/api/v1/session/:channel"),
  ORDER_CREATE("order-create", Shedding.FIRST, "/api/v1/orders"),
  ORDER_READ("order-read", Shedding.NEXT, null),
  OPERATOR("operator", Shedding.NEXT, null),
  CALLBACK("callback", Shedding.NEVER, null),
  HEALTH("health", Shedding.NEVER, null);

  /** When a class is turned away: at 3/4 of the process's total, at all of it, or never. */
  enum Shedding { FIRST, NEXT, NEVER }

  private final String label;
  private final Shedding shedding;
  private final String route;

  RouteClass(String label, Shedding shedding, String route) {
    this.label = label;
    this.shedding = shedding;
    this.route = route;
  }

  /** The one route of a class that has one, as the router names it (for requests of it turned away); else null. */
  String route() {
    return route;
  }

  public String label() {
    return label;
  }

  Shedding shedding() {
    return shedding;
  }

  /**
   * A lookup or a login: the first step of a resident's visit. Under overload these are turned away before
   * the orders of visits already under way ({@link Admission}): a resident told at the door to come back in a
   * few seconds loses nothing, one turned away at the payment loses the steps already taken.
   */
  boolean startsJourney() {
    return this == LOOKUP || this == LOGIN;
  }

  /** The class of a request; the pages and the kiosk heartbeat are light reads, counted with order status. */
  public static RouteClass of(HttpMethod method, String path) {
    if (path.startsWith("/api/v1/callbacks/")) {
      return CALLBACK;
    }
    if (path.startsWith("/health/") || path.equals("/metrics")) {
      return HEALTH;
    }
    if (path.equals("/api/v1/lookup")) {
      return LOOKUP;
    }
    if (path.startsWith("/api/v1/session/")) {
      return LOGIN; // a resident opening the mini-program: a new journey, turned away with the lookups
    }
    if (path.equals("/api/v1/orders") && method == HttpMethod.POST) {
      return ORDER_CREATE;
    }
    if (path.startsWith("/api/v1/operator/")) {
      return OPERATOR;
    }
    return ORDER_READ;
  }
}
