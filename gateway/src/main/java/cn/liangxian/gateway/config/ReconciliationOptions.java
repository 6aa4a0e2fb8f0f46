package cn.liangxian.gateway.config;

/**
 * The {@code reconciliation:} section: each channel's (and merchant's) bill of a Beijing day is compared
 * with our records by one instance, once the day is over and the bill is out ({@code afterBeijingHour} of
 * the next day, Beijing time; the channels publish around 10:00); a bill not out yet is tried again
 * {@code retryMinutes} later.
 */
public record ReconciliationOptions(int afterBeijingHour, int retryMinutes) {
  static ReconciliationOptions read(Settings r) {
    ReconciliationOptions o = new ReconciliationOptions(
        r.integer("afterBeijingHour", "GATEWAY_RECONCILIATION_AFTER_BEIJING_HOUR", 10, 0, 23),
        r.integer("retryMinutes", "GATEWAY_RECONCILIATION_RETRY_MINUTES", 30, 1, 24 * 60));
    r.done();
    return o;
  }
}
