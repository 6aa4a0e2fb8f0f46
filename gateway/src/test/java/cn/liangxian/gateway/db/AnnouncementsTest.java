package cn.liangxian.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The connection that hears the other instances' announcements, lost without a reset (the primary's host gone): it, and
 * every other connection to that host, neither answers nor closes. The watch takes it for lost within a few beats, also
 * after the connection was reset and connected again before (its counts start again with each connection): what relies
 * on hearing the others (kiosk keys kept in memory, waiting status requests) stops relying on it at once, and the
 * connection is closed so that the subscriber connects again.
 */
class AnnouncementsTest {
  /** The period the watch's messages name; its beats are driven here, one look at a time, and need no clock. */
  private static final Duration EVERY = Duration.ofSeconds(2);

  @Test
  void aSilentConnectionIsTakenForLostWithinAFewBeatsAfterAReconnectToo() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (TestGateway g = new TestGateway();
        LeadershipTest.SilentProxy proxy = new LeadershipTest.SilentProxy(g.db.connectOptions(1).getHost(),
            g.db.connectOptions(1).getPort())) {
      PgConnectOptions viaProxy = g.db.connectOptions(1).setHost("127.0.0.1").setPort(proxy.port());
      Announcements a = new Announcements(vertx, viaProxy);
      AtomicInteger lost = new AtomicInteger();
      a.whenLost(lost::incrementAndGet);
      List<String> heard = new CopyOnWriteArrayList<>();
      AtomicInteger subscribed = new AtomicInteger();
      a.channel("announcements_test").handler(heard::add).subscribeHandler(v -> subscribed.incrementAndGet());
      a.connect().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      // the heartbeat goes the same way, to the same host
      Announcements.Watch w = a.watching(EVERY, viaProxy);
      Eventually.until("subscribed", () -> subscribed.get() >= 1);
      notify(g, "first");
      Eventually.until("the first heard", () -> heard.contains("first"));

      // a reset (a restart of the database): the subscriber connects again at once, and the watch counts anew; several
      // heartbeats heard first, so that counts kept from before the reset would blind it
      heartbeatsHeard(w, 3);
      int lostBeforeReset = lost.get();
      try (var c = g.db.connect(); var st = c.createStatement()) {
        st.execute("select pg_terminate_backend(pid) from pg_stat_activity where query ilike 'listen%'");
      }
      Eventually.until("subscribed again after the reset", () -> subscribed.get() >= 2);
      notify(g, "second");
      Eventually.until("the second heard", () -> heard.contains("second"));
      heartbeatsHeard(w, 3);
      int lostBefore = lost.get();
      assertThat(lostBefore).as("the reset is the subscriber's own word at most").isLessThanOrEqualTo(lostBeforeReset + 1);

      proxy.silenceOpenConnections();
      notify(g, "missed"); // sent to a connection that passes nothing on
      // the heartbeat sent next is never answered: two beats later the connection is taken for lost
      int beats = beatsUntilLost(w, lost, lostBefore, () -> {});
      assertThat(beats).as("beats from the silence to the loss").isLessThanOrEqualTo(4);
      int lostOnce = lost.get();
      // and not again at every beat while the silent connection is being closed
      w.beat();
      w.beat();
      assertThat(lost.get()).isEqualTo(lostOnce);
      assertThat(heard).doesNotContain("missed");
      a.close(); // completes once the proxy, closed next, ends the silent connections
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** Only the listening connection gone silent, the database still taking heartbeats: it is taken for lost as deaf. */
  @Test
  void aListeningConnectionThatNoLongerHearsIsTakenForLost() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (TestGateway g = new TestGateway();
        LeadershipTest.SilentProxy proxy = new LeadershipTest.SilentProxy(g.db.connectOptions(1).getHost(),
            g.db.connectOptions(1).getPort())) {
      Announcements a = new Announcements(vertx, g.db.connectOptions(1).setHost("127.0.0.1").setPort(proxy.port()));
      AtomicInteger lost = new AtomicInteger();
      a.whenLost(lost::incrementAndGet);
      a.connect().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      // the heartbeat straight to the database
      Announcements.Watch w = a.watching(EVERY, g.db.connectOptions(1));
      heartbeatsHeard(w, 3);
      assertThat(lost.get()).as("heard all along").isZero();
      proxy.silenceOpenConnections();
      // each heartbeat is taken by the database and never heard: the second one unheard is the loss
      int beats = beatsUntilLost(w, lost, 0, () -> Eventually.until("the heartbeat answered", () -> !w.awaitingAnswer()));
      assertThat(beats).as("beats from the silence to the loss").isLessThanOrEqualTo(4);
      a.close();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** {@code n} beats on a well connection, each sending a heartbeat that is answered and heard before the next. */
  private static void heartbeatsHeard(Announcements.Watch w, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      Eventually.until("the watch on the listening connection", w::beat);
      Eventually.until("the heartbeat answered and heard", w::settled);
    }
  }

  /** Beats (after each, {@code between}) until the loss is reported, up to 10; how many it took. */
  private static int beatsUntilLost(Announcements.Watch w, AtomicInteger lost, int before, Step between) throws Exception {
    for (int beats = 1; beats <= 10; beats++) {
      w.beat();
      if (lost.get() > before) {
        return beats;
      }
      between.run();
    }
    throw new AssertionError("not taken for lost within 10 beats");
  }

  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }

  static void notify(TestGateway g, String payload) throws Exception {
    try (var c = g.db.connect(); var st = c.createStatement()) {
      st.execute("select pg_notify('announcements_test', '" + payload + "')");
    }
  }
}
