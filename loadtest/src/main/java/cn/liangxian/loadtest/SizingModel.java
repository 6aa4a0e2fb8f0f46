package cn.liangxian.loadtest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * From participants to requests per second at the end-of-window peak, and to gateway instances. Every
 * assumption is a named number with its default and where it comes from; any of them can be changed on
 * the command line ({@code name=value}). See loadtest/README.md for the reasoning.
 *
 * <pre>java -cp loadtest.jar cn.liangxian.loadtest.SizingModel [name=value ...]</pre>
 */
public final class SizingModel {

  /** One assumption: its name on the command line, value, and what it means. */
  public record Assumption(String name, double value, String meaning) {}

  /** The defaults, in the order the README explains them. */
  public static final List<Assumption> DEFAULTS = List.of(
      new Assumption("countryMedical", 963_000_000, "resident medical insurance participants, end of 2023 (NHSA bulletin)"),
      new Assumption("countryPension", 545_000_000, "resident pension participants, end of 2023 (MOHRSS bulletin)"),
      new Assumption("provinceMedical", 70_000_000, "a large province's medical participants (60-80 million)"),
      new Assumption("pensionContributing", 0.69, "share of pension participants who still contribute (the rest draw benefits)"),
      new Assumption("pensionSameOrder", 0.8, "share of pension contributions paid in the same order as the family's medical"),
      new Assumption("onlineShare", 0.7, "share paid through this gateway (kiosk QR, mini-programs) rather than at counters or by bank"),
      new Assumption("lastDaysShare", 0.3, "share of the year's payments made in the last days of the window"),
      new Assumption("lastDays", 3, "how many last days that share falls in"),
      new Assumption("peakHourShare", 0.12, "share of such a day's payments in its busiest hour"),
      new Assumption("peakMinuteFactor", 3.0, "busiest minute (the midnight deadline) over the peak hour's mean"),
      new Assumption("membersPerOrder", 2.6, "persons paid for in one order (household size, 2020 census mean 2.62)"),
      new Assumption("lookupsPerOrder", 3.0, "lookups per order: the payer's own and family members checking before and after"),
      new Assumption("pollsPerOrder", 5.0, "status polls per order (the kiosk or phone polls every 2 s while the QR code is shown)"),
      new Assumption("callbacksPerOrder", 1.2, "channel notifications per order (some are delivered more than once)"),
      new Assumption("receiptsPerOrder", 1.0, "receipts fetched per order"),
      new Assumption("paidShareOfOrders", 0.9, "orders that end paid (the rest expire or are cancelled)"),
      new Assumption("measuredOrdersPerSecond", 0, "one instance's sustained journeys/s from the load test (0: not measured yet)"),
      new Assumption("measuredLookupsPerSecond", 0, "one instance's lookups/s from the load test (0: not measured yet)"),
      new Assumption("targetUtilisation", 0.6, "how busy an instance may be at the peak (headroom for a lost instance and GC)"));

  private final Map<String, Double> values = new LinkedHashMap<>();

  public SizingModel() {
    DEFAULTS.forEach(a -> values.put(a.name(), a.value()));
  }

