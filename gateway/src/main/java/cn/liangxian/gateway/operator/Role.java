package cn.liangxian.gateway.operator;

import java.util.Locale;
import java.util.Optional;

/**
 * What an operator may do. Duties are separated: administrators run imports, kiosks and accounts but
 * move no money; finance refunds and reconciles; township staff and village collectors import their
 * own rosters, watch their own progress and print their own public postings. An account that moves money is
 * never made by one that moves none: finance accounts are created on the server ({@code gateway.jar operator
 * add}), not through the accounts API, whose administrator would otherwise choose the password and log in as it.
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

  /** Whether this role moves money (refunds): such an account is created only on the server, never over the API. */
  public boolean movesMoney() {
    return this == FINANCE;
  }

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
