package cn.liangxian.gateway.operator;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Guessing is stopped at its source; a stranger cannot lock the administrator out, and the owner is told. */
class LoginLockoutTest {
  TestGateway g;
  Vertx vertx;
  WebClient stranger;

  @BeforeEach
  void start() throws Exception {
    g = new TestGateway();
    vertx = Vertx.vertx();
    // another machine on the network: loopback has every 127.x address
    stranger = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(g.gateway.httpPort())
        .setLocalAddress("127.0.0.2"));
  }

  @AfterEach
  void stop() throws Exception {
    stranger.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    g.close();
  }

  private void sql(String sql) throws Exception {
    try (var c = g.db.connect(); var st = c.createStatement()) {
      st.executeUpdate(sql);
    }
  }

  private HttpResponse<Buffer> strangerLogsIn(String password) throws Exception {
    return stranger.post("/api/v1/operator/login").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(new JsonObject().put("username", "admin").put("password", password).encode()))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void fiveWrongPasswordsLockTheGuesserOutButNotTheAdministrator() throws Exception {
    for (int i = 0; i < OperatorAuth.MAX_FAILURES; i++) {
      assertThat(strangerLogsIn("guess-" + i).statusCode()).isEqualTo(401);
    }
    // the guesser is locked out, even with the right password
    assertThat(strangerLogsIn(TestGateway.ADMIN_PASSWORD).statusCode()).isEqualTo(401);
    // the administrator, elsewhere, logs in and is told that someone tried
    HttpResponse<Buffer> owner = g.post("/api/v1/operator/login", new JsonObject().put("username", "admin")
        .put("password", TestGateway.ADMIN_PASSWORD));
    assertThat(owner.statusCode()).as(owner.bodyAsString()).isEqualTo(200);
    assertThat(owner.bodyAsJsonObject().getInteger("failedLoginsSinceLastLogin")).isEqualTo(OperatorAuth.MAX_FAILURES);
    // the guesser's lock holds its 15 minutes, and the next one is longer
    g.clock.advance(OperatorAuth.LOCK.minusSeconds(1));
    assertThat(strangerLogsIn(TestGateway.ADMIN_PASSWORD).statusCode()).isEqualTo(401);
    g.clock.advance(Duration.ofSeconds(2));
    for (int i = 0; i < OperatorAuth.MAX_FAILURES; i++) {
      assertThat(strangerLogsIn("again-" + i).statusCode()).isEqualTo(401);
    }
    g.clock.advance(OperatorAuth.LOCK.plusSeconds(1));
    assertThat(strangerLogsIn(TestGateway.ADMIN_PASSWORD).statusCode()).as("a second lock lasts longer").isEqualTo(401);
    assertThat(OperatorAuth.lockFor(1)).isEqualTo(Duration.ofMinutes(30));
    assertThat(OperatorAuth.lockFor(20)).isEqualTo(Duration.ofHours(24));
  }

  @Test
  void guessesSentSideBySideAreCountedAsTheyComeNotAfterTheirPasswordsAreChecked() throws Exception {
    int guesses = 4 * OperatorAuth.MAX_FAILURES;
    java.util.List<java.util.concurrent.CompletableFuture<HttpResponse<Buffer>>> sent = new java.util.ArrayList<>();
    for (int i = 0; i < guesses; i++) {
      sent.add(stranger.post("/api/v1/operator/login").putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer(new JsonObject().put("username", "admin").put("password", "side-" + i).encode()))
          .toCompletionStage().toCompletableFuture());
    }
    for (var f : sent) {
      assertThat(f.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(401);
    }
    // the guesser is locked out, and no more than five of its wrong passwords were counted against the account
    assertThat(strangerLogsIn(TestGateway.ADMIN_PASSWORD).statusCode()).isEqualTo(401);
    HttpResponse<Buffer> owner = g.post("/api/v1/operator/login", new JsonObject().put("username", "admin")
        .put("password", TestGateway.ADMIN_PASSWORD));
    assertThat(owner.statusCode()).as(owner.bodyAsString()).isEqualTo(200);
    assertThat(owner.bodyAsJsonObject().getInteger("failedLoginsSinceLastLogin")).isEqualTo(OperatorAuth.MAX_FAILURES);
  }

  /**
   * Tries whose checks never ended (the process stopped mid-check, a write failed) are counted but never failed: they
   * lock the source out once there are more than five, as failures would, and are forgotten once no try has come for a
   * while; never held against the source for good with no lock to show for it.
   */
  @Test
  void triesCountedButNeverFinishedLockForAWhileAndAreThenForgotten() throws Exception {
    // five tries counted from the stranger's address, none of them finished, and no lock
    sql("insert into login_lock (username, address, failures, tried_at) values ('admin', 'ip:127.0.0.2', "
        + OperatorAuth.MAX_FAILURES + ", '" + g.clock.instant() + "')");
    assertThat(strangerLogsIn(TestGateway.ADMIN_PASSWORD).statusCode()).as("a sixth try is more than a lock allows").isEqualTo(401);
    assertThat(g.count("select count(*) from login_lock where username = 'admin' and address = 'ip:127.0.0.2'"
        + " and locked_until > '" + g.clock.instant() + "'")).as("a lock to show for it").isEqualTo(1);
    g.clock.advance(OperatorAuth.LOCK.plusSeconds(1));
    assertThat(strangerLogsIn(TestGateway.ADMIN_PASSWORD).statusCode()).as("after the lock the owner's password works")
        .isEqualTo(200);

    // counted long ago and never finished, without a lock: forgotten
    sql("insert into login_lock (username, address, failures, tried_at) values ('admin', 'ip:127.0.0.2', "
        + OperatorAuth.MAX_FAILURES + ", '" + g.clock.instant().minus(OperatorAuth.LOCK).minusSeconds(1) + "')");
    assertThat(strangerLogsIn(TestGateway.ADMIN_PASSWORD).statusCode()).isEqualTo(200);
  }
}
