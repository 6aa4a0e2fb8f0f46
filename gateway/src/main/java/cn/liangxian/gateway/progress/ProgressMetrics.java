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
 */
public final class ProgressMetrics {
  private final Progress progress;
  private final Regions regions;
  private final MultiGauge enrolled;
  private final MultiGauge paid;
  private final MultiGauge target;

  public ProgressMetrics(Progress progress, Regions regions, MeterRegistry registry) {
    this.progress = progress;
    this.regions = regions;
    this.enrolled = MultiGauge.builder("liangxian_progress_enrolled").description("persons on the roster").register(registry);
    this.paid = MultiGauge.builder("liangxian_progress_paid").description("persons whose contribution is paid").register(registry);
    this.target = MultiGauge.builder("liangxian_progress_target").description("the township's target").register(registry);
  }

  public Future<Void> refresh() {
    List<Future<JsonObject>> all = new ArrayList<>();
    for (Regions.Entry r : regions.all()) {
      for (Insurance ins : Insurance.values()) {
        r.book().terms(ins).ifPresent(t -> all.add(progress.of(r.code(), ins.code(), t.benefitYear())));
      }
    }
    return Future.all(all).map(x -> {
      List<MultiGauge.Row<?>> e = new ArrayList<>();
      List<MultiGauge.Row<?>> p = new ArrayList<>();
      List<MultiGauge.Row<?>> t = new ArrayList<>();
      for (Future<JsonObject> f : all) {
        JsonObject region = f.result();
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
      return null;
    });
  }
}
