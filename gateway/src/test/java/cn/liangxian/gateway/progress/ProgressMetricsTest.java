package cn.liangxian.gateway.progress;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.policy.PolicyBook;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The leader's progress counts: one region and insurance at a time, and never two refreshes at once. */
class ProgressMetricsTest {
  private final List<String> asked = new ArrayList<>();
  private final List<Promise<JsonObject>> pending = new ArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private long nanos = 42; // the monotonic clock the pacing reads: it moves only when a test moves it

  @Test
  void countsOneRegionAndInsuranceAtATimeAndStartsNoSecondRefreshWhileOneIsCounting() throws Exception {
    Regions regions = new Regions(Map.of(
        "431103", new Regions.Entry("431103", "永州市冷水滩区", book("lengshuitan-2020.yaml"), null),
        "371312", new Regions.Entry("371312", "临沂市河东区", book("hedong-2020.yaml"), null)), Clock.systemUTC());
    ProgressMetrics metrics = new ProgressMetrics(this::answeredWhenCompleted, regions, registry, 100, () -> nanos, () -> 0);

    Future<Void> first = metrics.refresh();
    assertThat(asked).hasSize(1); // the next count is asked only when this one has answered
    assertThat(metrics.refresh().succeeded()).isTrue(); // due again meanwhile: nothing new is counted
    assertThat(asked).hasSize(1);

    int counts = 0;
    while (pending.size() > counts) {
      pending.get(counts++).complete();
    }
    assertThat(first.succeeded()).isTrue();
    assertThat(asked).hasSize(counts).doesNotHaveDuplicates();
    assertThat(asked).anyMatch(a -> a.startsWith("431103/")).anyMatch(a -> a.startsWith("371312/"));
    assertThat(registry.find("liangxian_progress_paid").tag("township", "梅湾街道").gauges()).hasSize(counts);

    metrics.refresh(); // the last refresh has ended: the next one counts again
    assertThat(asked).hasSize(counts + 1);
  }

  @Test
  void aFailedCountEndsTheRefreshAndTheNextOneCountsAgain() throws Exception {
    Regions regions = lengshuitan();
    ProgressMetrics metrics = new ProgressMetrics((region, insurance, year) -> {
      asked.add(region + "/" + insurance);
      return Future.failedFuture("connection lost");
    }, regions, registry, 100, () -> nanos, () -> 0);
    assertThat(metrics.refresh().failed()).isTrue();
    assertThat(asked).hasSize(1); // the rest of this refresh is not asked once one count failed
    assertThat(metrics.refresh().failed()).isTrue();
    assertThat(asked).hasSize(2);
  }

  @Test
  void aRefreshStartsNoSoonerThanItsCostAllowsAtTheBudgetAndTheGaugeSaysWhenTheCountsWereTaken() throws Exception {
    Regions regions = lengshuitan();
    long[] epoch = {1_764_000_000L};
    ProgressMetrics metrics = new ProgressMetrics(this::answeredWhenCompleted, regions, registry, 5, () -> nanos, () -> epoch[0]);
    assertThat(registry.get("liangxian_progress_counted_at").gauge().value()).isNaN(); // nothing counted yet

    Future<Void> first = metrics.refresh();
    int counts = 0;
    while (pending.size() > counts) {
      nanos += 1_500_000_000L; // each count takes 1.5 s of PostgreSQL's time
      epoch[0] += 2;
      pending.get(counts++).complete();
    }
    assertThat(first.succeeded()).isTrue();
    assertThat(counts).isEqualTo(2); // medical and pension
    assertThat(registry.get("liangxian_progress_counted_at").gauge().value()).isEqualTo(1_764_000_000.0); // when it began
    // 3 s at 5% of a core: the next refresh starts a minute after this one began, not before
    nanos = 42 + 59_999_999_999L;
    metrics.refresh();
    assertThat(asked).hasSize(2);
    nanos = 42 + 60_000_000_000L;
    metrics.refresh();
    assertThat(asked).hasSize(3);
  }

