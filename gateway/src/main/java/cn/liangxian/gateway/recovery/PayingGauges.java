package cn.liangxian.gateway.recovery;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the sweeper sees on each round: orders still paying, refunds still owed or paid back twice, kiosks heard from
 * lately.
 */
public final class PayingGauges {
  static final String OBSERVE = "select (select count(*) from orders where state = 'PAYING'),"
      + " (select coalesce(extract(epoch from ($1::timestamptz - min(created_at)))::bigint, 0) from orders where state = 'PAYING'),"
      + " (select count(*) from kiosk where last_seen_at > $1::timestamptz - interval '90 seconds'),"
      + " (select count(*) from refund where state in ('PENDING', 'REQUESTED')),"
      + " (select coalesce(extract(epoch from ($1::timestamptz - min(created_at)))::bigint, 0) from refund"
      + "   where state in ('PENDING', 'REQUESTED')),"
      + " (select count(*) from refund f where f.state = 'FAILED' and f.settled_at is null and "
      + cn.liangxian.gateway.refund.FailedRefunds.owedFen("f") + " > 0),"
      + " (" + cn.liangxian.gateway.refund.PaidBackTwice.OPEN + ")";

  /** Every statement above, prepared on each connection when it opens. */
  public static final List<String> STATEMENTS = List.of(OBSERVE);

  private final AtomicLong paying = new AtomicLong();
  private final AtomicLong oldestSeconds = new AtomicLong();
  private final AtomicLong kiosksUp = new AtomicLong();
  private final AtomicLong refundsOpen = new AtomicLong();
  private final AtomicLong refundsOpenOldestSeconds = new AtomicLong();
  private final AtomicLong refundsFailed = new AtomicLong();
  private final AtomicLong paidBackTwice = new AtomicLong();
  private final Clock clock;

  public PayingGauges(MeterRegistry registry, Clock clock) {
    this.clock = clock;
    Gauge.builder("liangxian_orders_paying", paying, AtomicLong::get).description("orders waiting for their payment")
        .register(registry);
    Gauge.builder("liangxian_orders_paying_oldest_seconds", oldestSeconds, AtomicLong::get)
        .description("age of the oldest order still paying").register(registry);
    Gauge.builder("liangxian_kiosks_up", kiosksUp, AtomicLong::get).description("kiosks heard from in the last 90 seconds")
        .register(registry);
    Gauge.builder("liangxian_refunds_open", refundsOpen, AtomicLong::get)
        .description("refunds owed to residents and not yet confirmed by the channel").register(registry);
    Gauge.builder("liangxian_refunds_open_oldest_seconds", refundsOpenOldestSeconds, AtomicLong::get)
        .description("age of the oldest refund not yet confirmed (alert past an hour)").register(registry);
    Gauge.builder("liangxian_refunds_failed", refundsFailed, AtomicLong::get)
        .description("refunds the channel refused for good and not yet recorded as paid back another way: finance must pay"
            + " them back (POST /api/v1/operator/refunds/{outRefundNo}/settled)").register(registry);
    Gauge.builder("liangxian_refunds_paid_back_twice", paidBackTwice, AtomicLong::get)
        .description("refunds finance paid back another way that the channel then confirmed too, not yet recovered: finance"
            + " recovers one and records it (POST /api/v1/operator/refunds/{outRefundNo}/recovered)").register(registry);
  }

  public Future<Void> observe(Pool pool) {
    return pool.preparedQuery(OBSERVE).execute(Tuple.of(OffsetDateTime.now(clock))).map(rows -> {
      Row r = rows.iterator().next();
      paying.set(r.getLong(0));
      oldestSeconds.set(Math.max(0, r.getLong(1)));
      kiosksUp.set(r.getLong(2));
      refundsOpen.set(r.getLong(3));
      refundsOpenOldestSeconds.set(Math.max(0, r.getLong(4)));
      refundsFailed.set(r.getLong(5));
      paidBackTwice.set(r.getLong(6));
      return null;
    });
  }
}
