package cn.liangxian.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.TestGateway;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lead of a deployment: one session holds the lock, and giving the lead up lets another instance take it. */
class LeadershipTest {
  static int databases;
  Database db;
  Vertx vertx;

  @BeforeEach
  void start() throws Exception {
    db = TestGateway.server().createDatabase("leadership" + ++databases + "_" + ProcessHandle.current().pid());
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(Eventually.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  PgConnectOptions named(String instance) {
    return new PgConnectOptions(db.connectOptions(1)).addProperty("application_name", instance);
  }

  /** Runs on one event loop, as the sweep does. */
  <T> T onLoop(java.util.function.Supplier<Future<T>> work) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    vertx.runOnContext(v -> work.get().onComplete(ar -> {
      if (ar.succeeded()) {
        done.complete(ar.result());
      } else {
        done.completeExceptionally(ar.cause());
      }
    }));
    return done.get(Eventually.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  long sessions(String instance) throws Exception {
    try (var c = db.connect(); var ps = c.prepareStatement("select count(*) from pg_stat_activity where application_name = ?")) {
      ps.setString(1, instance);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Test
  void triesStartedBeforeTheFirstConnectionIsOpenShareIt() throws Exception {
    Leadership a = new Leadership(vertx, named("instance-a"), new SimpleMeterRegistry());
    // a sweep due while the last try is still connecting (a slow connect during a failover) tries again
    List<Boolean> tries = onLoop(() -> Future.all(a.tryLead(), a.tryLead()).map(f -> List.of(f.<Boolean>resultAt(0), f.resultAt(1))));
    assertThat(tries).containsExactly(true, true);
    assertThat(a.leading()).isTrue();
    assertThat(sessions("instance-a")).as("sessions of the leader").isEqualTo(1);

    onLoop(a::resign);
    Leadership b = new Leadership(vertx, named("instance-b"), new SimpleMeterRegistry());
    assertThat(onLoop(b::tryLead)).as("another instance leads once the first gave the lead up").isTrue();
    onLoop(b::resign);
  }

  @Test
  void aLeadGivenUpWhileStillConnectingIsNotTaken() throws Exception {
    Leadership a = new Leadership(vertx, named("instance-a"), new SimpleMeterRegistry());
    // the instance stops while its try is still connecting
    boolean led = onLoop(() -> {
      Future<Boolean> tried = a.tryLead();
      return a.resign().compose(x -> tried);
    });
    assertThat(led).isFalse();
    assertThat(a.leading()).isFalse();
    Leadership b = new Leadership(vertx, named("instance-b"), new SimpleMeterRegistry());
    assertThat(onLoop(b::tryLead)).as("another instance leads").isTrue();
    onLoop(b::resign);
  }
}