  /** A copy with one assumption changed. */
  public SizingModel with(String name, double value) {
    if (!values.containsKey(name)) {
      throw new IllegalArgumentException("no assumption named '" + name + "' (known: " + String.join(", ", values.keySet()) + ")");
    }
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " must be a number of zero or more, got " + value);
    }
    if (name.endsWith("Share") || name.equals("pensionContributing") || name.equals("pensionSameOrder")
        || name.equals("targetUtilisation")) {
      if (value > 1) {
        throw new IllegalArgumentException(name + " is a share, between 0 and 1, got " + value);
      }
    }
    SizingModel m = new SizingModel();
    m.values.putAll(values);
    m.values.put(name, value);
    return m;
  }

  public double get(String name) {
    Double v = values.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no assumption named '" + name + "'");
    }
    return v;
  }

  /** Requests per second at the busiest minute, by endpoint, and the instances they need. */
  public record Peak(String scope, double persons, double orders, double ordersPerSecond, Map<String, Double> requestsPerSecond,
      double totalRequestsPerSecond, int instancesForOrders, int instancesForLookups) {
    public int instances() {
      return Math.max(instancesForOrders, instancesForLookups);
    }
  }

  /** Participants in a province of this many medical participants (pension scaled as in the country). */
  public Peak province() {
    double medical = get("provinceMedical");
    return peak("province", medical, medical * get("countryPension") / get("countryMedical"));
  }

  public Peak country() {
    return peak("country", get("countryMedical"), get("countryPension"));
  }

  Peak peak(String scope, double medicalPersons, double pensionPersons) {
    double pensionPaying = pensionPersons * get("pensionContributing");
    // persons whose contribution is an order line of their own: every medical one, and pension ones not in the medical order
    double persons = medicalPersons + pensionPaying * (1 - get("pensionSameOrder"));
    double orders = persons * get("onlineShare") / get("membersPerOrder") / get("paidShareOfOrders");
    double perLastDay = orders * get("lastDaysShare") / Math.max(1, get("lastDays"));
    double ordersPerSecond = perLastDay * get("peakHourShare") / 3600 * get("peakMinuteFactor");
    Map<String, Double> rps = new LinkedHashMap<>();
    rps.put("POST /api/v1/lookup", ordersPerSecond * get("lookupsPerOrder"));
    rps.put("POST /api/v1/orders", ordersPerSecond);
    rps.put("POST /api/v1/callbacks/*", ordersPerSecond * get("paidShareOfOrders") * get("callbacksPerOrder"));
    rps.put("GET /api/v1/orders/{id}", ordersPerSecond * get("pollsPerOrder"));
    rps.put("GET /api/v1/orders/{id}/receipt", ordersPerSecond * get("paidShareOfOrders") * get("receiptsPerOrder"));
    double total = rps.values().stream().mapToDouble(Double::doubleValue).sum();
    return new Peak(scope, persons, orders, ordersPerSecond, rps, total,
        instances(ordersPerSecond, get("measuredOrdersPerSecond")), instances(rps.get("POST /api/v1/lookup"), get("measuredLookupsPerSecond")));
  }

  private int instances(double needed, double perInstance) {
    if (perInstance <= 0) {
      return 0;
    }
    return (int) Math.ceil(needed / (perInstance * get("targetUtilisation")));
  }

  /** The assumptions and both peaks as text tables. */
  public String report() {
    StringBuilder sb = new StringBuilder("Assumptions\n");
    DEFAULTS.forEach(a -> sb.append(String.format(Locale.ROOT, "  %-26s %,16.2f  %s%n", a.name(), get(a.name()), a.meaning())));
    Peak p = province();
    Peak c = country();
    sb.append(String.format(Locale.ROOT, "%nBusiest minute                      %16s %16s%n", "province", "country"));
    sb.append(String.format(Locale.ROOT, "  %-32s %,16.0f %,16.0f%n", "orders in the year", p.orders(), c.orders()));
    for (String endpoint : p.requestsPerSecond().keySet()) {
      sb.append(String.format(Locale.ROOT, "  %-32s %,16.1f %,16.1f  req/s%n", endpoint, p.requestsPerSecond().get(endpoint),
          c.requestsPerSecond().get(endpoint)));
    }
    sb.append(String.format(Locale.ROOT, "  %-32s %,16.1f %,16.1f  req/s%n", "all of them", p.totalRequestsPerSecond(),
        c.totalRequestsPerSecond()));
    if (get("measuredOrdersPerSecond") > 0 || get("measuredLookupsPerSecond") > 0) {
      sb.append(String.format(Locale.ROOT, "  %-32s %16d %16d%n", "instances (journeys)", p.instancesForOrders(), c.instancesForOrders()));
      sb.append(String.format(Locale.ROOT, "  %-32s %16d %16d%n", "instances (lookups)", p.instancesForLookups(), c.instancesForLookups()));
      sb.append(String.format(Locale.ROOT, "  %-32s %16d %16d  at %.0f%% of the measured rate%n", "instances needed", p.instances(),
          c.instances(), get("targetUtilisation") * 100));
    } else {
      sb.append("  instances: pass measuredOrdersPerSecond=... and measuredLookupsPerSecond=... from a load test run\n");
    }
    return sb.toString();
  }

  /** Reads name=value arguments over the defaults. */
  public static SizingModel fromArgs(String... args) {
    SizingModel m = new SizingModel();
    List<String> bad = new ArrayList<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected name=value, got '" + a + "'");
      }
      try {
        m = m.with(a.substring(0, eq), Double.parseDouble(a.substring(eq + 1).replace("_", "")));
      } catch (NumberFormatException e) {
        bad.add(a);
      }
    }
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException("not a number: " + String.join(", ", bad));
    }
    return m;
  }

  public static void main(String[] args) {
    try {
      System.out.print(fromArgs(args).report());
    } catch (IllegalArgumentException e) {
      System.err.println("sizing: " + e.getMessage());
      System.exit(2);
    }
  }
}
