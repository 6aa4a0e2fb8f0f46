package cn.liangxian.gateway.channel.wechat;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.channel.Vectors;
import cn.liangxian.channel.wechat.WechatPayScheme;
import cn.liangxian.gateway.channel.Await;
import cn.liangxian.gateway.db.Database;
import cn.liangxian.gateway.support.MutableClock;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.ChannelSandbox;
import cn.liangxian.sandbox.fault.HeldCall;
import cn.liangxian.sandbox.wechat.WechatMerchant;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An instance that stops in the middle of its turn to download the platform certificates holds the others up a minute, not 12 hours. */
class CertificateTurnTest {
  static final byte[] API_V3_KEY = "certificates-turn-apiv3-key-0123".getBytes(StandardCharsets.US_ASCII);
  final MutableClock clock = new MutableClock(Instant.parse("2019-12-15T02:00:00Z"));
  Vertx vertx;
  ChannelSandbox sandbox;
  Database db;
  KeyPair merchantKey;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    sandbox = new ChannelSandbox(vertx, clock);
    merchantKey = Vectors.rsa();
    sandbox.registerWechat(new WechatMerchant("1900009192", "wxturn0000000001", merchantKey.getPublic(), API_V3_KEY,
        WechatPayScheme.RSA, true));
    Await.result(sandbox.listen(0));
    db = TestGateway.server().createDatabase("cert_turn_" + ProcessHandle.current().pid());
    db.migrate();
  }

  @AfterEach
  void stop() throws Exception {
    Await.result(vertx.close());
  }

  /** One gateway instance on {@code on}: its client, its pool, its certificates. */
  record Instance(WechatPayClient client, Pool pool, PlatformCertificates certificates) {}

  Instance instance(Vertx on) {
    WechatPayMerchant m = new WechatPayMerchant("1900009192", "wxturn0000000001", "TURN-MERCHANT-SERIAL", merchantKey.getPrivate(),
        API_V3_KEY, WechatPayScheme.RSA, new PlatformKeys());
    WechatPayClient client = new WechatPayClient(on, WebClient.create(on), sandbox.baseUrl(), m, clock,
        cn.liangxian.gateway.channel.Signing.create(on, 1, new SimpleMeterRegistry()));
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(db.connectOptions(1)).using(on).build();
    return new Instance(client, pool, new PlatformCertificates(on, client, pool, clock));
  }

  @Test
  void aDownloadCutShortByACrashIsTakenUpByAnotherInstanceAfterAMinute() throws Exception {
    Vertx crashing = Vertx.vertx();
    HeldCall download = sandbox.holdNext("GET /v3/certificates");
    try {
      Instance a = instance(crashing);
      a.certificates().refresh();
      download.arrived().get(30, TimeUnit.SECONDS);
      // the instance stops with its turn claimed and the certificates not yet stored
      Await.result(a.pool().close());
      Await.result(crashing.close());
    } finally {
      download.release();
    }

    Instance b = instance(vertx);
    Await.result(b.certificates().refresh());
    assertThat(b.client().merchant().platformKeys().serials()).as("the turn is held while the download may still be under way")
        .isEmpty();
    clock.advance(Duration.ofMinutes(2));
    Await.result(b.certificates().refresh());
    assertThat(b.client().merchant().platformKeys().serials()).containsExactly(sandbox.wechatCertificateSerials().get(0));
    // done, the next download is due in 12 hours
    clock.advance(Duration.ofMinutes(2));
    long downloads = sandbox.calls().stream().filter(c -> c.equals("GET /v3/certificates")).count();
    Await.result(b.certificates().refresh());
    assertThat(sandbox.calls().stream().filter(c -> c.equals("GET /v3/certificates")).count()).isEqualTo(downloads);
  }
}
