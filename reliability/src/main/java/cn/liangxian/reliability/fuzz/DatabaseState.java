package cn.liangxian.reliability.fuzz;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Row counts and checksums of the tables that hold money and people. Tables a refused request may write
 * by design are left out: the audit log (every operator request, refused ones too), the callback log (a
 * forger's posts are kept for audit), kiosk nonces and last-seen times, failed-login counters and locks.
 */
public final class DatabaseState implements AutoCloseable {
  /** Table → what is compared of it. */
  static final Map<String, String> TABLES = new LinkedHashMap<>();

  static {
    for (String t : new String[] {"region", "village", "household", "person", "person_category", "cross_check", "target",
        "orders", "order_item", "reservation", "idempotency_key", "payment", "refund", "reconciliation", "operator_session"}) {
      TABLES.put(t, "select * from " + t);
    }
    TABLES.put("kiosk", "select id, public_key, region_code from kiosk");
    TABLES.put("operator_account", "select username, display_name, password_hash, role, region_code, township, village, disabled_at "
        + "from operator_account");
  }

  private final Connection connection;

  public DatabaseState(String jdbcUrl, String user, String password) throws SQLException {
    this.connection = DriverManager.getConnection(jdbcUrl, user, password);
  }

  /** One line per table: {@code name count md5}. */
  public synchronized String snapshot() throws SQLException {
    StringBuilder b = new StringBuilder();
    try (Statement s = connection.createStatement()) {
      for (Map.Entry<String, String> t : TABLES.entrySet()) {
        try (ResultSet r = s.executeQuery("select count(*), md5(coalesce(string_agg(x::text, '|' order by x::text), '')) from ("
            + t.getValue() + ") x")) {
          r.next();
          b.append(t.getKey()).append(' ').append(r.getLong(1)).append(' ').append(r.getString(2)).append('\n');
        }
      }
    }
    return b.toString();
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
