package cn.liangxian.gateway.channel.wechat;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.channel.Vectors;
import cn.liangxian.channel.wechat.WechatPayScheme;
import cn.liangxian.gateway.channel.Await;
import cn.liangxian.gateway.channel.ChannelException;
import cn.liangxian.gateway.db.Database;
import cn.liangxian.gateway.support.MutableClock;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.ChannelSandbox;
import cn.liangxian.sandbox.wechat.WechatMerchant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Platform certificate mode against the sandbox with real keys on a real PostgreSQL: two instances of one
 * deployment download once between them, both trust what was downloaded, a new certificate is trusted
 * once it appears and the old one until it expires.
 */
class PlatformCertificatesTest {
  static final byte[] API_V3_KEY = "certificates-apiv3-key-012345678".getBytes(StandardCharsets.US_ASCII);
  static final MutableClock CLOCK = new MutableClock(Instant.parse("2019-12-15T02:00:00Z"));
  static Vertx vertx;
  static ChannelSandbox sandbox;
  static Database db;
  static Instance a;
  static Instance b;

  /** One gateway instance's view: its own client, its own keys, its own pool on the shared database. */
  record Instance(WechatPayClient client, PlatformCertificates certificates) {
    PlatformKeys keys() {
      return client.merchant().platformKeys();
    }
  }

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    sandbox = new ChannelSandbox(vertx, CLOCK);
    KeyPair merchantKey = Vectors.rsa();
    sandbox.registerWechat(new WechatMerchant("1900009191", "wxcert0000000001", merchantKey.getPublic(), API_V3_KEY,
        WechatPayScheme.RSA, true));
    Await.result(sandbox.listen(0));
    db = TestGateway.server().createDatabase("certs_" + ProcessHandle.current().pid());
    db.migrate();
    a = instance(merchantKey);
    b = instance(merchantKey);
  }

  static Instance instance(KeyPair merchantKey) {
    WechatPayMerchant m = new WechatPayMerchant("1900009191", "wxcert0000000001", "CERT-MERCHANT-SERIAL", merchantKey.getPrivate(),
        API_V3_KEY, WechatPayScheme.RSA, new PlatformKeys());
    WechatPayClient client = new WechatPayClient(vertx, WebClient.create(vertx), sandbox.baseUrl(), m, CLOCK,
        cn.liangxian.gateway.channel.Signing.create(vertx, 1, new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(db.connectOptions(1)).using(vertx).build();
    return new Instance(client, new PlatformCertificates(vertx, client, pool, CLOCK));
  }

  @AfterAll
  static void stop() throws Exception {
    Await.result(vertx.close());
  }

  static long downloads() {
    return sandbox.calls().stream().filter(c -> c.equals("GET /v3/certificates")).count();
  }

  static final java.util.concurrent.atomic.AtomicInteger ORDERS = new java.util.concurrent.atomic.AtomicInteger();

  /** A call whose answer is believed only when its signature verifies (a QR code for a new order). */
  static Future<String> call(Instance i) {
    return i.client().nativePay(new WechatPayClient.Prepay(String.format("CERTMODE%024d", ORDERS.incrementAndGet()),
        "城乡居民医疗保险 2020", 100, "http://127.0.0.1:9/cb", null, null, null));
  }

  /** The operators' alert reads when the certificate that lasts longest expires, as this instance has loaded them. */
  static double expiryGauge(io.micrometer.core.instrument.MeterRegistry registry) {
    return registry.get("liangxian_channel_certificate_expiry_timestamp_seconds").tags("channel", "wechat", "merchant", "1900009191",
        "certificate", "platform").gauge().value();
  }

  /** What the database says of the live certificates: the latest expiry, in seconds since the epoch. */
  static double latestStoredExpiry() throws Exception {
    try (var c = db.connect(); var st = c.createStatement(); var rs = st.executeQuery(
        "select extract(epoch from max(expire_time)) from wechat_platform_certificate where expire_time > '" + CLOCK.instant() + "'")) {
      rs.next();
      return rs.getDouble(1);
    }
  }

  @Test
  void downloadedOnceForTwoInstancesRotatedAndExpired() throws Exception {
    String first = sandbox.wechatCertificateSerials().get(0);
    var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    a.certificates().gauge(registry);
    assertThat(expiryGauge(registry)).as("nothing loaded yet").isNaN();
    // before any download nothing the platform signs can be believed
    assertThat(Await.failure(call(a)).code()).isEqualTo("RESPONSE_NOT_VERIFIED");

    Await.result(Future.all(a.certificates().refresh(), b.certificates().refresh()));
    assertThat(downloads()).isEqualTo(1);
    // the instance that lost the turn may have loaded before the winner stored: its next reload has it
    reloadBoth();
    assertThat(a.keys().serials()).containsExactly(first);
    assertThat(b.keys().serials()).containsExactly(first);
    assertThat(Await.result(call(a))).startsWith(sandbox.baseUrl());
    double firstExpires = latestStoredExpiry();
    assertThat(expiryGauge(registry)).isEqualTo(firstExpires).isGreaterThan(CLOCK.instant().getEpochSecond());

    // WeChat Pay starts signing with a new certificate: not trusted until it has been downloaded
    String second = sandbox.rotateWechatCertificate(Duration.ofDays(3650));
    assertThat(Await.failure(call(b)).code()).isEqualTo("RESPONSE_NOT_VERIFIED");
    Await.result(Future.all(a.certificates().refresh(), b.certificates().refresh()));
    assertThat(downloads()).as("not due before 12 hours").isEqualTo(1);
    CLOCK.advance(PlatformCertificates.DOWNLOAD_EVERY.plusSeconds(1));
    Await.result(Future.all(a.certificates().refresh(), b.certificates().refresh()));
    assertThat(downloads()).isEqualTo(2);
    reloadBoth();
    assertThat(a.keys().serials()).containsExactlyInAnyOrder(first, second);
    assertThat(b.keys().serials()).containsExactlyInAnyOrder(first, second);
    assertThat(Await.result(call(b))).startsWith(sandbox.baseUrl());
    assertThat(expiryGauge(registry)).as("the new one lasts longer").isEqualTo(latestStoredExpiry()).isGreaterThan(firstExpires);

    // the first certificate expires (five years): no longer trusted anywhere, the new one still is
    CLOCK.advance(Duration.ofDays(5 * 365 + 2));
    Await.result(a.certificates().refresh());
    Await.result(b.certificates().refresh());
    assertThat(downloads()).isEqualTo(3);
    assertThat(a.keys().serials()).containsExactly(second);
    assertThat(b.keys().serials()).containsExactly(second);
    assertThat(Await.result(call(a))).startsWith(sandbox.baseUrl());
  }

  @Test
  void aDownloadSignedByAnUntrustedKeyIsNotStored() throws Exception {
    WechatPayClient.SignedAnswer real = Await.result(a.client().certificates());
    List<CertificateDownload.Certificate> ok = CertificateDownload.verify(real, API_V3_KEY, new PlatformKeys(), CLOCK.instant());
    assertThat(ok).isNotEmpty();
    WechatPayClient.SignedAnswer altered = new WechatPayClient.SignedAnswer(
        new String(real.body(), StandardCharsets.UTF_8).replace("\"data\"", " \"data\"").getBytes(StandardCharsets.UTF_8),
        real.timestamp(), real.nonce(), real.signature(), real.serial());
    assertThat(refusal(altered, API_V3_KEY)).contains("signature does not verify");
    assertThat(refusal(real, "another-merchants-apiv3-key-0123".getBytes(StandardCharsets.US_ASCII))).contains("does not decrypt");
    WechatPayClient.SignedAnswer stale = new WechatPayClient.SignedAnswer(real.body(),
        Long.toString(CLOCK.instant().getEpochSecond() - 600), real.nonce(), real.signature(), real.serial());
    assertThat(refusal(stale, API_V3_KEY)).contains("five minutes");
    WechatPayClient.SignedAnswer unknownSerial = new WechatPayClient.SignedAnswer(real.body(), real.timestamp(), real.nonce(),
        real.signature(), "5157F09EFDC096DE15EBE81A47057A7232F1B8E1");
    assertThat(refusal(unknownSerial, API_V3_KEY)).contains("signature does not verify");
  }

  static void reloadBoth() throws Exception {
    long before = downloads();
    Await.result(Future.all(a.certificates().refresh(), b.certificates().refresh()));
    assertThat(downloads()).as("a reload downloads nothing").isEqualTo(before);
  }

  static String refusal(WechatPayClient.SignedAnswer answer, byte[] key) {
    try {
      CertificateDownload.verify(answer, key, new PlatformKeys(), CLOCK.instant());
    } catch (ChannelException e) {
      return e.getMessage();
    }
    throw new AssertionError("accepted");
  }
}
