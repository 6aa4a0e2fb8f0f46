package cn.liangxian.gateway.config;

/**
 * How many requests of each route class one gateway process serves at once; beyond them a request is
 * turned away at once (503) rather than queued. Callbacks and health checks have no limit: a channel's
 * notification is always taken. {@code total} counts every class: lookups, residents' logins and order
 * creation (what starts a new journey) are turned away once three quarters of it are in use, the other
 * limited classes (what finishes a journey already under way) only once all of it is. With
 * {@code latencyTargetMillis} above 0, the limits of lookups, logins and order creation are ceilings: the
 * limit in force follows the latency those requests see (see {@code Admission}); 0 keeps them fixed.
 */
public record AdmissionLimits(int lookups, int logins, int orderCreates, int orderReads, int operator, int total,
    int retryAfterSeconds, int latencyTargetMillis) {

  static AdmissionLimits read(Settings a) {
    AdmissionLimits l = new AdmissionLimits(a.integer("lookups", "GATEWAY_ADMISSION_LOOKUPS", 64, 0, 1_000_000),
        a.integer("logins", "GATEWAY_ADMISSION_LOGINS", 64, 0, 1_000_000),
        a.integer("orderCreates", "GATEWAY_ADMISSION_ORDER_CREATES", 64, 0, 1_000_000),
        a.integer("orderReads", "GATEWAY_ADMISSION_ORDER_READS", 256, 0, 1_000_000),
        a.integer("operator", "GATEWAY_ADMISSION_OPERATOR", 32, 0, 1_000_000),
        a.integer("total", "GATEWAY_ADMISSION_TOTAL", 512, 1, 10_000_000),
        a.integer("retryAfterSeconds", "GATEWAY_ADMISSION_RETRY_AFTER_SECONDS", 3, 1, 600),
        a.integer("latencyTargetMillis", "GATEWAY_ADMISSION_LATENCY_TARGET_MILLIS", 500, 0, 60_000));
    a.done();
    return l;
  }
}
