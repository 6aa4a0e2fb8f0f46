package cn.liangxian.gateway.progress;

import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.policy.Insurance;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Progress as metrics for the "Progress" dashboard: per region, township and insurance, the persons on
 * the roster, those paid, and the target. Township labels are few per region (tens), never persons.
 *
 * <p>Each region's count reads the counts the database keeps a village (a row or two each, see {@link Progress}), one
 * region and insurance at a time, and a refresh still running when the next is due is not started again. A
 * province of many thousand villages still costs in proportion to them, so a refresh is also held to a share of
 * PostgreSQL's time ({@code budgetPercent} of one core): one that took 3 s at 5% starts the next one a minute after
 * it began, however often the refresh is due. {@code liangxian_progress_counted_at_seconds} says when the counts
 * shown were taken.
 */
public final class ProgressMetrics {
  /** One region's progress for one insurance and benefit year ({@link Progress#of}). */
  public interface Count {
    Future<JsonObject> of(String region, String insurance, int year);
  }

  private final Count progress;
  private final Regions regions;
  private final MultiGauge enrolled;
  private final MultiGauge paid;
  private final MultiGauge target;
  private final LongSupplier epochSeconds;
  private final int budgetPercent;
  private final LongSupplier nanoTime;
  // touched on the leader's event loop only
  private boolean refreshing;
  /** {@link #dueNow} was asked while a refresh was counting: the next one starts as soon as that one ends. */
  private boolean dueAfterRefresh;
  private long notBefore;
  private volatile double countedAtSeconds = Double.NaN; // read by the scrape

  /**
   * @param budgetPercent the share of one PostgreSQL core the counts may take, 1 to 100
   * @param nanoTime a monotonic clock in nanoseconds ({@link System#nanoTime} but in tests)
   * @param epochSeconds the time the counts were taken, for the gauge that says so
   */
  public ProgressMetrics(Count progress, Regions regions, MeterRegistry registry, int budgetPercent, LongSupplier nanoTime,
      LongSupplier epochSeconds) {
    if (budgetPercent < 1 || budgetPercent > 100) {
      throw new IllegalArgumentException("budgetPercent must be 1 to 100, got " + budgetPercent);
    }
    this.progress = progress;
    this.regions = regions;
    this.budgetPercent = budgetPercent;
    this.nanoTime = nanoTime;
    this.epochSeconds = epochSeconds;
    this.notBefore = nanoTime.getAsLong(); // the first refresh at once
    Gauge.builder("liangxian_progress_counted_at", () -> countedAtSeconds).baseUnit("seconds")
        .description("when the progress counts shown were taken (Unix time)").register(registry);
    this.enrolled = MultiGauge.builder("liangxian_progress_enrolled").description("persons on the roster").register(registry);
    this.paid = MultiGauge.builder("liangxian_progress_paid").description("persons whose contribution is paid").register(registry);
    this.target = MultiGauge.builder("liangxian_progress_target").description("the township's target").register(registry);
  }

  /**
   * The next refresh counts at once, whatever the budget held it back for: an instance beginning to lead would otherwise
   * show its counts of an earlier lead, or none, for up to the budget's wait. Leader's event loop only.
   */
  public void dueNow() {
    notBefore = nanoTime.getAsLong();
    // a refresh still counting (begun before this lead) must not put the budget's wait back when it ends
    dueAfterRefresh = refreshing;
  }

  /**
   * The counts of an earlier lead dropped, when this instance begins to lead again: it shows none (the dashboard reads
   * the leader's) rather than counts hours old, until it has counted ({@link #dueNow}: at once). Leader's event loop only.
   */
  public void forget() {
    publish(List.of());
    countedAtSeconds = Double.NaN;
  }

  /** Counts every region and insurance, one after the other; nothing if the last refresh is still counting. */
  public Future<Void> refresh() {
    long start = nanoTime.getAsLong();
    if (refreshing || start - notBefore < 0) {
      return Future.succeededFuture();
    }
    refreshing = true;
    long takenAt = epochSeconds.getAsLong();
    List<JsonObject> counted = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (Regions.Entry r : regions.all()) {
      for (Insurance ins : Insurance.values()) {
        if (r.book().terms(ins).isPresent()) {
          int year = r.book().terms(ins).get().benefitYear();
          chain = chain.compose(x -> progress.of(r.code(), ins.code(), year).map(c -> {
            counted.add(c);
            return null;
          }));
        }
      }
    }
    return chain.<Void>map(x -> {
      publish(counted);
      countedAtSeconds = takenAt;
      return null;
    }).andThen(x -> {
      refreshing = false;
      // after counts taken, the next refresh starts no sooner than their time is the budget's share of the time
      // between them; a refresh that failed (a failover, say, where it waited long) holds nothing back
      notBefore = x.succeeded() && !dueAfterRefresh ? start + (nanoTime.getAsLong() - start) * 100 / budgetPercent : start;
      dueAfterRefresh = false;
    });
  }

  private void publish(List<JsonObject> counted) {
    List<MultiGauge.Row<?>> e = new ArrayList<>();
    List<MultiGauge.Row<?>> p = new ArrayList<>();
    List<MultiGauge.Row<?>> t = new ArrayList<>();
    for (JsonObject region : counted) {
      for (Object o : region.getJsonArray("townships")) {
        JsonObject tw = (JsonObject) o;
        Tags tags = Tags.of("region", region.getString("region"), "township", tw.getString("township"),
            "insurance", region.getString("insurance"));
        e.add(MultiGauge.Row.of(tags, tw.getLong("enrolled")));
        p.add(MultiGauge.Row.of(tags, tw.getLong("paid")));
        if (tw.getValue("target") != null) {
          t.add(MultiGauge.Row.of(tags, tw.getLong("target")));
        }
      }
    }
    enrolled.register(e, true);
    paid.register(p, true);
    target.register(t, true);
  }
}
