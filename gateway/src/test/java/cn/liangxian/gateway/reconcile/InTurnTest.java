package cn.liangxian.gateway.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** A run's repairs started in turn, a few at a time: never more under way, all of them done, a failure reported. */
class InTurnTest {
  @Test
  void atMostTheWidthIsUnderWayAndEachStartsInItsOrder() {
    List<Promise<Void>> started = new ArrayList<>();
    List<Supplier<Future<?>>> tasks = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      tasks.add(() -> {
        Promise<Void> p = Promise.promise();
        started.add(p);
        return p.future();
      });
    }
    Future<Void> all = InTurn.of(tasks, 2);
    assertThat(started).hasSize(2);
    started.get(1).complete();
    assertThat(started).as("the next one starts when one is done").hasSize(3);
    started.get(0).fail("a deadlock outlasting its tries");
    started.get(2).complete();
    assertThat(started).hasSize(5);
    for (int i = 3; i < 7; i++) {
      assertThat(all.isComplete()).isFalse();
      started.get(i).complete();
    }
    assertThat(started).hasSize(7);
    assertThat(all.failed()).as("done once all are, failed by the one that failed").isTrue();
    assertThat(all.cause()).hasMessage("a deadlock outlasting its tries");
  }

  @Test
  void tasksDoneAtOnceNeverDeepenTheStackAndNoneIsLeftOut() {
    int[] ran = {0};
    List<Supplier<Future<?>>> tasks = new ArrayList<>();
    for (int i = 0; i < 200_000; i++) {
      tasks.add(() -> {
        ran[0]++;
        return Future.succeededFuture();
      });
    }
    assertThat(InTurn.of(tasks, 2).succeeded()).isTrue();
    assertThat(ran[0]).isEqualTo(200_000);
    assertThat(InTurn.of(List.of(), 2).succeeded()).as("none to do").isTrue();
  }
}
