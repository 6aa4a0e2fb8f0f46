package cn.liangxian.gateway.support;

import cn.liangxian.gateway.db.Database;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** How PostgreSQL would run a statement of the gateway's, with sequential scans made as dear as it can make them. */
public final class Plans {
  private Plans() {}

  /**
   * The plan's lines for {@code sql} with its parameters bound to {@code values} (SQL literals): a table still read
   * whole with sequential scans off has no index the statement can use.
   */
  public static List<String> of(Database db, String sql, String... values) throws Exception {
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      st.execute("set enable_seqscan = off");
      st.execute("prepare planned as " + sql);
      List<String> lines = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("explain execute planned(" + String.join(", ", values) + ")")) {
        while (rs.next()) {
          lines.add(rs.getString(1));
        }
      }
      return lines;
    }
  }
}
