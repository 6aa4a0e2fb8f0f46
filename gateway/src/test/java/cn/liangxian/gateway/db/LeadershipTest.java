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
  /** How often the sweep tries to lead (its default). */
  static final java.time.Duration EVERY = java.time.Duration.ofSeconds(5);
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
    Leadership a = new Leadership(vertx, named("instance-a"), new SimpleMeterRegistry(), EVERY);
    // a sweep due while the last try is still connecting (a slow connect during a failover) tries again
    List<Boolean> tries = onLoop(() -> Future.all(a.tryLead(), a.tryLead()).map(f -> List.of(f.<Boolean>resultAt(0), f.resultAt(1))));
    assertThat(tries).containsExactly(true, true);
    assertThat(a.leading()).isTrue();
    assertThat(sessions("instance-a")).as("sessions of the leader").isEqualTo(1);

    onLoop(a::resign);
    // the server frees the lock once the session's backend has ended, a moment after the client closed it
    Eventually.until("the first leader's session ended", () -> sessions("instance-a") == 0);
    Leadership b = new Leadership(vertx, named("instance-b"), new SimpleMeterRegistry(), EVERY);
    assertThat(onLoop(b::tryLead)).as("another instance leads once the first gave the lead up").isTrue();
    onLoop(b::resign);
  }

  /**
   * The primary is lost without a reset: the leader's session neither answers nor closes. The leader gives the lead up
   * within its bound instead of waiting forever still counted as leader, and leads again through a new session once it
   * can.
   */
  @Test
  void aLeaderWhoseSessionStopsAnsweringGivesTheLeadUpAndTriesAgainOnANewSession() throws Exception {
    try (SilentProxy proxy = new SilentProxy(db.connectOptions(1).getHost(), db.connectOptions(1).getPort())) {
      PgConnectOptions viaProxy = named("instance-a").setHost("127.0.0.1").setPort(proxy.port());
      Leadership a = new Leadership(vertx, viaProxy, new SimpleMeterRegistry(), java.time.Duration.ofSeconds(2), Leadership.SILENT_AT_MOST);
      assertThat(onLoop(a::tryLead)).isTrue();

      proxy.silenceOpenConnections();
      // the server has lost the session (and its lock) too: another instance leads
      try (var c = db.connect(); var st = c.createStatement()) {
        st.execute("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'instance-a'");
      }
      Eventually.until("the silent leader's session ended", () -> sessions("instance-a") == 0);
      Leadership b = new Leadership(vertx, named("instance-b"), new SimpleMeterRegistry(), EVERY);
      assertThat(onLoop(b::tryLead)).isTrue();

      assertThat(onLoop(a::tryLead)).as("a check left unanswered").isFalse();
      assertThat(a.leading()).isFalse();
      assertThat(onLoop(a::tryLead)).as("a new session, while the other instance leads").isFalse();
      onLoop(b::resign);
      Eventually.until("the other leader's session ended", () -> sessions("instance-b") == 0);
      assertThat(onLoop(a::tryLead)).as("the lead taken again once free").isTrue();
      onLoop(a::resign);
    }
  }

  /**
   * The leader's host is lost without a word (power, network): its session neither closes nor sends anything, and
   * nobody ends it by hand. The server ends it once it has been silent for its bound, and another instance leads.
   */
  @Test
  void aLeaderLostWithoutAWordLosesTheLeadOnceItsSessionHasBeenSilentForItsBound() throws Exception {
    try (SilentProxy proxy = new SilentProxy(db.connectOptions(1).getHost(), db.connectOptions(1).getPort())) {
      PgConnectOptions viaProxy = named("instance-a").setHost("127.0.0.1").setPort(proxy.port());
      Leadership a = new Leadership(vertx, viaProxy, new SimpleMeterRegistry(), Leadership.ANSWER_WITHIN, java.time.Duration.ofSeconds(1));
      assertThat(onLoop(a::tryLead)).isTrue();
      proxy.silenceOpenConnections();

      Leadership b = new Leadership(vertx, named("instance-b"), new SimpleMeterRegistry(), EVERY);
      Eventually.until("another instance to lead", () -> onLoop(b::tryLead));
      assertThat(sessions("instance-a")).as("the silent leader's session, ended by the server").isZero();
      onLoop(b::resign);
    }
  }

  @Test
  void theServerEndsALeadersSessionSilentForFourTriesOrAMinute() {
    assertThat(Leadership.silentAtMost(EVERY)).isEqualTo(Leadership.SILENT_AT_MOST);
    assertThat(Leadership.silentAtMost(java.time.Duration.ofMinutes(1))).isEqualTo(java.time.Duration.ofMinutes(4));
  }

  /**
   * Passes bytes between the gateway and PostgreSQL until told to go silent: from then on what the open connections
   * send is dropped and nothing is closed, as when a host vanishes. Connections made after that pass as before.
   */
  static final class SilentProxy implements AutoCloseable {
    private final java.net.ServerSocket server;
    private final java.util.List<java.net.Socket> open = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.Set<java.net.Socket> silent = java.util.concurrent.ConcurrentHashMap.newKeySet();

    SilentProxy(String host, int port) throws java.io.IOException {
      server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
      daemon(() -> {
        while (!server.isClosed()) {
          try {
            java.net.Socket client = server.accept();
            java.net.Socket upstream = new java.net.Socket(host, port);
            open.add(client);
            open.add(upstream);
            pump(client, upstream);
            pump(upstream, client);
          } catch (java.io.IOException e) {
            return; // closed
          }
        }
      });
    }

    private static void daemon(Runnable r) {
      Thread t = new Thread(r, "silent-proxy");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    void silenceOpenConnections() {
      silent.addAll(open);
    }

    /** Copies {@code from} to {@code to}; a connection gone silent drops what it reads, and its end is passed on to no one. */
    private void pump(java.net.Socket from, java.net.Socket to) {
      daemon(() -> {
        byte[] buf = new byte[8192];
        try {
          int n;
          while ((n = from.getInputStream().read(buf)) >= 0) {
            if (!silent.contains(from)) {
              to.getOutputStream().write(buf, 0, n);
            }
          }
        } catch (java.io.IOException e) {
          // closed from the other side
        }
        if (!silent.contains(from)) {
          closeQuietly(from);
          closeQuietly(to);
        }
      });
    }

    private static void closeQuietly(java.net.Socket s) {
      try {
        s.close();
      } catch (java.io.IOException e) {
        // already closed
      }
    }

    @Override
    public void close() throws java.io.IOException {
      server.close();
      for (java.net.Socket s : open) {
        s.close();
      }
    }
  }

  /**
   * Dashboards and alerts read the leader's gauges where liangxian_sweeper_leader is 1: an instance that begins to lead
   * shows 1 only once it has computed them in this lead, never with its zeros of the start or values of an earlier lead.
   */
  @Test
  void aLeaderIsShownOnlyOnceItsGaugesAreOfThisLead() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Leadership a = new Leadership(vertx, named("instance-a"), registry, EVERY);
    a.computes("paying");
    a.computes("hand-off");
    java.util.function.DoubleSupplier shown = () -> registry.get("liangxian_sweeper_leader").gauge().value();
    assertThat(onLoop(a::tryLead)).isTrue();
    assertThat(shown.getAsDouble()).as("leading, nothing computed yet").isZero();
    long first = a.term();
    a.computed("paying", first);
    assertThat(shown.getAsDouble()).as("one group of two").isZero();
    a.computed("hand-off", first);
    assertThat(shown.getAsDouble()).isEqualTo(1);

    // the lead lost (the session closed) and taken again: the values of the first lead are not shown as the second's
    onLoop(a::resign);
    assertThat(shown.getAsDouble()).isZero();
    // the server frees the lock once it has seen the session end
    Eventually.until("leading again", () -> onLoop(a::tryLead));
    assertThat(a.term()).isGreaterThan(first);
    assertThat(shown.getAsDouble()).as("computed in the earlier lead only").isZero();
    a.computed("paying", first); // a round that began in the first lead and ended in the second
    a.computed("hand-off", a.term());
    assertThat(shown.getAsDouble()).isZero();
    a.computed("paying", a.term());
    assertThat(shown.getAsDouble()).isEqualTo(1);
    onLoop(a::resign);
  }

  @Test
  void aLeadGivenUpWhileStillConnectingIsNotTaken() throws Exception {
    Leadership a = new Leadership(vertx, named("instance-a"), new SimpleMeterRegistry(), EVERY);
    // the instance stops while its try is still connecting
    boolean led = onLoop(() -> {
      Future<Boolean> tried = a.tryLead();
      return a.resign().compose(x -> tried);
    });
    assertThat(led).isFalse();
    assertThat(a.leading()).isFalse();
    Leadership b = new Leadership(vertx, named("instance-b"), new SimpleMeterRegistry(), EVERY);
    assertThat(onLoop(b::tryLead)).as("another instance leads").isTrue();
    onLoop(b::resign);
  }
}
