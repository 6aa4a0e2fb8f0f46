package cn.liangxian.gateway.reconcile;

import cn.liangxian.gateway.audit.AuditLog;
import cn.liangxian.gateway.channel.ChannelDays;
import cn.liangxian.gateway.channel.Channels;
import cn.liangxian.gateway.channel.PaymentChannel;
import cn.liangxian.gateway.channel.alipay.AlipayBill;
import cn.liangxian.gateway.channel.alipay.AlipayChannel;
import cn.liangxian.gateway.channel.unionpay.UnionPayChannel;
import cn.liangxian.gateway.channel.wechat.TradeBill;
import cn.liangxian.gateway.channel.wechat.WechatPayChannel;
import cn.liangxian.gateway.config.ReconciliationOptions;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.order.OutTradeNo;
import cn.liangxian.gateway.payment.PaymentOutcome;
import cn.liangxian.gateway.payment.Payments;
import cn.liangxian.gateway.refund.OutsideRefunds;
import cn.liangxian.gateway.refund.Refunds;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A channel's daily bill (per merchant) against our records, matched by payment transaction and refund
 * number, amount and status. Every difference is reported, none dropped: paid at the channel but not
 * here (repaired as a verified payment, through the same exactly-once path as a callback, refunded when
 * its order cannot take it), a refund the bill shows done that we had not seen confirmed (confirmed), a
 * refund made on the channel's merchant platform that we never asked for (booked where it gave back an order's
 * whole payment, or a payment its order could not take: see {@link OutsideRefunds}), here but not at the
 * channel, amount mismatches. Running it twice gives the same report and repairs nothing twice.
 *
 * <p>The day is the channel's: Beijing time, and a payment belongs to the day the channel booked it on
 * (its {@code channel_day}, from the channel's own time, else set by the bill that lists it). A record of
 * ours in the last half hour of the day that the bill does not list is not yet a difference: it is
 * deferred to the next day's bill, which either lists it or reports it.
 *
 * <p>Scheduled: every instance looks at every sweep which days of each channel's merchants are due and not
 * done: yesterday's once {@code afterBeijingHour} has passed, and the {@code lookBackDays - 1} days before it
 * (never one before the schedule's first day of that merchant). A day is run by the one instance whose
 * conditional insert (or update) of its (channel, merchant, day) row succeeds; the others leave it. A bill not
 * out yet (the channel down) marks the row FAILED, tried again {@code retryMinutes} later, at the next day's
 * run too, until the day falls out of the look-back; a day never run (every instance down) is run when it is
 * seen; a run abandoned by a stopped instance is taken over after ten minutes. A day done against no bill at all is
 * looked at again ({@link #RECHECK}): a bill that was only late is read then. So is a day an operator ran before its
 * bills were due (when they are), and one an operator's run left with refunds at the channel waiting for their payments
 * ({@code retryMinutes} later, as a failed day). A day done and run again is reported as it is then (what the earlier
 * run repaired is booked, no difference any more; the audit log keeps that run's repairs). The days left not done are
 * counted per channel and merchant ({@code liangxian_reconciliation_days_open}), from the database: every
 * instance exports the same figure.
 *
 * <p>A day's bill may run to a hundred thousand lines: it is read into lines, and matched with ours, on a
 * worker; only the repairs and the report's writing are the event loop's.
 */
public final class Reconciliation {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciliation.class);
  /** Ours this close to the end of the day and not in its bill are looked for in the next day's. */
  static final Duration DEFER = Duration.ofMinutes(30);

  static final String CLAIM = "insert into channel_reconciliation (channel, merchant, day, state, attempts, run_by, claimed_at)"
      + " values ($1, $2, $3, 'RUNNING', 1, $4, $5) on conflict (channel, merchant, day) do update set state = 'RUNNING',"
      + " attempts = channel_reconciliation.attempts + 1, run_by = excluded.run_by, claimed_at = excluded.claimed_at,"
      + " last_error = null, next_attempt_at = null, renewed_at = null"
      // a run still RUNNING ten minutes after it was claimed or last renewed its claim was abandoned (its instance stopped)
      + " where (channel_reconciliation.state = 'RUNNING' and greatest(channel_reconciliation.renewed_at,"
      + " channel_reconciliation.claimed_at) < excluded.claimed_at - interval '10 minutes')"
      + " or (channel_reconciliation.state = 'FAILED' and ($6 or channel_reconciliation.next_attempt_at <= excluded.claimed_at))"
      + " or (channel_reconciliation.state = 'DONE' and $6)"
      // a day done against no bill (RECHECK), or done before its bills were due, looked at again once the look due now
      // ($7, chosen by runDue) has come, if not already since
      + " or (channel_reconciliation.state = 'DONE'"
      + " and channel_reconciliation.finished_at < $7 and excluded.claimed_at >= $7) returning attempts";
  /** A run still under way keeps its claim ({@link #RENEW_EVERY}): $5 the time of the renewal. */
  static final String RENEW = "update channel_reconciliation set renewed_at = $5 where channel = $1 and merchant = $2"
      + " and day = $3 and claimed_at = $4 and state = 'RUNNING'";
  /** The run's own row, still its own (another run may have taken an abandoned-looking one over): what earlier runs repaired. */
  static final String MINE = "select repaired_earlier from channel_reconciliation where channel = $1 and merchant = $2 and day = $3"
      + " and claimed_at = $4 and state = 'RUNNING' for update";
  /** $12: refunds at the channel wait for their payments to be booked (an operator's run records the day so). */
  static final String DONE = "update channel_reconciliation set state = 'DONE', finished_at = $5, bill_lines = $6, matched = $7,"
      + " repaired = $8, differences = $9, deferred = $10, no_bill = $11, repaired_earlier = null, waiting = $12"
      + " where channel = $1 and merchant = $2 and day = $3 and claimed_at = $4 and state = 'RUNNING'";
  /** $8: the differences the failed run repaired (an empty array: none), added to those of earlier failed runs. */
  static final String FAILED = "update channel_reconciliation set state = 'FAILED', finished_at = $5, next_attempt_at = $6,"
      + " last_error = $7, repaired_earlier = nullif(coalesce(repaired_earlier, '[]'::jsonb) || $8::jsonb, '[]'::jsonb)"
      + " where channel = $1 and merchant = $2 and day = $3 and claimed_at = $4 and state = 'RUNNING'";
  /** What a run taken over repaired ($4), for the report of the run that took it over, while that one is not done. */
  static final String CARRY = "update channel_reconciliation set repaired_earlier = coalesce(repaired_earlier, '[]'::jsonb)"
      + " || $4::jsonb where channel = $1 and merchant = $2 and day = $3 and state <> 'DONE'";
  /**
   * The same into a report already done (the run that took the day over finished first, having found those payments
   * booked): added to its differences and its count of repairs, each once.
   */
  static final String CARRY_DONE = "with added as (select coalesce(jsonb_agg(x), '[]'::jsonb) as list, count(x)::int as n"
      + " from channel_reconciliation c, jsonb_array_elements($4::jsonb) x where c.channel = $1 and c.merchant = $2 and c.day = $3"
      + " and not exists (select 1 from jsonb_array_elements(coalesce(c.differences, '[]'::jsonb)) y"
      + " where y->>'outTradeNo' is not distinct from x->>'outTradeNo' and y->>'kind' is not distinct from x->>'kind'"
      + " and y->>'outRefundNo' is not distinct from x->>'outRefundNo'"
      + " and y->>'transactionId' is not distinct from x->>'transactionId'))"
      + " update channel_reconciliation set differences = coalesce(differences, '[]'::jsonb) || added.list,"
      + " repaired = coalesce(repaired, 0) + added.n from added where channel = $1 and merchant = $2 and day = $3 and state = 'DONE'";
  // the columns named, never *: a column a later version adds would fail this statement where it is prepared already
  static final String READ = "select state, run_by, attempts, claimed_at, finished_at, bill_lines, no_bill, matched, repaired,"
      + " next_attempt_at, last_error, deferred, differences, repaired_earlier from channel_reconciliation"
      + " where channel = $1 and merchant = $2 and day = $3";
  /** The schedule's first day of each (channel, merchant) it is given ($1, $2): the day due ($3) when it first saw it. */
  static final String START = "insert into channel_reconciliation_start (channel, merchant, first_day)"
      + " select channel, merchant, $3::date from unnest($1::text[], $2::text[]) as c(channel, merchant) on conflict do nothing";
  /**
   * Each (channel, merchant) given ($1, $2) with the schedule's first day of it, and its rows of the days from $3 to
   * $4 (none: a row of nulls).
   */
  static final String WINDOW = "select c.channel, c.merchant, s.first_day, r.day, r.state,"
      + " greatest(r.renewed_at, r.claimed_at) as held_since, r.next_attempt_at,"
      + " r.no_bill, r.finished_at, r.waiting"
      + " from unnest($1::text[], $2::text[]) as c(channel, merchant)"
      + " left join channel_reconciliation_start s on s.channel = c.channel and s.merchant = c.merchant"
      + " left join channel_reconciliation r on r.channel = c.channel and r.merchant = c.merchant and r.day >= $3 and r.day <= $4";
  /**
   * Per channel and merchant, the days before $1 left not done: past the look-back, the schedule no longer tries them.
   * Those since the schedule's first day of the merchant that were never run at all (every instance down for longer
   * than the look-back) count too, as do earlier days an operator ran and that failed.
   */
  static final String GIVEN_UP = "select k.channel, k.merchant, count(*) as days from " + notDone("$1::date - 1")
      + " group by k.channel, k.merchant";
  /**
   * Every day up to $1 not done, of each channel and merchant since the schedule's first day of it (and earlier days an
   * operator ran): its row where it has one (none: never run), the oldest first, at most $2.
   */
  static final String LEFT = "select k.channel, k.merchant, k.day, r.state, r.attempts, r.last_error, r.next_attempt_at from "
      + notDone("$1::date") + " order by k.day, k.channel, k.merchant limit $2";
  /**
   * The days up to {@code lastDay} (an SQL date) not done, as {@code k} (channel, merchant, day) with their row {@code r}
   * where they have one: every day since the schedule's first day of each channel and merchant, and earlier days an
   * operator ran.
   */
  private static String notDone(String lastDay) {
    return "(select s.channel, s.merchant, d::date as day from channel_reconciliation_start s,"
        + " generate_series(s.first_day, " + lastDay + ", interval '1 day') as d"
        + " union select channel, merchant, day from channel_reconciliation where day <= " + lastDay + ") as k"
        + " left join channel_reconciliation r on r.channel = k.channel and r.merchant = k.merchant and r.day = k.day"
        + " where r.state is distinct from 'DONE'";
  }

  /** The most days {@link #daysLeft} lists. */
  static final int LEFT_AT_MOST = 1_000;
  /** A run still RUNNING this long after it was claimed or last renewed its claim was abandoned: as in {@link #CLAIM}. */
  static final Duration ABANDONED = Duration.ofMinutes(10);
  /**
   * How often a run under way renews its claim ({@link #RENEW}), by a timer of its own on the event loop that runs it (the
   * schedule's or an operator's request's): a run that lasts longer than {@link #ABANDONED} (a busy day's bill with many
   * repairs, applied {@link #REPAIRS_AT_ONCE} at a time so that the renewal and the loop's requests never wait behind
   * all of them) is not taken over while its instance lives, so the day is never run twice at once and the run's report
   * is kept.
   */
  static final Duration RENEW_EVERY = ABANDONED.dividedBy(5);
  /** A run renews its claim for this long at most after it claimed the day: one still running then waits on nothing that comes. */
  static final Duration RENEWED_AT_MOST = Duration.ofHours(2);
  /**
   * A day done against no bill (the channel's signed answer that it has none: no trade that day, or a bill not out yet,
   * as Alipay's and UnionPay's late files may be, or an operator's run before the bill was made) is looked at again by
   * the schedule: at its due time if it was done before it (a scheduled run as any: still no bill while we have
   * payments of the day, it fails and is tried again), and a last time this long after its due time. A payment at the
   * channel that the run could not see is found then, a false difference cleared. Still no bill then, it stays done.
   */
  static final Duration RECHECK = Duration.ofDays(1);
  // ours around the day (by when we received or recorded them), ours booked on the day, and those the bill names
  // however long ago we recorded them (a refund the channel did days after we asked): the bill is matched against all
  static final String OURS = "select false as refund, p.order_id, p.channel_txn_id as ref, p.amount_fen, p.channel_day,"
      + " (p.received_at at time zone 'Asia/Shanghai') as local_at, null::text as state from payment p"
      + " where p.channel = $1 and (p.received_at >= $2 and p.received_at < $3 or p.channel_day = $6"
      + " or p.channel_txn_id = any($7))"
      + " and (p.merchant = $4 or p.merchant is null and $5)"
      + " union all select true, f.order_id, coalesce(f.channel_refund_no, f.out_refund_no), f.amount_fen, f.channel_day,"
      + " (f.created_at at time zone 'Asia/Shanghai'), f.state from refund f join orders o on o.id = f.order_id"
      + " where coalesce(f.channel, o.channel) = $1 and (f.created_at >= $2 and f.created_at < $3 or f.channel_day = $6"
      + " or f.out_refund_no = any($8) or f.channel_refund_no = any($8))"
      // a merchant's refunds: those of the payments it took (null: the channel's default merchant)
      + " and (case when f.channel is null then o.merchant else f.merchant end = $4"
      + " or case when f.channel is null then o.merchant else f.merchant end is null and $5)";
  /**
   * The day the channel booked payments on, a batch of them at once ($2, their transaction ids): a bill of a busy day
   * lists a hundred thousand, which one statement each would queue before every other request on the pool. Nothing
   * else updates a payment row, so the rows a batch locks wait on nobody.
   */
  static final String PAYMENT_DAY = "update payment set channel_day = $3 where channel = $1 and channel_txn_id = any($2)"
      + " and channel_day is distinct from $3";
  /** How many payments one {@link #PAYMENT_DAY} statement books. */
  static final int DAY_BATCH = 5_000;
  /** The ids in order, {@code size} to a batch, the last one holding the rest: none for none. */
  static List<String[]> inBatches(List<String> ids, int size) {
    List<String[]> out = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += size) {
      out.add(ids.subList(from, Math.min(ids.size(), from + size)).toArray(String[]::new));
    }
    return out;
  }

  static final String REFUND_DAY = "update refund set channel_day = $2 where (out_refund_no = $1 or channel_refund_no = $1)"
      + " and channel_day is distinct from $2";

  private final Vertx vertx;
  private final Pool pool;
  private final Channels channels;
  private final Payments payments;
  private final Refunds refunds;
  private final OutsideRefunds outside;
  private final Clock clock;
  private final ReconciliationOptions options;
  private final MeterRegistry registry;
  /** Days due and not done, and how long since the oldest of them was due, by "channel/merchant": set at each sweep. */
  private final Map<String, AtomicLong> daysOpen = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> oldestOpenSeconds = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> givenUp = new ConcurrentHashMap<>();
  private final Duration tick;
  /** Whether this object has recorded the schedule's first day of every merchant (once is enough). */
  private volatile boolean started;
  /** Whether this object has registered the gauges of the days left: the first time it runs the schedule. */
  private boolean gauges;

  /**
   * {@code tick}: how often a run under way looks whether its claim is due for renewal ({@link #RENEW_EVERY}, by the
   * clock); the sweep's period, at most {@link #RENEW_EVERY}.
   */
  public Reconciliation(Vertx vertx, Pool pool, Channels channels, Payments payments, Refunds refunds, Clock clock,
      ReconciliationOptions options, MeterRegistry registry, Duration tick) {
    this.vertx = vertx;
    this.tick = tick.compareTo(RENEW_EVERY) < 0 ? tick : RENEW_EVERY;
    this.registry = registry;
    // every series from the start: a new deployment reads 0, not "No data"
    for (PaymentChannel c : channels.all()) {
      runs(c.name(), c.merchant(), "done");
      runs(c.name(), c.merchant(), "failed");
      differences(c.name(), c.merchant());
    }
    this.pool = pool;
    this.channels = channels;
    this.payments = payments;
    this.refunds = refunds;
    this.outside = new OutsideRefunds(pool, clock);
    this.clock = clock;
    this.options = options;
  }

  /**
   * The gauges of the days left open, registered by the one object of the gateway that runs the schedule (each event
   * loop has a Reconciliation for the routes; a gauge registered by one that never sweeps would read 0 for ever).
   */
  private void registerGauges() {
    for (PaymentChannel c : channels.all()) {
      String key = c.name() + "/" + c.merchant();
      Gauge.builder("liangxian_reconciliation_days_open", daysOpen.computeIfAbsent(key, k -> new AtomicLong()), AtomicLong::get)
          .tag("channel", c.name()).tag("merchant", c.merchant())
          .description("days whose bill is due and not reconciled yet (failed, running, or never run), among those the schedule"
              + " still tries (reconciliation.lookBackDays); the same figure on every instance, read from the database")
          .register(registry);
      Gauge.builder("liangxian_reconciliation_open_oldest_seconds", oldestOpenSeconds.computeIfAbsent(key, k -> new AtomicLong()),
              AtomicLong::get).tag("channel", c.name()).tag("merchant", c.merchant())
          .description("time since the bill of the oldest of those days was due (0: none); from the database")
          .register(registry);
      Gauge.builder("liangxian_reconciliation_days_given_up", givenUp.computeIfAbsent(key, k -> new AtomicLong()), AtomicLong::get)
          .tag("channel", c.name()).tag("merchant", c.merchant())
          .description("days not reconciled that fell out of reconciliation.lookBackDays: the schedule no longer tries them,"
              + " an operator runs them (POST /api/v1/operator/reconciliation/{channel}/{date}); from the database")
          .register(registry);
    }
  }

  /** {@code merchant}: the merchant's id (mchid, app_id, merId) as the operator routes' {@code ?merchant=} take it. */
  private Counter runs(String channel, String merchant, String outcome) {
    return Counter.builder("liangxian_reconciliation_runs").tag("channel", channel).tag("merchant", merchant).tag("outcome", outcome)
        .description("daily bill reconciliations run on this instance: done, or failed (the bill not out yet, the channel down)")
        .register(registry);
  }

  private Counter differences(String channel, String merchant) {
    return Counter.builder("liangxian_reconciliation_differences").tag("channel", channel).tag("merchant", merchant)
        .description("differences the daily reconciliations found between a channel's bill and our records, repaired or not")
        .register(registry);
  }

  /**
   * One line of a bill, whatever the channel, or one of ours keyed like it; {@code problem} says why it cannot be read
   * as a payment or refund. {@code notDone}: a refund the bill lists but says is not paid
   * back (WeChat Pay's 退款状态 other than SUCCESS: closed, abnormal, still processing), with that status; null for a
   * refund done, a payment, or a bill that lists done refunds only. {@code paidAt}: when a payment was made, as the
   * bill says (null where it does not): a payment the bill books here is dated by it, not by the bill's day.
   */
  record Line(boolean refund, String outTradeNo, String ref, long fen, String problem, String notDone, OffsetDateTime paidAt) {
    Line(boolean refund, String outTradeNo, String ref, long fen, String problem, String notDone) {
      this(refund, outTradeNo, ref, fen, problem, notDone, null);
    }

    Line(boolean refund, String outTradeNo, String ref, long fen) {
      this(refund, outTradeNo, ref, fen, null, null, null);
    }
  }

  /** One payment or refund of ours: its own day and Beijing time, and (refunds) its state. */
  record Ours(Line line, LocalDate channelDay, LocalDateTime localAt, String state) {
    LocalDate day() {
      return channelDay != null ? channelDay : localAt.toLocalDate();
    }
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }

  /** The Beijing day whose bills are due now: yesterday once {@code afterBeijingHour} has passed, else the day before. */
  public LocalDate dueDay() {
    return now().atZoneSameInstant(ChannelDays.BEIJING).minusHours(options.afterBeijingHour()).toLocalDate().minusDays(1);
  }

  /**
   * The look at a day done against no bill, last at {@code finished}, that is due now ({@link #RECHECK}): its due time,
   * when it was done before it (a scheduled run as any, which tries again while the bill is late), or a day after it (the
   * last look: still no bill, it stays done); null when none is. The claim takes the day only if it was not done since.
   */
  private OffsetDateTime recheckAt(LocalDate day, OffsetDateTime finished, OffsetDateTime now) {
    OffsetDateTime due = dueAt(day);
    OffsetDateTime look = now.isBefore(due.plus(RECHECK)) ? due : due.plus(RECHECK);
    return finished.isBefore(look) && !now.isBefore(look) ? look : null;
  }

  /**
   * The look due now at a day done, due itself, last {@code finished}; null when none is. A day done against no bill:
   * {@link #recheckAt}. One done before its bills were due (an operator's run on the day itself, against a bill of the
   * payments made so far): once, when they are, for what was paid after it. One an operator's run left with refunds
   * waiting for their payments to be booked: {@code retryMinutes} later, as the schedule's own run of such a day, until
   * nothing waits.
   */
  private OffsetDateTime lookAgainAt(LocalDate day, OffsetDateTime finished, boolean noBill, boolean waiting,
      OffsetDateTime now) {
    if (finished == null) {
      return null;
    }
    if (noBill) {
      return recheckAt(day, finished, now);
    }
    if (finished.isBefore(dueAt(day))) {
      return dueAt(day);
    }
    OffsetDateTime retry = finished.plusMinutes(options.retryMinutes());
    return waiting && !now.isBefore(retry) ? retry : null;
  }

  /** When the bills of {@code day} are due: {@code afterBeijingHour} the next day, Beijing time. */
  private OffsetDateTime dueAt(LocalDate day) {
    return day.plusDays(1).atTime(options.afterBeijingHour(), 0).atZone(ChannelDays.BEIJING).toOffsetDateTime();
  }

  /**
   * The schedule's part, on every instance (by one object of each, on one event loop): each channel's merchant's days
   * due and not done, within the look-back, the oldest first, each run here if no other instance has it; the gauges of
   * the days left. How many ran here.
   */
  public Future<Integer> runDue() {
    if (!gauges) {
      gauges = true;
      registerGauges();
    }
    LocalDate due = dueDay();
    LocalDate earliest = due.minusDays(options.lookBackDays() - 1L);
    List<PaymentChannel> all = channels.all();
    String[] names = all.stream().map(PaymentChannel::name).toArray(String[]::new);
    String[] merchants = all.stream().map(PaymentChannel::merchant).toArray(String[]::new);
    Future<?> start = started ? Future.succeededFuture()
        : pool.preparedQuery(START).execute(Tuple.of(names, merchants, due)).onSuccess(x -> started = true);
    Future<?> givenUpRead = pool.preparedQuery(GIVEN_UP).execute(Tuple.of(earliest)).onSuccess(rows -> {
      Map<String, Long> counted = new HashMap<>();
      rows.forEach(r -> counted.put(r.getString("channel") + "/" + r.getString("merchant"), r.getLong("days")));
      for (PaymentChannel c : all) {
        String key = c.name() + "/" + c.merchant();
        givenUp.computeIfAbsent(key, k -> new AtomicLong()).set(counted.getOrDefault(key, 0L));
      }
    });
    return start.compose(x -> givenUpRead).compose(x -> pool.preparedQuery(WINDOW).execute(Tuple.of(names, merchants, earliest, due))).compose(rows -> {
      OffsetDateTime now = now();
      Map<String, LocalDate> firstDays = new HashMap<>();
      Map<String, Row> byDay = new HashMap<>();
      for (Row r : rows) {
        String key = r.getString("channel") + "/" + r.getString("merchant");
        if (r.getLocalDate("first_day") != null) {
          firstDays.put(key, r.getLocalDate("first_day"));
        }
        if (r.getLocalDate("day") != null) {
          byDay.put(key + "/" + r.getLocalDate("day"), r);
        }
      }
      Future<Integer> ran = Future.succeededFuture(0);
      for (PaymentChannel c : all) {
        String key = c.name() + "/" + c.merchant();
        LocalDate first = firstDays.getOrDefault(key, due);
        // never before the schedule's first day of the merchant; the day due always
        LocalDate from = first.isAfter(earliest) ? (first.isAfter(due) ? due : first) : earliest;
        long open = 0;
        LocalDate oldest = null;
        for (LocalDate day = from; !day.isAfter(due); day = day.plusDays(1)) {
          Row r = byDay.get(key + "/" + day);
          String state = r == null ? null : r.getString("state");
          if ("DONE".equals(state)) {
            boolean noBill = Boolean.TRUE.equals(r.getBoolean("no_bill"));
            OffsetDateTime look = lookAgainAt(day, r.getOffsetDateTime("finished_at"), noBill,
                Boolean.TRUE.equals(r.getBoolean("waiting")), now);
            if (look != null) {
              LocalDate d = day;
              // the look a day after the due time at a day done against no bill is the last (RECHECK)
              boolean last = noBill && look.isAfter(dueAt(day));
              ran = ran.compose(n -> runScheduled(c, d, look, last).map(one -> n + one));
            }
            continue;
          }
          open++;
          oldest = oldest == null ? day : oldest;
          if (state == null || "FAILED".equals(state) && r.getOffsetDateTime("next_attempt_at") != null
              && !r.getOffsetDateTime("next_attempt_at").isAfter(now)
              || "RUNNING".equals(state) && r.getOffsetDateTime("held_since").isBefore(now.minus(ABANDONED))) {
            LocalDate d = day;
            ran = ran.compose(n -> runScheduled(c, d, null, false).map(one -> n + one));
          }
        }
        daysOpen.computeIfAbsent(key, k -> new AtomicLong()).set(open);
        oldestOpenSeconds.computeIfAbsent(key, k -> new AtomicLong())
            .set(oldest == null ? 0 : Math.max(0, Duration.between(dueAt(oldest), now).toSeconds()));
      }
      return ran;
    });
  }

  /**
   * One day of a merchant's run here if this instance claims it: 1 when it ran (done or failed), 0 when another has it.
   * {@code look}: the time a day done is looked at again ({@link #CLAIM}'s $7); {@code last}: that look is the last at a
   * day done against no bill ({@link #RECHECK}).
   */
  private Future<Integer> runScheduled(PaymentChannel c, LocalDate day, OffsetDateTime look, boolean last) {
    return claim(c, day, "schedule", false, look)
        .compose(claimed -> claimed == null ? Future.succeededFuture(0) : compare(c, day, "schedule", claimed, last).map(1))
        .recover(e -> {
          LOG.warn("reconciliation of {}/{} for {} not run now: {}", c.name(), c.merchant(), day, e.toString());
          return Future.succeededFuture(0);
        });
  }

  /** An operator runs a day again (or for the first time): the report, or 409 while another run is under way. */
  public Future<JsonObject> rerun(String channel, String merchant, LocalDate date, String actor) {
    PaymentChannel c = channel(channel, merchant);
    return claim(c, date, actor, true, null).compose(claimed -> {
      if (claimed == null) {
        return Future.failedFuture(Problem.conflict("reconciliation-running", "Reconciliation under way",
            "the reconciliation of " + channel + " for " + date + " is running now; read it when it is done", null));
      }
      return compare(c, date, actor, claimed, false);
    });
  }

  /**
   * The days due and not reconciled, of every channel and merchant: those the schedule still tries ({@code givenUp}
   * false) and those that fell out of the look-back ({@code givenUp} true: only an operator's run reconciles them);
   * {@code state} NOT_RUN for a day never run at all. The oldest first; {@code truncated} past {@link #LEFT_AT_MOST}.
   */
  public Future<JsonObject> daysLeft() {
    LocalDate due = dueDay();
    LocalDate earliest = due.minusDays(options.lookBackDays() - 1L);
    return pool.preparedQuery(LEFT).execute(Tuple.of(due, LEFT_AT_MOST + 1)).map(rows -> {
      JsonArray days = new JsonArray();
      for (Row r : rows) {
        if (days.size() == LEFT_AT_MOST) {
          break;
        }
        LocalDate day = r.getLocalDate("day");
        JsonObject d = new JsonObject().put("channel", r.getString("channel")).put("merchant", r.getString("merchant"))
            .put("date", day.toString()).put("state", r.getString("state") == null ? "NOT_RUN" : r.getString("state"))
            .put("givenUp", day.isBefore(earliest)).put("attempts", r.getInteger("attempts") == null ? 0 : r.getInteger("attempts"));
        if (r.getString("last_error") != null) {
          d.put("lastError", r.getString("last_error"));
        }
        if (r.getOffsetDateTime("next_attempt_at") != null && !day.isBefore(earliest)) {
          d.put("nextAttemptAt", cn.liangxian.gateway.time.UtcTime.iso(r.getOffsetDateTime("next_attempt_at")));
        }
        days.add(d);
      }
      return new JsonObject().put("dueDay", due.toString()).put("lookBackFrom", earliest.toString()).put("days", days)
          .put("truncated", rows.size() > LEFT_AT_MOST);
    });
  }

  /** A day's reconciliation as it was run; 404 when it has not been. No side effects. */
  public Future<JsonObject> get(String channel, String merchant, LocalDate date) {
    PaymentChannel c = channel(channel, merchant);
    return read(c.name(), c.merchant(), date).map(r -> {
      if (r == null) {
        throw Problem.notFound("reconciliation-not-run", "Not reconciled yet", "the bill of " + date + " is reconciled after "
            + options.afterBeijingHour() + ":00 Beijing time the next day; POST to run it now");
      }
      return r;
    });
  }

  private PaymentChannel channel(String channel, String merchant) {
    if (!channels.byName().containsKey(channel)) {
      throw Problem.notFound("no-such-channel", "No such channel", "channels: " + channels.byName().keySet());
    }
    PaymentChannel c = channels.of(channel, merchant);
    if (c == null) {
      throw Problem.notFound("no-such-merchant", "No such merchant", "the merchants of " + channel + ": " + channels.all().stream()
          .filter(x -> x.name().equals(channel)).map(PaymentChannel::merchant).toList());
    }
    return c;
  }

  /**
   * Claims the day's row for this instance: the claim's time (the run's identity), or null when another run has it.
   * {@code look}: a day done is taken again for this look, if not done since (against no bill, see {@link #recheckAt};
   * before its bills were due; with refunds waiting for their payments); null for no such.
   */
  private Future<OffsetDateTime> claim(PaymentChannel c, LocalDate day, String by, boolean force, OffsetDateTime look) {
    OffsetDateTime at = now();
    return pool.preparedQuery(CLAIM).execute(Tuple.from(new Object[] {c.name(), c.merchant(), day, by, at, force, look}))
        .map(rows -> rows.size() == 0 ? null : at);
  }

  private Future<JsonObject> read(String channel, String merchant, LocalDate day) {
    return pool.preparedQuery(READ).execute(Tuple.of(channel, merchant, day)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row r = rows.iterator().next();
      JsonObject o = new JsonObject().put("channel", channel).put("merchant", merchant).put("date", day.toString())
          .put("state", r.getString("state")).put("runBy", r.getString("run_by")).put("attempts", r.getInteger("attempts"))
          .put("claimedAt", cn.liangxian.gateway.time.UtcTime.iso(r.getOffsetDateTime("claimed_at")));
      if (r.getOffsetDateTime("finished_at") != null) {
        o.put("finishedAt", cn.liangxian.gateway.time.UtcTime.iso(r.getOffsetDateTime("finished_at")));
      }
      if ("DONE".equals(r.getString("state"))) {
        o.put("noBill", r.getBoolean("no_bill")).put("billLines", r.getInteger("bill_lines")).put("matched", r.getInteger("matched")).put("repaired", r.getInteger("repaired"))
            .put("differences", json(r.getValue("differences"))).put("deferred", json(r.getValue("deferred")));
      } else if (r.getValue("repaired_earlier") != null) {
        // not done yet: what its failed runs repaired meanwhile
        o.put("repairedEarlier", json(r.getValue("repaired_earlier")));
      }
      if (r.getString("last_error") != null) {
        o.put("lastError", r.getString("last_error"));
      }
      if (r.getOffsetDateTime("next_attempt_at") != null) {
        o.put("nextAttemptAt", cn.liangxian.gateway.time.UtcTime.iso(r.getOffsetDateTime("next_attempt_at")));
      }
      return o;
    });
  }

  private static JsonArray json(Object v) {
    return v == null ? new JsonArray() : v instanceof JsonArray a ? a : new JsonArray(v.toString());
  }

  /** A bill's lines, and the references they name (ours are read by them too). */
  record Bill(List<Line> lines, String[] paid, String[] refunded, boolean absent) {
    static Bill of(List<Line> lines) {
      return new Bill(lines, lines.stream().filter(l -> !l.refund()).map(Line::ref).toArray(String[]::new),
          lines.stream().filter(Line::refund).map(Line::ref).toArray(String[]::new), false);
    }

    /** The channel's answer that it has no bill of the day ({@link #noBill}). */
    static Bill absentAtChannel() {
      return new Bill(List.of(), new String[0], new String[0], true);
    }
  }

  /**
   * Whether the channel answered, in a signed answer, that it has no bill of the day: what it says for a day on which
   * the merchant took no payment and made no refund (WeChat Pay's {@code NO_STATEMENT_EXIST} 账单文件不存在, Alipay's
   * {@code isp.bill_not_exist}, UnionPay's respCode 98 文件不存在). An answer not signed is retryable (WeChat Pay,
   * Alipay) or carries no code (UnionPay), so it never passes for this. Reconciled as an empty bill when we have nothing
   * of the day either; see {@link #compare}.
   */
  static boolean noBill(Throwable e) {
    if (!(e instanceof cn.liangxian.gateway.channel.ChannelException x)) {
      return false;
    }
    return switch (x.code()) {
      case "NO_STATEMENT_EXIST", "isp.bill_not_exist" -> !x.retryable();
      case "UNIONPAY_98" -> true;
      default -> false;
    };
  }

  /** The channel's bill of the day, read into lines on a worker; {@link Bill#absentAtChannel} when it has none ({@link #noBill}). */
  private Future<Bill> bill(PaymentChannel c, LocalDate date) {
    return billOrNone(c, date).recover(e -> noBill(e) ? Future.succeededFuture(Bill.absentAtChannel()) : Future.failedFuture(e));
  }

  private Future<Bill> billOrNone(PaymentChannel c, LocalDate date) {
    if (c instanceof WechatPayChannel w) {
      return w.client().tradeBill(date).compose(b -> vertx.executeBlocking(() -> Bill.of(lines(b)), false));
    }
    if (c instanceof AlipayChannel a) {
      return a.client().bill(date).compose(b -> vertx.executeBlocking(() -> Bill.of(lines(b)), false));
    }
    if (c instanceof UnionPayChannel u) {
      return u.bill(date).compose(lines -> vertx.executeBlocking(() -> Bill.of(lines.stream()
          .map(l -> new Line(l.refund(), l.outTradeNo(), l.ref(), l.fen(), l.problem(), null, l.paidAt())).toList()), false));
    }
    return Future.failedFuture(new IllegalStateException("no bill for " + c.name()));
  }

  private static List<Line> lines(TradeBill b) {
    List<Line> out = new ArrayList<>();
    for (TradeBill.Row r : b.rows()) {
      // a line that cannot be read keeps what it says it is (a refund is matched with our refund, never with the
      // payment); one cut short or of a state we do not take is reported, never skipped
      boolean refund = r.tradeState().equals("REFUND");
      String problem = r.problem() != null || refund || r.tradeState().equals("SUCCESS") ? r.problem()
          : "trade state '" + r.tradeState() + "' is neither SUCCESS nor REFUND";
      // a refund listed is not yet one paid back: its own status says whether the money went back
      String status = r.refundStatus() == null ? "" : r.refundStatus().strip();
      out.add(refund ? new Line(true, r.outTradeNo(), r.outRefundNo(), r.refundFen(), problem,
              status.equals("SUCCESS") ? null : status.isEmpty() ? "(none)" : status)
          : new Line(false, r.outTradeNo(), r.transactionId(), r.orderFen(), problem, null,
              cn.liangxian.gateway.channel.ChannelDays.beijingTime(r.time())));
    }
    return out;
  }

  private static List<Line> lines(AlipayBill b) {
    List<Line> out = new ArrayList<>();
    for (AlipayBill.Row r : b.rows()) {
      // a refund line that cannot be read is still a refund's: matched with our refund, never with the payment
      out.add(new Line(r.refund(), r.outTradeNo(), r.refund() ? r.refundRequestNo() : r.tradeNo(), r.amountFen(), r.problem(), null,
          r.refund() ? null : cn.liangxian.gateway.channel.ChannelDays.beijingTime(r.finishedAt())));
    }
    return out;
  }

  /**
   * Ours from the day before to the day after (by when we received or recorded them), ours booked on the day and
   * ours the bill names.
   */
  private Future<RowSet<Row>> ours(PaymentChannel c, LocalDate date, Bill bill) {
    String channel = c.name();
    boolean isDefault = isDefault(c);
    OffsetDateTime from = date.minusDays(1).atStartOfDay(ChannelDays.BEIJING).toOffsetDateTime();
    OffsetDateTime to = date.plusDays(2).atStartOfDay(ChannelDays.BEIJING).toOffsetDateTime();
    return pool.preparedQuery(OURS).execute(Tuple.from(new Object[] {channel, from, to, c.merchant(), isDefault, date, bill.paid(),
        bill.refunded()}));
  }

  /** Whether the merchant is its channel's default one: a payment or order with no merchant recorded is the default's. */
  private boolean isDefault(PaymentChannel c) {
    return channels.byName().get(c.name()) == c;
  }

  /** Ours as read, keyed like the bill. */
  private static Map<String, Ours> window(RowSet<Row> rows) {
    Map<String, Ours> m = new HashMap<>();
    for (Row r : rows) {
      Line l = new Line(r.getBoolean("refund"), OutTradeNo.of(r.getUUID("order_id")), r.getString("ref"), r.getLong("amount_fen"));
      m.put(key(l), new Ours(l, r.getLocalDate("channel_day"), r.getLocalDateTime("local_at"), r.getString("state")));
    }
    return m;
  }

  private static String key(Line l) {
    return (l.refund() ? "R:" : "P:") + l.ref();
  }

  /** Fetches the bill and compares; a bill that cannot be had now leaves the row FAILED, to be tried again. */
  private Future<JsonObject> compare(PaymentChannel c, LocalDate date, String actor, OffsetDateTime claimed, boolean recheck) {
    // the run keeps its claim while it works, whichever event loop runs it (the schedule's, or an operator's request's)
    OffsetDateTime[] renewed = {claimed};
    boolean[] renewing = {false};
    long timer = vertx.setPeriodic(tick.toMillis(), t -> {
      OffsetDateTime now = now();
      if (renewing[0] || renewed[0].isAfter(now.minus(RENEW_EVERY))) {
        return;
      }
      if (now.isAfter(claimed.plus(RENEWED_AT_MOST))) {
        // a run this long waits on something that does not come (a lock never released): it lets the day be taken over
        LOG.warn("the {} reconciliation of {} for {} has run since {}: its claim is no longer renewed", c.name(), c.merchant(),
            date, claimed);
        vertx.cancelTimer(t);
        return;
      }
      renewing[0] = true;
      pool.preparedQuery(RENEW).execute(Tuple.from(new Object[] {c.name(), c.merchant(), date, claimed, now}))
          .onComplete(ar -> {
            renewing[0] = false;
            if (ar.succeeded()) {
              renewed[0] = now;
            } else {
              LOG.warn("the claim of the {} reconciliation of {} for {} not renewed now: {}", c.name(), c.merchant(), date,
                  ar.cause().toString());
            }
          });
    });
    // through a future however it ends, a throw included, so that the timer always stops with the run
    return Future.succeededFuture().compose(x -> compareClaimed(c, date, actor, claimed, recheck))
        .onComplete(x -> vertx.cancelTimer(timer));
  }

  private Future<JsonObject> compareClaimed(PaymentChannel c, LocalDate date, String actor, OffsetDateTime claimed,
      boolean recheck) {
    return bill(c, date).compose(bill -> ours(c, date, bill)
            .compose(rows -> vertx.executeBlocking(() -> match(date, bill.lines(), window(rows)), false))
            // the last look at a day done against no bill (RECHECK): done so again, not failed for good
            .compose(m -> bill.absent() && !m.differences().isEmpty() && "schedule".equals(actor) && !recheck
                // no bill, but payments or refunds of ours that day: a bill not out yet, or a channel not answering
                // truly; the schedule tries again rather than report every one of ours missing at the channel. An
                // operator's run records the day with those differences (a refund never taken leaves no bill either)
                ? Future.failedFuture(new cn.liangxian.gateway.channel.ChannelException("NO_BILL", "the channel has no bill"
                    + " of the day, yet " + m.differences().size() + " payment(s) or refund(s) of ours are of it", 200, true))
                : settle(c, date, m, actor, claimed, bill.absent())))
        .recover(e -> {
          if (e instanceof Problem) {
            return Future.failedFuture(e);
          }
          OffsetDateTime now = now();
          LOG.warn("the {} bill of {} for {} could not be reconciled now: {}", c.name(), c.merchant(), date, e.toString());
          runs(c.name(), c.merchant(), "failed").increment();
          JsonArray repaired = e instanceof Waiting w ? w.repaired : new JsonArray();
          return pool.preparedQuery(FAILED).execute(Tuple.from(new Object[] {c.name(), c.merchant(), date, claimed, now,
                  now.plusMinutes(options.retryMinutes()), String.valueOf(e.getMessage()), repaired}))
              .compose(x -> x.rowCount() > 0 || repaired.isEmpty() ? Future.succeededFuture()
                  // another run took the day over meanwhile (this one looked abandoned): what this one repaired goes into
                  // that run's report
                  : carry(pool, c.name(), c.merchant(), date, repaired))
              .compose(x -> read(c.name(), c.merchant(), date));
        });
  }

  /** A change to our records the bill calls for, with the difference that reports how it went (none for a day's). */
  record Repair(Kind kind, Line line, JsonObject difference) {
    enum Kind {
      /** a payment the channel confirms and we never heard of: applied exactly once like a callback */
      PAYMENT,
      /** the day the channel booked one of ours on */
      DAY,
      /** a refund the channel has paid back: what we were waiting to hear */
      REFUND_CONFIRMED,
      /**
       * a refund the channel made that we never asked for (on its merchant platform): booked once the day's payments
       * are, where it gave an order's whole payment back ({@link OutsideRefunds})
       */
      OUTSIDE_REFUND
    }
  }

  /** The bill against ours: the lines, those matched, the differences, those deferred, and the repairs in the bill's order. */
  record Matching(int lines, int matched, JsonArray differences, JsonArray deferred, List<Repair> repairs) {}

  /** Matches the bill with ours, changing nothing: CPU work only (a worker's, for a day's bill). */
  private static Matching match(LocalDate date, List<Line> bill, Map<String, Ours> window) {
    JsonArray differences = new JsonArray();
    List<Repair> repairs = new ArrayList<>();
    // ours of this day, and ours of the previous day's last half hour that its bill did not list
    LocalDateTime deferredFrom = date.atStartOfDay().minus(DEFER);
    Map<String, Ours> expected = new LinkedHashMap<>();
    window.forEach((k, o) -> {
      if (o.day().equals(date) || o.channelDay() == null && !o.localAt().isBefore(deferredFrom) && o.localAt().isBefore(date.atStartOfDay())) {
        expected.put(k, o);
      }
    });
    int matched = 0;
    Set<String> listed = new HashSet<>();
    for (Line b : bill) {
      if (b.problem() != null) {
        // a line naming one of ours is that one's difference: ours is not reported again as missing at the channel
        Ours named = b.ref() == null || b.ref().isEmpty() ? null : window.get(key(b));
        if (named != null) {
          expected.remove(key(b));
        }
        differences.add(diff("unreadable-bill-line", b, null, named == null ? null : named.line().fen()).put("reason", b.problem()));
        continue;
      }
      Ours m = window.get(key(b));
      if (!listed.add(key(b))) {
        // the channel counts it twice: never matched twice
        differences.add(diff("listed-twice-in-bill", b, b.fen(), m == null ? null : m.line().fen()));
        continue;
      }
      expected.remove(key(b));
      if (b.notDone() != null) {
        // listed, but the channel has not paid it back (closed, abnormal or still processing): never confirmed from
        // here; a refund still waiting is asked about by the sweeper, which fails it (and alerts) when closed
        differences.add(diff("refund-not-done-at-channel", b, b.fen(), m == null ? null : m.line().fen())
            .put("channelStatus", b.notDone()));
        continue;
      }
      if (m == null) {
        JsonObject d = diff(b.refund() ? "refund-missing-here" : "paid-at-channel-not-here", b, b.fen(), null);
        differences.add(d);
        repairs.add(new Repair(b.refund() ? Repair.Kind.OUTSIDE_REFUND : Repair.Kind.PAYMENT, b, d));
        continue;
      }
      // the bill says which day the channel booked it on
      repairs.add(new Repair(Repair.Kind.DAY, b, null));
      if (m.line().fen() != b.fen()) {
        differences.add(diff(b.refund() ? "refund-amount-mismatch" : "amount-mismatch", b, b.fen(), m.line().fen()));
      } else if (b.refund() && !"SUCCESS".equals(m.state())) {
        JsonObject d = diff("refund-not-confirmed-here", b, b.fen(), m.line().fen());
        differences.add(d);
        repairs.add(new Repair(Repair.Kind.REFUND_CONFIRMED, b, d));
      } else {
        matched++;
      }
    }
    JsonArray deferred = new JsonArray();
    LocalDateTime lateFrom = date.plusDays(1).atStartOfDay().minus(DEFER);
    for (Ours m : expected.values()) {
      if (m.channelDay() == null && !m.localAt().isBefore(lateFrom)) {
        deferred.add(diff(m.line().refund() ? "refund-in-next-bill" : "payment-in-next-bill", m.line(), null, m.line().fen()));
      } else {
        differences.add(diff(m.line().refund() ? "refund-missing-at-channel" : "here-not-at-channel", m.line(), null, m.line().fen()));
      }
    }
    return new Matching(bill.size(), matched, differences, deferred, repairs);
  }

  /** Makes the repairs the matching calls for, then records the report (unless another run took the day over). */
  private Future<JsonObject> settle(PaymentChannel c, LocalDate date, Matching matching, String actor, OffsetDateTime claimed,
      boolean noBill) {
    String channel = c.name();
    JsonArray differences = matching.differences();
    int[] counted = {-1}; // the differences of the report this run wrote, once it is written
    List<Future<?>> repairs = new ArrayList<>();
    List<String> paidDays = new ArrayList<>();
    // each repair started in turn, REPAIRS_AT_ONCE at a time: a bill with thousands queues them here, not on the pool
    List<Supplier<Future<?>>> applied = new ArrayList<>();
    List<Repair> outsideRefunds = new ArrayList<>();
    for (Repair r : matching.repairs()) {
      Line b = r.line();
      JsonObject d = r.difference();
      if (r.kind() == Repair.Kind.DAY && !b.refund()) {
        paidDays.add(b.ref());
        continue;
      }
      if (r.kind() == Repair.Kind.OUTSIDE_REFUND) {
        outsideRefunds.add(r);
        continue;
      }
      applied.add(switch (r.kind()) {
        case PAYMENT -> () -> payments.apply(channel, c.merchant(), b.outTradeNo(), b.ref(), b.fen(), "reconciliation", date,
            b.paidAt())
            .onComplete(ar -> {
              if (ar.failed()) {
                d.put("repair", "failed: " + ar.cause().getMessage());
              } else if (ar.result() == PaymentOutcome.UNKNOWN_ORDER) {
                d.put("left", "left to finance: no order of ours has this trade number"); // nothing was booked
              } else {
                d.put("repair", ar.result().name().toLowerCase());
              }
            });
        // a refund's day, one statement each: refunds are few, and a refund's row is locked by its own confirmations
        case DAY -> () -> pool.preparedQuery(REFUND_DAY).execute(Tuple.of(b.ref(), date));
        case REFUND_CONFIRMED -> () -> refunds.confirmed(b.ref())
            .onComplete(ar -> d.put("repair", ar.succeeded() ? "confirmed" : "failed: " + ar.cause().getMessage()));
        case OUTSIDE_REFUND -> throw new IllegalStateException("not a repair of its own: " + r.kind());
      });
    }
    Future<Void> appliedAll = InTurn.of(applied, REPAIRS_AT_ONCE);
    repairs.add(appliedAll);
    // a refund made at the channel is of a payment the bill may list too, booked just above: after the day's payments.
    // Those whose payment is not booked yet are noted: the schedule tries the day again later
    List<String> waiting = new ArrayList<>();
    if (!outsideRefunds.isEmpty()) {
      repairs.add(appliedAll.otherwiseEmpty().compose(x -> InTurn.of(outsideRefunds.stream()
          .<Supplier<Future<?>>>map(r -> () -> outsideRefund(c, r.line(), r.difference(), date, actor)
              .onSuccess(o -> {
                if (o.waits()) {
                  waiting.add(r.line().ref());
                }
              })).toList(), REPAIRS_AT_ONCE)));
    }
    // the payments' day in batches, one after another, once the repairs are made: one connection of the pool at a time
    Future<?> days = Future.join(repairs).otherwiseEmpty();
    for (String[] batch : inBatches(paidDays, DAY_BATCH)) {
      days = days.compose(x -> pool.preparedQuery(PAYMENT_DAY).execute(Tuple.of(channel, batch, date)));
    }
    repairs.add(days);
    int billLines = matching.lines();
    int matchedLines = matching.matched();
    JsonArray deferred = matching.deferred();
    return Future.join(repairs).transform(joined -> {
      // a repair that failed (the database failing over under it, a deadlock outlasting its tries) was not made: the day
      // is not done, whoever ran it, and is tried again (what was repaired stays so, is not repaired twice, and goes into
      // the report of the run that completes the day)
      List<String> failed = failedRepairs(differences);
      if (joined.failed() || !failed.isEmpty()) {
        return Future.failedFuture(new Waiting((failed.isEmpty() ? "a repair failed: " + joined.cause().getMessage()
            : failed.size() + " repair(s) failed: " + String.join("; ", failed)) + "; the day is tried again",
            repairedOf(differences, now())));
      }
      // the schedule tries the day again; an operator's run records the day, those refunds marked as waiting
      return !waiting.isEmpty() && "schedule".equals(actor)
          ? Future.failedFuture(new Waiting("refund(s) " + waiting + " at the channel give back payments not booked"
              + " here yet (their day not reconciled yet?): the day is tried again", repairedOf(differences, now())))
          : Future.succeededFuture();
    }).compose(x -> pool.withTransaction(conn -> conn.preparedQuery(MINE)
            .execute(Tuple.of(channel, c.merchant(), date, claimed)).compose(mine -> {
              if (mine.size() == 0) {
                // another run took the day over meanwhile (this one looked abandoned): the report and its audit record are that
                // run's, and what this one repaired goes into it (that run finds it booked already), unless it is done
                JsonArray repairedHere = repairedOf(differences, now());
                LOG.warn("the {} reconciliation of {} for {} was taken over by another run: its result is not recorded", channel,
                    c.merchant(), date);
                return repairedHere.isEmpty() ? Future.succeededFuture() : carry(conn, channel, c.merchant(), date, repairedHere);
              }
              // what failed runs of the day repaired first, then this run's differences but those they name already (a
              // payment an earlier run booked that this run found booked: its "duplicate" is the same difference)
              JsonArray all = json(mine.iterator().next().getValue("repaired_earlier")).copy();
              Set<String> earlier = new HashSet<>();
              all.forEach(d -> earlier.add(sameness((JsonObject) d)));
              differences.forEach(d -> {
                if (!earlier.contains(sameness((JsonObject) d))) {
                  all.add(d);
                }
              });
              JsonArray repaired = new JsonArray();
              all.forEach(d -> {
                if (isRepaired((JsonObject) d)) {
                  repaired.add(((JsonObject) d).getString("outTradeNo"));
                }
              });
              // counted once the report is committed: a commit that fails leaves the day failed, and counted as such
              counted[0] = all.size();
              if (!all.isEmpty()) {
                LOG.warn("the {} bill of {} for {}: {} difference(s), {} repaired", channel, c.merchant(), date, all.size(),
                    repaired.size());
              }
              return conn.preparedQuery(DONE).execute(Tuple.from(new Object[] {channel, c.merchant(), date, claimed, now(),
                      billLines, matchedLines, repaired.size(), all, deferred, noBill, !waiting.isEmpty()}))
                  .compose(done -> AuditLog.record(conn, AuditLog.Change.of(actor, "reconciliation.run",
                      channel + "/" + c.merchant() + "/" + date, new JsonObject().put("billLines", billLines)
                          .put("matched", matchedLines).put("differences", all.size()).put("repaired", repaired))));
            })
            // the report not written (the database failing over at its commit): the day is failed, and what this run
            // repaired is kept in its row for the report of the run that completes it, which finds those booked already
            .recover(e -> Future.failedFuture(e instanceof Waiting || e instanceof Problem ? e
                : new Waiting("the day's report could not be written: " + e.getMessage() + "; the day is tried again",
                    repairedOf(differences, now())))))
        .onSuccess(v -> {
          if (counted[0] >= 0) {
            runs(channel, c.merchant(), "done").increment();
            differences(channel, c.merchant()).increment(counted[0]);
          }
        })
        .compose(v -> read(channel, c.merchant(), date)));
  }

  /**
   * What makes two differences of a day the same one: the trade, the kind, and the refund and transaction numbers (as in
   * {@link #CARRY_DONE}).
   */
  static String sameness(JsonObject d) {
    return String.join("\u0000", String.valueOf(d.getString("outTradeNo")), String.valueOf(d.getString("kind")),
        String.valueOf(d.getString("outRefundNo")), String.valueOf(d.getString("transactionId")));
  }

  /** The repairs of these differences that failed: each trade's number with what went wrong. */
  private static List<String> failedRepairs(JsonArray differences) {
    List<String> failed = new ArrayList<>();
    differences.forEach(o -> {
      JsonObject d = (JsonObject) o;
      String r = d.getString("repair");
      if (r != null && r.startsWith("failed")) {
        failed.add(d.getString("outTradeNo") + " " + r);
      }
    });
    return failed;
  }

  /** A difference the run repaired: a repair made, not one that failed, nor one an earlier run had made. */
  private static boolean isRepaired(JsonObject d) {
    String r = d.getString("repair");
    return r != null && !r.startsWith("failed") && !r.equals("duplicate");
  }

  /**
   * What a run taken over repaired, into the day's report: the running one's (written when it is done), else the one done
   * already, never lost to a log line.
   */
  static Future<Void> carry(io.vertx.sqlclient.SqlClient db, String channel, String merchant, LocalDate date, JsonArray repaired) {
    return db.preparedQuery(CARRY).execute(Tuple.of(channel, merchant, date, repaired)).compose(carried -> carried.rowCount() > 0
        ? Future.<Void>succeededFuture()
        : db.preparedQuery(CARRY_DONE).execute(Tuple.of(channel, merchant, date, repaired)).map(done -> {
          if (done.rowCount() == 0) {
            LOG.warn("the {} reconciliation of {} for {} has no report to carry what a run repaired into: {}", channel, merchant,
                date, repaired.stream().map(d -> ((JsonObject) d).getString("outTradeNo")).toList());
          }
          return null;
        }));
  }

  /** The differences a run repaired, each with the time it was ({@code repairedAt}): carried into the day's report. */
  private static JsonArray repairedOf(JsonArray differences, OffsetDateTime at) {
    JsonArray repaired = new JsonArray();
    differences.forEach(d -> {
      if (isRepaired((JsonObject) d)) {
        repaired.add(((JsonObject) d).copy().put("repairedAt", cn.liangxian.gateway.time.UtcTime.iso(at)));
      }
    });
    return repaired;
  }

  /**
   * A run that leaves the day to be tried again: a repair failed, or (a scheduled run) a refund at the channel waits for its
   * payment. What it repaired is carried into the report of the run that completes the day.
   */
  private static final class Waiting extends IllegalStateException {
    private final transient JsonArray repaired;

    Waiting(String message, JsonArray repaired) {
      super(message);
      this.repaired = repaired;
    }
  }

  /**
   * How many of a run's repairs are under way at once ({@link InTurn}): one, and the day's other statements after them,
   * so that a run holds one connection of its event loop's pool at a time and the loop's requests and the run's own claim
   * renewal wait behind one statement of it at most.
   */
  static final int REPAIRS_AT_ONCE = 1;

  /**
   * A refund the bill lists that we never asked for: booked where it gave back an order's whole payment, or a payment its
   * order could not take; the report says what became of it ({@code repair} once booked, {@code left} when it is the
   * finance office's).
   */
  private Future<OutsideRefunds.Outcome> outsideRefund(PaymentChannel c, Line b, JsonObject d, LocalDate date, String actor) {
    UUID order = OutTradeNo.orderId(b.outTradeNo());
    boolean isDefault = isDefault(c);
    // a merchant of the bill: its own, or none recorded (the channel's default merchant) when the bill is the default's
    Future<OutsideRefunds.Outcome> recorded = order == null ? Future.succeededFuture(OutsideRefunds.Outcome.NO_ORDER)
        : outside.record(c.name(), m -> m == null ? isDefault : m.equals(c.merchant()), order, b.ref(), b.fen(), date, actor);
    return recorded.onComplete(ar -> {
      if (ar.failed()) {
        d.put("repair", "failed: " + ar.cause().getMessage());
        return;
      }
      OutsideRefunds.Outcome outcome = ar.result();
      if (outcome == OutsideRefunds.Outcome.RECORDED) {
        LOG.warn("order {}: the {} bill lists refund {} of the whole payment ({} fen), made at the channel and not through the"
            + " gateway; it is recorded, the order's items are released and the agencies get a reversal", order, date,
            b.ref(), b.fen());
      } else if (outcome == OutsideRefunds.Outcome.UNTAKEN_PAYMENT_BACK) {
        LOG.warn("order {}: the {} bill lists refund {} ({} fen), made at the channel and not through the gateway, of a payment"
            + " the order could not take; the refund owed of it is that one now, and is not asked for again", order, date,
            b.ref(), b.fen());
      }
      if (outcome.repair() != null) {
        d.put("repair", outcome.repair());
      } else {
        d.put("left", outcome.left());
      }
    });
  }

  private static JsonObject diff(String kind, Line l, Long channelFen, Long ourFen) {
    return new JsonObject().put("kind", kind).put("outTradeNo", l.outTradeNo()).put(l.refund() ? "outRefundNo" : "transactionId", l.ref())
        .put("channelFen", channelFen).put("ourFen", ourFen);
  }

  /** The report as CSV for operators' spreadsheets. */
  public static String csv(JsonObject report) {
    StringBuilder sb = new StringBuilder("kind,out_trade_no,reference,channel_fen,our_fen,repair,repaired_at\n");
    JsonArray differences = report.getJsonArray("differences", new JsonArray());
    for (Object o : differences) {
      JsonObject d = (JsonObject) o;
      // a repair that failed says why in the exception's words: commas and quotes in it keep to their column
      sb.append(cn.liangxian.gateway.http.CsvLines.line(d.getString("kind"), d.getString("outTradeNo"),
          d.getString("transactionId", d.getString("outRefundNo", "")), d.getValue("channelFen"), d.getValue("ourFen"),
          d.getString("repair", d.getString("left", "")), d.getString("repairedAt", "")));
    }
    return sb.toString();
  }
}
