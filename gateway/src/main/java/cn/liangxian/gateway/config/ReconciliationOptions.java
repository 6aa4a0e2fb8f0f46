package cn.liangxian.gateway.config;

/**
 * The {@code reconciliation:} section: each channel's (and merchant's) bill of a Beijing day is compared
 * with our records by one instance, once the day is over and the bill is out ({@code afterBeijingHour} of
 * the next day, Beijing time; the channels publish around 10:00); a bill not out yet is tried again
 * {@code retryMinutes} later, by the schedule for {@code lookBackDays} days (the day due and the ones
 * before it); a day older than that is run again by an operator only.
 */
public record ReconciliationOptions(int afterBeijingHour, int retryMinutes, int lookBackDays) {
  static ReconciliationOptions read(Settings r) {
    ReconciliationOptions o = new ReconciliationOptions(
        r.integer("afterBeijingHour", "GATEWAY_RECONCILIATION_AFTER_BEIJING_HOUR", 10, 0, 23),
        r.integer("retryMinutes", "GATEWAY_RECONCILIATION_RETRY_MINUTES", 30, 1, 24 * 60),
        // WeChat Pay serves a trade bill for three months: a day is not given up on before its bill is gone. At least
        // two: a day done against no bill is looked at a last time a day after its due time, when the day due is the next
        r.integer("lookBackDays", "GATEWAY_RECONCILIATION_LOOK_BACK_DAYS", 7, 2, 90));
    r.done();
    return o;
  }
}
