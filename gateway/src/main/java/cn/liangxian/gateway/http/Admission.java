package cn.liangxian.gateway.http;

import cn.liangxian.gateway.config.AdmissionLimits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A bound on the requests one gateway process serves at once, per {@link RouteClass}, shared by its event
 * loops. Under overload a request it cannot serve at once is answered 503 with Retry-After straight away:
 * a resident told to come back in a few seconds is better served than one whose request waits in a queue
 * until the kiosk gives up. Callbacks and health checks are counted but never turned away.
 *
 * <p>The classes shed first (lookups, logins, order creation) have a limit that follows their
 * latency when a target is set ({@link LatencyLimit}): a fixed count lets requests queue for seconds
 * whenever the process serves them more slowly than usual (a busy neighbour, a pause, a slow database),
 * while a count that shrinks as soon as they take longer than the target keeps the admitted ones quick and
 * turns the rest away at once.
 *
 * <p>The orders of journeys under way come before new journeys: while order creation answers later than the
 * target (its limit was cut within the last {@link #SLOW_ORDERS_NANOS}), the limits
 * of the classes that start a journey (lookups and logins) are held to the same share of their own ceilings; a
 * second without a slow order lifts that hold, even if the orders' own limit is still growing back (orders may
 * have stopped coming). When the process itself is short of capacity (a busy
 * neighbour, a pause), residents are turned away at the door, where a refusal costs nothing, rather than at the
 * payment, after the login and lookup already spent on them; and the capacity their visits would take is left
 * to the orders under way.
 */
public final class Admission {
  private static final String GIVE_BACK = "admission.giveBack";
  /** {time spent in completed calls outside this process, start of the one in progress or 0}, per request. */
  private static final String OUTSIDE = "admission.outside";
  /** How long after order creation's last slow answer (its last cut) new journeys are held back with it. */
  static final long SLOW_ORDERS_NANOS = 1_000_000_000L;
  private final Map<RouteClass, AtomicInteger> inFlight = new EnumMap<>(RouteClass.class);
  private final Map<RouteClass, Integer> limits = new EnumMap<>(RouteClass.class);
  private final Map<RouteClass, LatencyLimit> following = new EnumMap<>(RouteClass.class);
  private final LongSupplier nanoTime;
  private final Map<RouteClass, Counter> admitted = new EnumMap<>(RouteClass.class);
  private final Map<RouteClass, Counter> shed = new EnumMap<>(RouteClass.class);
  private final AtomicInteger total = new AtomicInteger();
  private final int totalLimit;
  private final int retryAfterSeconds;

  public Admission(AdmissionLimits l, MeterRegistry registry) {
    this(l, registry, System::nanoTime);
  }

  Admission(AdmissionLimits l, MeterRegistry registry, LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    limits.put(RouteClass.LOOKUP, l.lookups());
    limits.put(RouteClass.LOGIN, l.logins());
    limits.put(RouteClass.ORDER_CREATE, l.orderCreates());
    limits.put(RouteClass.ORDER_READ, l.orderReads());
    limits.put(RouteClass.OPERATOR, l.operator());
    this.totalLimit = l.total();
    this.retryAfterSeconds = l.retryAfterSeconds();
    for (RouteClass c : RouteClass.values()) {
      AtomicInteger n = new AtomicInteger();
      inFlight.put(c, n);
      admitted.put(c, Counter.builder("liangxian_admission").tag("class", c.label()).tag("outcome", "admitted").register(registry));
      shed.put(c, Counter.builder("liangxian_admission").tag("class", c.label()).tag("outcome", "shed").register(registry));
      Gauge.builder("liangxian_admission_in_flight", n, AtomicInteger::get).tag("class", c.label())
          .description("requests being served now").register(registry);
      if (c.shedding() == RouteClass.Shedding.FIRST && l.latencyTargetMillis() > 0 && limits.get(c) > 0) {
        LatencyLimit f = new LatencyLimit(limits.get(c), l.latencyTargetMillis() * 1_000_000L);
        following.put(c, f);
        Gauge.builder("liangxian_admission_limit", this, a -> a.limit(c)).tag("class", c.label())
            .description("requests of the class served at once before turning more away, as it follows latency").register(registry);
      }
    }
  }

  /** Takes a place for a request of this class; false when it must be turned away (nothing is then held). */
  public boolean enter(RouteClass c) {
    int mine = inFlight.get(c).incrementAndGet();
    int all = total.incrementAndGet();
    boolean over = switch (c.shedding()) {
      case FIRST -> mine > limit(c) || all > totalLimit * 3L / 4;
      case NEXT -> mine > limits.get(c) || all > totalLimit;
      case NEVER -> false;
    };
    if (over) {
      leave(c);
      shed.get(c).increment();
      return false;
    }
    admitted.get(c).increment();
    return true;
  }

  /** Gives back the place {@link #enter} took. */
  public void leave(RouteClass c) {
    inFlight.get(c).decrementAndGet();
    total.decrementAndGet();
  }

  public int inFlight(RouteClass c) {
    return inFlight.get(c).get();
  }

  /** A request of this class admitted {@code nanos} ago was answered. */
  void answered(RouteClass c, long nanos) {
    LatencyLimit f = following.get(c);
    if (f != null) {
      f.sample(nanos, nanoTime.getAsLong());
    }
  }

  /**
   * The limit in force for a class: its configured one, or where it follows latency, where that stands now; for a
   * class that starts a journey, while orders are slow, no more than the share of its ceiling that order creation
   * has of its own.
   */
  public int limit(RouteClass c) {
    LatencyLimit f = following.get(c);
    if (f == null) {
      return limits.get(c);
    }
    LatencyLimit orders = following.get(RouteClass.ORDER_CREATE);
    boolean held = c.startsJourney() && orders != null && orders.cutWithin(SLOW_ORDERS_NANOS, nanoTime.getAsLong());
    if (!held) {
      return f.limit();
    }
    // orders grown back to their ceiling within the second give the whole ceiling: no hold
    int share = (int) ((long) f.ceiling * orders.limit() / orders.ceiling);
    return Math.min(f.limit(), Math.max(f.floor, share));
  }

  /**
   * Additive increase, multiplicative decrease on latency: a request answered later than the target cuts
   * the limit by a tenth (once per 100 ms at most, so that the requests one pause delayed count once); one
   * answered in time adds one, so that once the process is quick again the limit is back at its ceiling
   * within a second or so (a limit left low would turn away a resident's burst the process could serve).
   * Never below {@link #FLOOR} (so that some residents are always served and the latency keeps being
   * sampled), never above the configured ceiling.
   */
  static final class LatencyLimit {
    static final int FLOOR = 4;
    static final long DECREASE_EVERY_NANOS = 100_000_000L;
    private final int ceiling;
    private final int floor;
    private final long targetNanos;
    private double limit;
    /** What {@link #enter} compares with, read on every request without the lock. */
    private volatile int inForce;
    /** Written under the lock; read without it by {@link #cutWithin}. */
    private volatile long lastDecrease = Long.MIN_VALUE;

    LatencyLimit(int ceiling, long targetNanos) {
      this.ceiling = ceiling;
      this.floor = Math.min(FLOOR, ceiling);
      this.targetNanos = targetNanos;
      this.limit = ceiling;
      this.inForce = ceiling;
    }

    int limit() {
      return inForce;
    }

    /** Whether a slow answer cut the limit less than {@code nanos} before {@code now}. */
    boolean cutWithin(long nanos, long now) {
      long last = lastDecrease;
      return last != Long.MIN_VALUE && now - last < nanos;
    }

    synchronized void sample(long nanos, long now) {
      if (nanos > targetNanos) {
        if (lastDecrease == Long.MIN_VALUE || now - lastDecrease >= DECREASE_EVERY_NANOS) {
          limit = Math.max(floor, limit * 0.9);
          lastDecrease = now;
        }
      } else {
        limit = Math.min(ceiling, limit + 1);
      }
      inForce = (int) limit;
    }
  }

  /** The router's first handler after the access log: the place is given back however the exchange ends. */
  public void handle(RoutingContext ctx) {
    RouteClass c = RouteClass.of(ctx.request().method(), ctx.request().path());
    if (!enter(c)) {
      turnAway(ctx, c);
      return;
    }
    AtomicBoolean left = new AtomicBoolean();
    long admittedAt = nanoTime.getAsLong();
    Runnable giveBack = () -> {
      if (left.compareAndSet(false, true)) {
        leave(c);
        answered(c, nanoTime.getAsLong() - admittedAt - outside(ctx));
      }
    };
    ctx.put(GIVE_BACK, giveBack);
    // called once the response is written, or the connection closed or failed before that
    ctx.addEndHandler(ar -> giveBack.run());
    ctx.next();
  }

  /**
   * The request now waits for an event (a held status request waiting for its order to change), not for
   * this process: its place is given back at once, so that however many residents are waiting for their
   * payment to be confirmed, the places count only the requests being worked on.
   */
  public static void waiting(RoutingContext ctx) {
    Runnable giveBack = ctx.get(GIVE_BACK);
    if (giveBack != null) {
      giveBack.run();
    }
  }

  /**
   * Makes a call to a party outside this process for the request (a channel's prepay or login): the time until it
   * completes (its signatures included) is left out of the latency the request's class follows, also when the
   * request ends first (a resident giving up while the channel is slow). A channel slow at the deadline does not
   * make this process turn residents away; the channel's connections and their short queue bound those calls
   * instead ({@code ChannelHttp}), and the class's ceiling bounds how many are in flight.
   */
  public static <T> Future<T> outside(RoutingContext ctx, Supplier<Future<T>> call) {
    long[] outside = ctx.get(OUTSIDE);
    if (outside == null) {
      outside = new long[2];
      ctx.put(OUTSIDE, outside);
    }
    long[] times = outside;
    long start = System.nanoTime();
    times[1] = start;
    Future<T> made;
    try {
      made = call.get();
    } catch (RuntimeException e) {
      made = Future.failedFuture(e);
    }
    return made.onComplete(x -> {
      times[0] += System.nanoTime() - start;
      times[1] = 0;
    });
  }

  /** What {@link #outside(RoutingContext, Supplier)} counted for this request so far, the call in progress included. */
  private static long outside(RoutingContext ctx) {
    long[] times = ctx.get(OUTSIDE);
    return times == null ? 0 : times[0] + (times[1] == 0 ? 0 : System.nanoTime() - times[1]);
  }

  private void turnAway(RoutingContext ctx, RouteClass c) {
    // turned away before routing: counted on the HTTP panels as its route's, turned away ("/api/v1/lookup (turned
    // away)"), not as an "unmatched" request, and apart from the route's own answers, whose latency and 503s (a database
    // out of reach) it would hide
    ctx.request().routed((c.route() != null ? c.route() : "unmatched") + " (turned away)");
    String n = Integer.toString(retryAfterSeconds);
    Problem p = new Problem(503, "busy", "现在缴费人数较多，请 " + n + " 秒后再试",
        "系统正忙，这次请求没有办理，也没有扣款；请 " + n + " 秒后重试。", new JsonObject().put("retryAfterSeconds", retryAfterSeconds));
    String page = BrowserPage.of(ctx, 503, ctx.request().path()); // a resident's phone opening a receipt's page
    ctx.response().setStatusCode(503).putHeader("Retry-After", n).putHeader("Cache-Control", "no-store");
    if (page != null) {
      ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(page);
    } else {
      ctx.response().putHeader("Content-Type", "application/problem+json").end(p.toJson(ctx.request().path()).toBuffer());
    }
  }
}
