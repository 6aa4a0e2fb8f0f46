package cn.liangxian.gateway.operator;

import java.util.Locale;
import java.util.Optional;

/**
 * What an operator may do. Duties are separated: administrators run imports, kiosks and accounts but
 * move no money; finance refunds and reconciles; township staff and village collectors import their
 * own rosters, watch their own progress and print their own public postings.
 */
public enum Role {
  ADMIN, FINANCE, TOWNSHIP, VILLAGE;

  public static Optional<Role> of(String s) {
    if (s == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(valueOf(s.strip().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
