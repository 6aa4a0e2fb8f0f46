package cn.liangxian.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.db.Database;
import cn.liangxian.gateway.support.MutableClock;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shared bucket: what instances grant together, one token a statement, or a lease of them for a load test's limits. */
class SharedRateLimiterTest {
  static final AtomicInteger DATABASES = new AtomicInteger();
  Vertx vertx;
  Pool pool;
  Database db;
  final MutableClock clock = new MutableClock(Instant.parse("2019-12-15T02:00:00Z"));

  @BeforeEach
  void start() throws Exception {
    db = TestGateway.migratedDatabase("limits" + DATABASES.incrementAndGet() + "_" + ProcessHandle.current().pid());
    vertx = Vertx.vertx();
    pool = PgBuilder.pool().connectingTo(db.connectOptions(1)).using(vertx).build();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  long acquire(SharedRateLimiter l, String client) throws Exception {
    return l.acquire(client).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  long bucketRows(String key) throws Exception {
    try (var c = db.connect(); var st = c.prepareStatement("select count(*) from rate_bucket where key = ?")) {
      st.setString(1, key);
      try (var rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  java.time.Instant takenAt(String key) throws Exception {
    try (var c = db.connect(); var st = c.prepareStatement("select at from rate_bucket where key = ?")) {
      st.setString(1, key);
      try (var rs = st.executeQuery()) {
        rs.next();
        return rs.getObject(1, java.time.OffsetDateTime.class).toInstant();
      }
    }
  }

  double tokens(String key) throws Exception {
    try (var c = db.connect(); var st = c.prepareStatement("select tokens from rate_bucket where key = ?")) {
      st.setString(1, key);
      try (var rs = st.executeQuery()) {
        rs.next();
        return rs.getDouble(1);
      }
    }
  }

  /** The limits a deployment sets take one token a statement: two instances grant the burst once, exactly. */
  @Test
  void aDeploymentsLimitTakesOneTokenAStatementAndTwoInstancesGrantOneBurst() throws Exception {
    List<SharedRateLimiter> two = List.of(new SharedRateLimiter(pool, "anonymous-lookup", 10, 5, clock),
        new SharedRateLimiter(pool, "anonymous-lookup", 10, 5, clock));
    assertThat(two.get(0).lease()).isOne();
    assertThat(new SharedRateLimiter(pool, "resident-login", 600, 300, clock).lease()).isOne();
    int granted = 0;
    for (int i = 0; i < 12; i++) {
      long wait = acquire(two.get(i % 2), "ip:10.0.0.1");
      if (wait == 0) {
        granted++;
      } else {
        assertThat(wait).isEqualTo(6); // 10 a minute: a token every 6 s
      }
    }
    assertThat(granted).isEqualTo(5);
    assertThat(tokens("anonymous-lookup:ip:10.0.0.1")).isZero();
    clock.advance(Duration.ofSeconds(6));
    assertThat(acquire(two.get(1), "ip:10.0.0.1")).isZero();
    assertThat(acquire(two.get(0), "ip:10.0.0.1")).isPositive();
  }

  /**
   * A load test's limit (a million a minute and more) takes a lease a statement, spent without asking again; leased
   * tokens come out of the shared bucket, so the instances together still grant no more than it holds.
   */
  @Test
  void aLoadTestsLimitLeasesTokensAndTheInstancesStillGrantNoMoreThanTheBucket() throws Exception {
    SharedRateLimiter a = new SharedRateLimiter(pool, "anonymous-lookup", 6_000_000, 10_000, clock);
    SharedRateLimiter b = new SharedRateLimiter(pool, "anonymous-lookup", 6_000_000, 10_000, clock);
    assertThat(a.lease()).isEqualTo(100); // a hundredth of the burst (a second's refill is 100,000)
    assertThat(new SharedRateLimiter(pool, "anonymous-lookup", 1_000_000_000, 1_000_000, clock).lease()).isEqualTo(10_000);
    acquire(a, "ip:10.0.0.2");
    // one statement took a lease: 99 are left here, 9,900 in the bucket
    assertThat(tokens("anonymous-lookup:ip:10.0.0.2")).isEqualTo(9_900);
    for (int i = 0; i < 99; i++) {
      assertThat(acquire(a, "ip:10.0.0.2")).isZero();
    }
    assertThat(tokens("anonymous-lookup:ip:10.0.0.2")).as("spent without asking").isEqualTo(9_900);
    int granted = 100;
    for (int i = 0; i < 10_000; i++) {
      if (acquire(i % 2 == 0 ? a : b, "ip:10.0.0.2") == 0) {
        granted++;
      }
    }
    assertThat(granted).isEqualTo(10_000);
    assertThat(bucketRows("anonymous-lookup:ip:10.0.0.2")).isOne();

    // a lease is a second's: one left unspent is not granted from later, the bucket is asked again
    clock.advance(Duration.ofSeconds(2)); // full again
    assertThat(acquire(a, "ip:10.0.0.2")).isZero();
    assertThat(tokens("anonymous-lookup:ip:10.0.0.2")).isEqualTo(9_900);
    for (int i = 0; i < 50; i++) {
      assertThat(acquire(a, "ip:10.0.0.2")).isZero();
    }
    clock.advance(Duration.ofMillis(1_001)); // 49 leased tokens left, past their second
    assertThat(acquire(a, "ip:10.0.0.2")).isZero();
    assertThat(takenAt("anonymous-lookup:ip:10.0.0.2")).as("a new lease taken").isEqualTo(clock.instant());
    assertThat(tokens("anonymous-lookup:ip:10.0.0.2")).isEqualTo(9_900);
  }
}
