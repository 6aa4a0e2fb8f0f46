package cn.liangxian.reliability.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What the lost-payment and double-charge checks of the load test do not cover: every order a client saw
 * created is in the database, and no order is still PAYING once its expiry and the recovery sweep are
 * past. (Lost and double are checked by loadtest's LostPayments and DoubleCharges, shared.)
 *
 * <pre>FaultChecks &lt;JDBC URL&gt; &lt;user&gt; &lt;password&gt; &lt;created file&gt; &lt;recovery window seconds&gt;</pre>
 * Prints the counts; exits 1 if an order is unaccounted for or stuck.
 */
public final class FaultChecks {
  private FaultChecks() {}

  public static void main(String[] args) throws Exception {
    List<String> created = Files.readAllLines(Path.of(args[3])).stream().filter(l -> !l.isBlank()).toList();
    int window = Integer.parseInt(args[4]);
    try (Connection c = DriverManager.getConnection(args[0], args[1], args[2])) {
      List<String> missing = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("select state from orders where id = ?")) {
        for (String line : created) {
          String id = line.split(" ")[0];
          ps.setObject(1, UUID.fromString(id));
          try (ResultSet r = ps.executeQuery()) {
            if (!r.next()) {
              missing.add(line);
            }
          }
        }
      }
      long stuck;
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
          "select count(*) from orders where state = 'PAYING' and expires_at < now() - interval '" + window + " seconds'")) {
        r.next();
        stuck = r.getLong(1);
      }
      StringBuilder states = new StringBuilder();
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("select state, count(*) from orders group by state order by 1")) {
        while (r.next()) {
          states.append(r.getString(1)).append('=').append(r.getLong(2)).append(' ');
        }
      }
      System.out.printf("orders a client saw created: %d, unaccounted %d; stuck PAYING past the recovery window (%d s after expiry): %d; orders by state: %s%n",
          created.size(), missing.size(), window, stuck, states.toString().strip());
      missing.stream().limit(10).forEach(m -> System.out.println("  unaccounted: " + m));
      System.exit(missing.isEmpty() && stuck == 0 ? 0 : 1);
    }
  }
}
