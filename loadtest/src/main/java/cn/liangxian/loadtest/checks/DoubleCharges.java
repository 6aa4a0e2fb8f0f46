package cn.liangxian.loadtest.checks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The double-charge check after a run with faults: no person-insurance-year is paid by two orders that
 * both kept the money (an order refunded afterwards gave it back). Reused by every fault-injection run.
 *
 * <pre>java -cp ... cn.liangxian.loadtest.checks.DoubleCharges &lt;JDBC URL&gt;</pre>
 *
 * Prints the count; exits 1 if any item was charged twice, 2 if it cannot check.
 */
public final class DoubleCharges {
  /** Items paid by more than one order that still holds the money. */
  static final String QUERY = """
      select i.person_id, i.insurance, i.year, count(*) as orders
      from order_item i join orders o on o.id = i.order_id
      where o.state = 'PAID'
      group by i.person_id, i.insurance, i.year
      having count(*) > 1
      """;

  public record Double(long personId, String insurance, int year, int orders) {}

  private DoubleCharges() {}

  public static List<Double> find(Connection c) throws SQLException {
    List<Double> out = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(QUERY)) {
      while (rs.next()) {
        out.add(new Double(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getInt(4)));
      }
    }
    return out;
  }

  /** Paid person-insurance-years in all, for the report. */
  public static long paidItems(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
        "select count(*) from order_item i join orders o on o.id = i.order_id where o.state = 'PAID'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: DoubleCharges <JDBC URL>");
      System.exit(2);
    }
    try (Connection c = DriverManager.getConnection(args[0])) {
      List<Double> doubles = find(c);
      System.out.printf("double-charge check: %d person-insurance-years paid; double %d%n", paidItems(c), doubles.size());
      doubles.stream().limit(20).forEach(d -> System.out.printf("  DOUBLE person %d %s %d paid by %d orders%n", d.personId(),
          d.insurance(), d.year(), d.orders()));
      System.exit(doubles.isEmpty() ? 0 : 1);
    } catch (SQLException e) {
      System.err.println("double-charge check: cannot check: " + e.getMessage());
      System.exit(2);
    }
  }
}
