package cn.liangxian.gateway.progress;

import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.policy.Insurance;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Progress as metrics for the "Progress" dashboard: per region, township and insurance, the persons on
 * the roster, those paid, and the target. Township labels are few per region (tens), never persons.
 *
 * <p>Each region's count reads every person of the region (about 0.35 s of one PostgreSQL core for 200,000
 * persons), so a refresh asks for one region and insurance at a time, and a refresh still running when the
 * next is due is not started again: the counts never take both cores from the payments at once.
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
  private boolean refreshing; // touched on the leader's event loop only

  public ProgressMetrics(Count progress, Regions regions, MeterRegistry registry) {
    this.progress = progress;
    this.regions = regions;
    this.enrolled = MultiGauge.builder("liangxian_progress_enrolled").description("persons on the roster").register(registry);
    this.paid = MultiGauge.builder("liangxian_progress_paid").description("persons whose contribution is paid").register(registry);
    this.target = MultiGauge.builder("liangxian_progress_target").description("the township's target").register(registry);
  }

  /** Counts every region and insurance, one after the other; nothing if the last refresh is still counting. */
  public Future<Void> refresh() {
    if (refreshing) {
      return Future.succeededFuture();
    }
    refreshing = true;
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
      return null;
    }).andThen(x -> refreshing = false);
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
