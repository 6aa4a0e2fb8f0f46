package cn.liangxian.gateway.operator;

import java.util.Objects;

/**
 * The part of the territory an operator sees: everything ({@code region == null}), a district (county
 * code), a township of it, or one village of that township. Villages and townships are named as the
 * rosters name them.
 */
public record Scope(String region, String township, String village) {
  public static final Scope ALL = new Scope(null, null, null);

  public Scope {
    if (region == null && (township != null || village != null) || township == null && village != null) {
      throw new IllegalArgumentException("a scope narrows district, then township, then village");
    }
  }

  public boolean isAll() {
    return region == null;
  }

  /** Whether this scope includes the given place; a null township or village means the whole of the level above. */
  public boolean covers(String r, String t, String v) {
    if (region == null) {
      return true;
    }
    if (!region.equals(r)) {
      return false;
    }
    if (township == null) {
      return true;
    }
    if (!township.equals(t)) {
      return false;
    }
    return village == null || village.equals(v);
  }

  /** Whether any part of district {@code r} is inside this scope. */
  public boolean touches(String r) {
    return region == null || region.equals(r);
  }

  /** Whether every place of {@code other} is inside this scope. */
  public boolean contains(Scope other) {
    if (other.isAll()) {
      return isAll();
    }
    if (!covers(other.region, other.township, other.village)) {
      return false;
    }
    // a district scope does not contain "all"; a township scope does not contain its whole district
    return township == null || other.township != null && (village == null || other.village != null);
  }

  @Override
  public String toString() {
    if (region == null) {
      return "*";
    }
    return region + (township == null ? "" : "/" + township + (village == null ? "" : "/" + village));
  }

  public boolean sameAs(Scope o) {
    return Objects.equals(region, o.region) && Objects.equals(township, o.township) && Objects.equals(village, o.village);
  }
}
