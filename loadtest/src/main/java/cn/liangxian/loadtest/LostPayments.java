package cn.liangxian.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The end-of-run check: every payment the channel (the sandbox) confirmed must be in the gateway's
 * database as PAID for the same amount, or REFUNDED with a reason; and no order may be PAID that the
 * channel never confirmed. Callbacks still in flight and the gateway's own repair (it asks the channel
 * about orders stuck paying) get a grace period before anything counts as lost.
 *
 * <p>And the hand-off: every item of a confirmed payment still paid is acknowledged by its receiving agency
 * (or waits for its region's daily file), none missing, none taken as new twice.
 *
 * <pre>java -cp loadtest.jar cn.liangxian.loadtest.LostPayments &lt;sandbox URL&gt; &lt;JDBC URL&gt; [grace seconds [agency URL]]</pre>
 *
 * Prints the counts; exits 1 if any payment is lost or unconfirmed, 2 if it cannot check.
 */
public final class LostPayments {

  /** A payment as the channel recorded it. */
  public record Confirmed(String channel, String outTradeNo, long totalFen, long refundedFen) {}

  /**
   * An order as the gateway recorded it; refundReasons empty when none; refundsStuck, its refunds still
   * owed past the recovery window or refused by the channel (a resident's money kept).
   */
  public record Recorded(String outTradeNo, String state, long totalFen, List<String> refundReasons, int refundsStuck) {
    public Recorded(String outTradeNo, String state, long totalFen, List<String> refundReasons) {
      this(outTradeNo, state, totalFen, refundReasons, 0);
    }
  }

  /** How long a refund may stay owed before the check counts its money as lost: retries back off up to an hour. */
  public static final Duration RECOVERY_WINDOW = Duration.ofMinutes(15);

  /** One discrepancy. */
  public record Problem(String outTradeNo, String what) {}

  public record Result(int confirmed, int matched, List<Problem> lost, List<Problem> unconfirmed) {
    public boolean clean() {
      return lost.isEmpty() && unconfirmed.isEmpty();
    }
  }

  /**
   * The hand-off column: of the items of confirmed payments still paid, how many the receiver acknowledged
   * (accepted or filed), how many wait for their region's daily file (never due before the day ends), how
   * many are missing (no record, or one not acknowledged after the grace), and how many the receiver took
   * as new twice (from the agency simulator's ledger).
   */
  public record Handoff(int items, int acknowledged, int awaitingFile, int missing, int sentTwice) {
    public boolean clean() {
      return missing == 0 && sentTwice == 0;
    }
  }

  /** The hand-off of the paid items of confirmed payments, from the database and the agency simulator's ledger. */
  public static Handoff handoff(List<Confirmed> channel, String jdbcUrl, String agencyUrl) throws SQLException, IOException,
      InterruptedException {
    Set<String> confirmed = new HashSet<>();
    channel.forEach(c -> confirmed.add(c.outTradeNo()));
    int items = 0;
    int acknowledged = 0;
    int awaitingFile = 0;
    int missing = 0;
    try (Connection c = DriverManager.getConnection(jdbcUrl); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select replace(o.id::text, '-', ''), r.state, r.attempts from orders o"
            + " join order_item i on i.order_id = o.id join reservation s on s.order_id = o.id and s.person_id = i.person_id"
            + " and s.insurance = i.insurance and s.paid left join handoff_record r on r.kind = 'CONTRIBUTION'"
            + " and r.order_id = o.id and r.person_id = i.person_id and r.insurance = i.insurance where o.state = 'PAID'")) {
      while (rs.next()) {
        if (!confirmed.contains(rs.getString(1))) {
          continue; // reported as unconfirmed by the payments check
        }
        items++;
        String state = rs.getString(2);
        if ("ACCEPTED".equals(state) || "FILED".equals(state)) {
          acknowledged++;
        } else if ("PENDING".equals(state) && rs.getInt(3) == 0) {
          awaitingFile++; // a pushed record is tried within seconds; one never tried waits for its day's file
        } else {
          missing++;
        }
      }
    }
    return new Handoff(items, acknowledged, awaitingFile, missing, agencyUrl == null ? 0 : sentTwice(agencyUrl));
  }

  static int sentTwice(String agencyUrl) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(agencyUrl + "/agency/ledger"))
        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("the agency simulator answered " + r.statusCode() + " for its ledger");
    }
    return new ObjectMapper().readTree(r.body()).path("takenTwice").size();
  }

  private LostPayments() {}

  /** Holds the channel's record against the database's. */
  public static Result compare(List<Confirmed> channel, Map<String, Recorded> database) {
    List<Problem> lost = new ArrayList<>();
    Set<String> confirmedNos = new HashSet<>();
    int matched = 0;
    for (Confirmed c : channel) {
      confirmedNos.add(c.outTradeNo());
      Recorded r = database.get(c.outTradeNo());
      String problem;
      if (r == null) {
        problem = "paid on " + c.channel() + " but no such order in the database";
      } else if (r.totalFen() != c.totalFen()) {
        problem = "paid " + c.totalFen() + " fen but the order is for " + r.totalFen();
      } else if (r.state().equals("PAID")) {
        problem = null;
      } else if (r.state().equals("REFUNDED")) {
        problem = r.refundReasons().stream().anyMatch(x -> x != null && !x.isBlank()) ? null : "REFUNDED without a reason";
      } else {
        problem = "paid on " + c.channel() + " but the order is " + r.state();
      }
      if (problem == null) {
        matched++;
      } else {
        lost.add(new Problem(c.outTradeNo(), problem));
      }
    }
    for (Recorded r : database.values()) {
      if (r.refundsStuck() > 0) {
        lost.add(new Problem(r.outTradeNo(), r.refundsStuck() + " refund(s) owed past the recovery window or refused"));
      }
    }
    List<Problem> unconfirmed = new ArrayList<>();
    for (Recorded r : database.values()) {
      if ((r.state().equals("PAID") || r.state().equals("REFUNDED")) && !confirmedNos.contains(r.outTradeNo())) {
        unconfirmed.add(new Problem(r.outTradeNo(), r.state() + " in the database but never confirmed by the channel"));
      }
    }
    return new Result(channel.size(), matched, lost, unconfirmed);
  }

  /** The sandbox's ledger ({@code GET /sandbox/payments}). */
  public static List<Confirmed> ledger(String sandboxUrl) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(sandboxUrl + "/sandbox/payments"))
        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("the sandbox answered " + r.statusCode() + " for its ledger");
    }
    List<Confirmed> out = new ArrayList<>();
    for (JsonNode p : new ObjectMapper().readTree(r.body()).path("payments")) {
      out.add(new Confirmed(p.path("channel").asText(), p.path("outTradeNo").asText(), p.path("totalFen").asLong(),
          p.path("refundedFen").asLong()));
    }
    return out;
  }

  /** Every order in the gateway's database, by out_trade_no (its id without dashes). */
  public static Map<String, Recorded> orders(String jdbcUrl) throws SQLException {
    Map<String, Recorded> out = new HashMap<>();
    try (Connection c = DriverManager.getConnection(jdbcUrl); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select replace(o.id::text, '-', ''), o.state, o.total_fen,"
            + " coalesce((select array_agg(r.reason) from refund r where r.order_id = o.id), '{}'),"
            + " (select count(*) from refund r where r.order_id = o.id and (r.state = 'FAILED' or (r.state in ('PENDING', 'REQUESTED')"
            + " and r.created_at < now() - interval '" + RECOVERY_WINDOW.toSeconds() + " seconds'))) from orders o")) {
      while (rs.next()) {
        String[] reasons = (String[]) rs.getArray(4).getArray();
        out.put(rs.getString(1), new Recorded(rs.getString(1), rs.getString(2), rs.getLong(3), List.of(reasons), rs.getInt(5)));
      }
    }
    return out;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: LostPayments <sandbox URL> <JDBC URL> [grace seconds [agency simulator URL]]");
      System.exit(2);
    }
    long grace;
    try {
      grace = args.length > 2 ? Long.parseLong(args[2]) : 60;
    } catch (NumberFormatException e) {
      System.err.println("LostPayments: grace seconds must be a whole number, got '" + args[2] + "'");
      System.exit(2);
      return;
    }
    long graceNanos = Duration.ofSeconds(grace).toNanos();
    long deadline = System.nanoTime() + graceNanos;
    Result r;
    Handoff h;
    String agency = args.length > 3 && !args[3].isBlank() ? args[3] : null;
    try {
      while (true) {
        List<Confirmed> confirmed = ledger(args[0]);
        r = compare(confirmed, orders(args[1]));
        h = handoff(confirmed, args[1], agency);
        if (r.clean() && h.clean() || System.nanoTime() > deadline) {
          break;
        }
        Thread.sleep(1000);
      }
    } catch (IOException | SQLException e) {
      System.err.println("lost-payment check: cannot check: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.out.printf("lost-payment check: %d payments confirmed by the channels, %d found PAID or REFUNDED with a reason;"
        + " lost %d, paid but unconfirmed %d%n", r.confirmed(), r.matched(), r.lost().size(), r.unconfirmed().size());
    r.lost().stream().limit(20).forEach(p -> System.out.println("  LOST " + p.outTradeNo() + ": " + p.what()));
    r.unconfirmed().stream().limit(20).forEach(p -> System.out.println("  UNCONFIRMED " + p.outTradeNo() + ": " + p.what()));
    System.out.printf("hand-off check: %d paid items of confirmed payments, %d acknowledged by the receiver, %d awaiting"
        + " their daily file; missing %d, sent twice %d%s%n", h.items(), h.acknowledged(), h.awaitingFile(), h.missing(),
        h.sentTwice(), agency == null ? " (no agency ledger given)" : "");
    System.exit(r.clean() && h.clean() ? 0 : 1);
  }
}
