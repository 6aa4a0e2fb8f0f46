package cn.liangxian.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.TestGateway;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The seeded sample of the fuzz run, in every build: every route of the served OpenAPI document by every
 * kind of caller, a few thousand hostile requests, the strict oracles held. {@code -Dfuzz.requests} and
 * {@code -Dfuzz.seed} change its size and seed; reliability/run.sh fuzz is the long run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FuzzSampleTest {
  TestGateway g;

  @BeforeAll
  void start() throws Exception {
    // the per-client limits would answer most of a fuzz run 429; here they are out of the way
    g = new TestGateway(Map.of("GATEWAY_LOOKUPS_PER_MINUTE", "1000000000", "GATEWAY_LOOKUP_BURST", "1000000",
        "GATEWAY_LOOKUPS_PER_MINUTE_PER_ADDRESS", "1000000000", "GATEWAY_LOOKUP_BURST_PER_ADDRESS", "1000000",
        "GATEWAY_ANONYMOUS_LOOKUPS_PER_MINUTE", "1000000000", "GATEWAY_ANONYMOUS_LOOKUP_BURST", "1000000"));
  }

  @AfterAll
  void stop() throws Exception {
    g.close();
  }

  @Test
  void hostileRequestsOnEveryRouteByEveryCallerBreakNoStrictOracle() throws Exception {
    String base = "http://127.0.0.1:" + g.gateway.httpPort();
    String yaml = g.http.get("/openapi.yaml").send().toCompletionStage().toCompletableFuture().get().bodyAsString();
    List<Contract.Operation> ops = Contract.read(yaml);
    assertThat(ops).hasSizeGreaterThan(20);
    Context ctx = new Context();
    // as `gateway.jar operator add` does on the server: the accounts API makes no finance account
    new cn.liangxian.gateway.operator.OperatorAccounts(g.db, g.gateway.passwordHasher()).create(Setup.FINANCE, Setup.FINANCE,
        cn.liangxian.gateway.operator.Role.FINANCE, cn.liangxian.gateway.operator.Scope.ALL, Setup.FINANCE_PASSWORD, "cli");
    List<Caller> callers = new Setup(base).prepare(TestGateway.ADMIN_PASSWORD, g.clock, ctx);
    long requests = Long.getLong("fuzz.requests", 1200);
    try (DatabaseState db = new DatabaseState(g.db.jdbcUrl(), g.db.user(), g.db.password())) {
      Fuzzer f = new Fuzzer("127.0.0.1", g.gateway.httpPort(), db, ops, callers, ctx);
      Tally t = f.run(new Fuzzer.Plan(Long.getLong("fuzz.seed", 20261201L), requests, 4, 50, g.gateway.options().maxBodyBytes()), n -> { });
      System.out.println("fuzz sample, " + ops.size() + " routes x " + callers.size() + " callers:\n" + t.report());
      assertThat(t.requests.get()).isEqualTo(requests);
      assertThat(t.batchesChecked.get()).as("batches in which every request was refused").isPositive();
      assertThat(t.passed()).as(t.report()).isTrue();
    }
  }
}
