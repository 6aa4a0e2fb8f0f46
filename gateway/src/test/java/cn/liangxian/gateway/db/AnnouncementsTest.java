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
 * The connection that hears the other instances' announcements, lost without a reset (the primary's host gone): it
 * neither answers nor closes. The watch takes it for lost once this instance's own heartbeat is not heard on it within a
 * beat: what relies on hearing the others (kiosk keys kept in memory, waiting status requests) stops relying on it at
 * once, and the connection is closed so that the subscriber connects again.
 */
class AnnouncementsTest {
  @Test
  void aSilentConnectionIsTakenForLostWithinABeat() throws Exception {
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
      a.watch(Duration.ofSeconds(1), g.db.connectOptions(1));
      Eventually.until("subscribed", () -> subscribed.get() >= 1);
      notify(g, "first");
      Eventually.until("the first heard", () -> heard.contains("first"));

      int lostBefore = lost.get();
      proxy.silenceOpenConnections();
      notify(g, "missed"); // sent to a connection that passes nothing on
      Eventually.until("the silent connection taken for lost", () -> lost.get() > lostBefore);
      int lostOnce = lost.get();
      // and not again at every beat while the silent connection is being closed (Vert.x holds a close for its grace
      // period; the subscriber connects again after it, and says so itself): two more beats
      long beatsAtLoss = a.beats();
      Eventually.until("two more beats", () -> a.beats() >= beatsAtLoss + 2);
      assertThat(lost.get()).isBetween(lostOnce, lostOnce + 1);
      assertThat(heard).doesNotContain("missed");
      a.close(); // completes once the proxy, closed next, ends the silent connection
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  static void notify(TestGateway g, String payload) throws Exception {
    try (var c = g.db.connect(); var st = c.createStatement()) {
      st.execute("select pg_notify('announcements_test', '" + payload + "')");
    }
  }
}
