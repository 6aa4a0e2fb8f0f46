package cn.liangxian.gateway.operator;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.WorkerWatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Passwords are hashed and checked on a pool of their own, two threads whatever the logins: not the shared worker pool. */
class PasswordWorkTest {
  @Test
  void hashesAndChecksRunOnTheirOwnPoolOfTwoThreads() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      WorkerWatch watch = new WorkerWatch(vertx);
      PasswordHasher hasher = new PasswordHasher(1024, 1, 1);
      PasswordWork passwords = new PasswordWork(watch.vertx());
      String hash = passwords.run(() -> hasher.hash("correct horse battery")).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      List<Future<Boolean>> checks = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        checks.add(passwords.run(() -> hasher.verify("correct horse battery", hash)));
      }
      Future.all(checks).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(checks).allSatisfy(f -> assertThat(f.result()).isTrue());
      assertThat(watch.work()).hasSize(9).allSatisfy(w -> {
        assertThat(w.onWorker()).isTrue();
        assertThat(w.thread()).startsWith(PasswordWork.POOL);
      });
      assertThat(watch.work().stream().map(WorkerWatch.Work::thread).distinct().count())
          .as("at most the pool's threads, however many logins come at once").isLessThanOrEqualTo(PasswordWork.THREADS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
