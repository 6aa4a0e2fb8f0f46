package cn.liangxian.policy.bench;

import cn.liangxian.policy.Category;
import cn.liangxian.policy.HouseholdAssessment;
import cn.liangxian.policy.IdNumber;
import cn.liangxian.policy.Insurance;
import cn.liangxian.policy.Person;
import cn.liangxian.policy.PolicyBook;
import cn.liangxian.policy.PolicyEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What a lookup costs the engine: a 4-person 河东 household (two adults, a DIBAO grandparent of 72, a
 * child of 9), medical for everyone and pension for the three who may enrol, from parsing the ID
 * numbers to the totals.
 *
 * <p>Run: {@code mvn -q -pl policy test-compile exec:exec@jmh}
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HouseholdBenchmark {
  private static final String[] IDS = {
      "371312198001011231", // man, 39
      "371312198205050021", // woman, 37
      "37131219470505002X", // woman, 72, DIBAO
      "371312201003030035"  // child, 9
  };

  private PolicyBook book;
  private LocalDate payDate;

  @Setup
  public void load() {
    Path p = Path.of("config", "policies", "hedong-2020.yaml");
    book = PolicyBook.load(Files.exists(p) ? p : Path.of("..").resolve(p));
    payDate = LocalDate.of(2019, 12, 15);
  }

  @Benchmark
  public void fourPersonHouseholdBothInsurances(Blackhole bh) {
    Person a = Person.of(IdNumber.parse(IDS[0]), Set.of());
    Person b = Person.of(IdNumber.parse(IDS[1]), Set.of());
    Person c = Person.of(IdNumber.parse(IDS[2]), Set.of(Category.DIBAO));
    Person d = Person.of(IdNumber.parse(IDS[3]), Set.of());
    HouseholdAssessment medical = PolicyEngine.assessHousehold(List.of(
        HouseholdAssessment.Member.of(a), HouseholdAssessment.Member.of(b),
        HouseholdAssessment.Member.of(c), HouseholdAssessment.Member.of(d)), Insurance.MEDICAL, book, payDate);
    HouseholdAssessment pension = PolicyEngine.assessHousehold(List.of(
        new HouseholdAssessment.Member(a, 500, Set.of()), new HouseholdAssessment.Member(b, 300, Set.of()),
        new HouseholdAssessment.Member(c, 100, Set.of()), new HouseholdAssessment.Member(d, 300, Set.of())),
        Insurance.PENSION, book, payDate);
    bh.consume(medical.totalFen());
    bh.consume(pension.totalFen());
  }
}
