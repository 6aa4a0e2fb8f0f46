package cn.liangxian.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.TestGateway;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Instances of a deployment started at the same moment each prepare the same database (regions,
 * targets, the first account): they take turns under one lock instead of deadlocking on the same rows.
 */
class InstancesStartingTogetherTest {

  @Test
  void instancesStartedAtOnceAllStart() throws Exception {
    try (TestGateway first = new TestGateway()) {
      try (var c = first.db.connect(); var st = c.createStatement()) {
        st.execute("delete from target"); // so that every instance writes the same rows again
      }
      List<CompletableFuture<TestGateway>> starting = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        starting.add(CompletableFuture.supplyAsync(() -> {
          try {
            return TestGateway.beside(first);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }));
      }
      List<TestGateway> started = new ArrayList<>();
      try {
        for (CompletableFuture<TestGateway> f : starting) {
          started.add(f.get(120, TimeUnit.SECONDS));
        }
        assertThat(started).allSatisfy(g -> assertThat(g.get("/health/ready").statusCode()).isEqualTo(200));
      } finally {
        for (TestGateway g : started) {
          g.close();
        }
      }
    }
  }
}
