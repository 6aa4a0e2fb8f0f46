package cn.liangxian.gateway.bench;

import cn.liangxian.gateway.lookup.Household;
import cn.liangxian.gateway.lookup.HouseholdAssessor;
import cn.liangxian.gateway.lookup.HouseholdView;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.policy.IdNumber;
import cn.liangxian.policy.PolicyBook;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a lookup that finds no kept answer spends besides its SQL: a three-member 冷水滩 household (two
 * adults of working age and a grandmother of 68 on 低保) assessed for both insurances, every pension tier
 * included, and its answer written as the API sends it, on a day both collections are open (15 October 2019)
 * and on one where the pension's has closed and every tier is refused (15 December 2019). Beside them the
 * baseline: the same answer, already
 * built as a Vert.x {@code JsonObject} tree, only encoded, which is the last step alone of how the answer
 * was made before it was written straight to bytes.
 *
 * <p>Run: {@code mvn -q -B -DskipTests install && mvn -q -pl gateway test-compile exec:exec@jmh}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LookupAnswerBenchmark {
  @Param({"2019-10-15", "2019-12-15"})
  public String day;

  /** Three adults, or the same with a child of eight (not eligible for the pension, whatever the tier). */
  @Param({"adults", "family"})
  public String members;

  private Household household;
  private Regions.Entry region;
  private LocalDate payDate;
  private OffsetDateTime now;
  private List<HouseholdAssessor.Item> items;
  private JsonObject tree;

  @Setup
  public void load() {
    Path p = Path.of("config", "policies", "lengshuitan-2020.yaml");
    PolicyBook book = PolicyBook.load(Files.exists(p) ? p : Path.of("..").resolve(p));
    region = new Regions.Entry("431103", "冷水滩区", book, null);
    payDate = LocalDate.parse(day);
    now = OffsetDateTime.parse(day + "T10:20:30+08:00");
    household = new Household(1, UUID.randomUUID(), "431103", "梅湾街道", "仁湾村", 3, List.of(
        member(1, "1985-03-02", 11, "张伟", "NONE"),
        member(2, "1987-07-19", 22, "李娜", "NONE"),
        member(3, "1951-10-05", 42, "王秀英", "DIBAO")));
    if (members.equals("family")) {
      List<Household.Member> more = new java.util.ArrayList<>(household.members());
      more.add(member(4, "2011-04-21", 31, "张小雨", "NONE"));
      household = new Household(1, household.ref(), "431103", "梅湾街道", "仁湾村", 3, more);
    }
    items = HouseholdAssessor.assess(household, region, payDate, now);
    tree = new JsonObject(Buffer.buffer(HouseholdView.render(household, region, payDate, items)));
  }

  private static Household.Member member(long id, String birth, int seq, String name, String category) {
    IdNumber number = IdNumber.parse(TestGateway.id("431103", birth, seq));
    return new Household.Member(id, UUID.randomUUID(), number, name, true, false,
        List.of(new Household.CategoryRow(category, null, null)), List.of(), List.of());
  }

  @Benchmark
  public List<HouseholdAssessor.Item> assess() {
    return HouseholdAssessor.assess(household, region, payDate, now);
  }

  @Benchmark
  public byte[] render() {
    return HouseholdView.render(household, region, payDate, items);
  }

  @Benchmark
  public byte[] assessAndRender() {
    return HouseholdView.render(household, region, payDate, HouseholdAssessor.assess(household, region, payDate, now));
  }

  /** The baseline: the answer as a tree, encoded only (the tree's building left out). */
  @Benchmark
  public byte[] encodeTreeOnly() {
    return tree.toBuffer().getBytes();
  }
}