  /** A lead begun again shows no counts of its earlier lead: none until it has counted. */
  @Test
  void aLeadBegunAgainForgetsTheCountsOfItsEarlierLead() throws Exception {
    Regions regions = lengshuitan();
    ProgressMetrics metrics = new ProgressMetrics(this::answeredWhenCompleted, regions, registry, 100, () -> nanos, () -> 1_764_000_000L);
    metrics.refresh();
    int counts = 0;
    while (pending.size() > counts) {
      pending.get(counts++).complete();
    }
    assertThat(registry.find("liangxian_progress_paid").gauges()).isNotEmpty();
    assertThat(registry.get("liangxian_progress_counted_at").gauge().value()).isEqualTo(1_764_000_000.0);

    metrics.forget();
    assertThat(registry.find("liangxian_progress_paid").gauges()).isEmpty();
    assertThat(registry.find("liangxian_progress_enrolled").gauges()).isEmpty();
    assertThat(registry.get("liangxian_progress_counted_at").gauge().value()).isNaN();
    metrics.dueNow();
    metrics.refresh();
    while (pending.size() > counts) {
      pending.get(counts++).complete();
    }
    assertThat(registry.find("liangxian_progress_paid").gauges()).isNotEmpty();
  }

  /** A lead just begun counts at once: the budget's wait is for one leader's refreshes, not for the next leader's first. */
  @Test
  void aLeadJustBegunCountsWithoutTheBudgetsWait() throws Exception {
    Regions regions = lengshuitan();
    ProgressMetrics metrics = new ProgressMetrics(this::answeredWhenCompleted, regions, registry, 5, () -> nanos, () -> 0);
    metrics.refresh();
    nanos += 1_500_000_000L;
    pending.get(0).complete();
    pending.get(1).complete();
    metrics.refresh();
    assertThat(asked).as("held back by the budget").hasSize(2);
    metrics.dueNow();
    metrics.refresh();
    assertThat(asked).hasSize(3);
  }

  /** A refresh still counting from before the lead began does not put the budget's wait back when it ends. */
  @Test
  void aLeadBegunWhileARefreshCountsCountsAsSoonAsThatOneEnds() throws Exception {
    Regions regions = lengshuitan();
    ProgressMetrics metrics = new ProgressMetrics(this::answeredWhenCompleted, regions, registry, 5, () -> nanos, () -> 0);
    metrics.refresh();
    metrics.dueNow(); // the lead begins while the first refresh still counts
    metrics.refresh();
    assertThat(asked).as("one refresh at a time").hasSize(1);
    nanos += 1_500_000_000L;
    pending.get(0).complete();
    pending.get(1).complete();
    metrics.refresh();
    assertThat(asked).as("not held back by the budget").hasSize(3);
    // and the one after it is held back as usual
    nanos += 1_500_000_000L;
    pending.get(2).complete();
    pending.get(3).complete();
    metrics.refresh();
    assertThat(asked).hasSize(4);
  }

  @Test
  void aRefreshThatFailedHoldsTheNextOneBackNotAtAll() throws Exception {
    Regions regions = lengshuitan();
    ProgressMetrics metrics = new ProgressMetrics(this::answeredWhenCompleted, regions, registry, 5, () -> nanos, () -> 0);
    Future<Void> failed = metrics.refresh();
    nanos += 300_000_000_000L; // five minutes waiting for a database that failed over
    pending.get(0).fail("connection lost");
    assertThat(failed.failed()).isTrue();
    metrics.refresh(); // the database is back: counted at once, not in 100 minutes
    assertThat(asked).hasSize(2);
  }

  /** A count that answers when the test completes its promise ({@link #pending}), the order asked kept in {@link #asked}. */
  private Future<JsonObject> answeredWhenCompleted(String region, String insurance, int year) {
    asked.add(region + "/" + insurance);
    Promise<JsonObject> p = Promise.promise();
    pending.add(p);
    return p.future().map(x -> count(region, insurance, year));
  }

  private static Regions lengshuitan() throws Exception {
    return new Regions(Map.of("431103", new Regions.Entry("431103", "永州市冷水滩区", book("lengshuitan-2020.yaml"), null)),
        Clock.systemUTC());
  }

  private static JsonObject count(String region, String insurance, int year) {
    return new JsonObject().put("region", region).put("insurance", insurance).put("year", year)
        .put("townships", new JsonArray().add(new JsonObject().put("township", "梅湾街道").put("enrolled", 10L)
            .put("paid", 4L).put("target", 8L)));
  }

  private static PolicyBook book(String file) throws Exception {
    Path dir = Path.of("config", "policies");
    return PolicyBook.load((Files.isDirectory(dir) ? dir : Path.of("..").resolve(dir)).resolve(file));
  }
}
