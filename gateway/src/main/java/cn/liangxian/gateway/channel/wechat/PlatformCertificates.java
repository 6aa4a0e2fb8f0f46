package cn.liangxian.gateway.channel.wechat;

import cn.liangxian.channel.Pem;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WeChat Pay platform certificates for a merchant in certificate mode, kept current on every instance:
 * one instance at a time downloads them ({@code /v3/certificates}, verified by {@link CertificateDownload})
 * and stores them, claiming the turn with a conditional update of {@code wechat_certificate_download};
 * every instance loads what is stored into the merchant's {@link PlatformKeys}, keyed by serial number,
 * so a new certificate is trusted as soon as one instance has seen it and an old one stays trusted until
 * it expires.
 */
public final class PlatformCertificates {
  private static final Logger LOG = LoggerFactory.getLogger(PlatformCertificates.class);
  /** WeChat Pay asks merchants to look for new certificates at least every 12 hours. */
  public static final Duration DOWNLOAD_EVERY = Duration.ofHours(12);
  private static final Duration RETRY_AFTER = Duration.ofMinutes(1);

  private final Vertx vertx;
  private final WechatPayClient client;
  private final Pool pool;
  private final Clock clock;
  private final Set<String> managed = new HashSet<>();
  /** When the last to expire of the certificates loaded expires, seconds since the epoch; NaN before any is loaded. */
  private volatile double latestExpiry = Double.NaN;

  public PlatformCertificates(Vertx vertx, WechatPayClient client, Pool pool, Clock clock) {
    this.vertx = vertx;
    this.client = client;
    this.pool = pool;
    this.clock = clock;
  }

  /** Refreshes now, then every {@code reloadMillis}; the downloads themselves happen every {@link #DOWNLOAD_EVERY}. */
  public static PlatformCertificates start(Vertx vertx, WechatPayClient client, Pool pool, Clock clock, long reloadMillis,
      MeterRegistry registry) {
    PlatformCertificates c = new PlatformCertificates(vertx, client, pool, clock);
    c.gauge(registry);
    vertx.setPeriodic(0, reloadMillis, t -> c.refresh().onFailure(e -> LOG.warn("platform certificates not refreshed: {}", e.toString())));
    return c;
  }

  /**
   * When the certificate that lasts longest expires, for the operators' alert: it comes near only when no newer one has
   * been downloaded (WeChat Pay publishes the next well before), i.e. when the downloads keep failing.
   */
  public void gauge(MeterRegistry registry) {
    Gauge.builder("liangxian_channel_certificate_expiry_timestamp_seconds", () -> latestExpiry)
        .description("When a channel certificate this instance relies on expires")
        .tags("channel", "wechat", "merchant", mchid(), "certificate", "platform").register(registry);
  }

  /** Downloads if it is this instance's turn, then loads every stored certificate not yet expired. */
  public Future<Void> refresh() {
    return claim().compose(mine -> mine ? download() : Future.succeededFuture()).compose(x -> load());
  }

  /**
   * The turn is claimed for a minute only: an instance that stops in the middle of its download (and so never says how it
   * went) holds the others up that long, not until the next download is due.
   */
  private Future<Boolean> claim() {
    OffsetDateTime now = now();
    return pool.preparedQuery("insert into wechat_certificate_download (mchid, next_at) values ($1, $2) on conflict (mchid)"
            + " do update set next_at = excluded.next_at where wechat_certificate_download.next_at <= $3 returning mchid")
        .execute(Tuple.of(mchid(), now.plus(RETRY_AFTER), now)).map(rows -> rows.size() == 1);
  }

  private Future<Void> download() {
    WechatPayMerchant m = client.merchant();
    return client.certificates()
        .compose(a -> vertx.executeBlocking(() -> CertificateDownload.verify(a, m.apiV3Key(), m.platformKeys(), clock.instant()), false))
        .compose(this::store)
        .compose(x -> nextAt(DOWNLOAD_EVERY))
        .recover(e -> {
          LOG.warn("WeChat Pay platform certificates could not be downloaded: {}; trying again in a minute", e.getMessage());
          return nextAt(RETRY_AFTER);
        });
  }

  private Future<Void> nextAt(Duration after) {
    return pool.preparedQuery("update wechat_certificate_download set next_at = $2 where mchid = $1")
        .execute(Tuple.of(mchid(), now().plus(after))).mapEmpty();
  }

  private Future<Void> store(List<CertificateDownload.Certificate> certs) {
    return pool.withTransaction(c -> {
      Future<Void> all = Future.succeededFuture();
      for (CertificateDownload.Certificate cert : certs) {
        all = all.compose(x -> c.preparedQuery("insert into wechat_platform_certificate (mchid, serial_no, certificate,"
                + " effective_time, expire_time, downloaded_at) values ($1, $2, $3, $4, $5, $6) on conflict do nothing returning serial_no")
            .execute(Tuple.of(mchid(), cert.serial(), cert.pem(), cert.effective(), cert.expires(), now()))
            .map(rows -> {
              if (rows.size() == 1) {
                LOG.info("new WeChat Pay platform certificate {} (valid {} to {})", cert.serial(), cert.effective(), cert.expires());
              }
              return null;
            }));
      }
      return all;
    });
  }

  private Future<Void> load() {
    return pool.preparedQuery("select serial_no, certificate, expire_time from wechat_platform_certificate where mchid = $1"
            + " and expire_time > $2")
        .execute(Tuple.of(mchid(), now())).compose(rows -> {
          Set<String> live = new HashSet<>();
          List<Row> list = new java.util.ArrayList<>();
          rows.forEach(list::add);
          return vertx.executeBlocking(() -> {
            PlatformKeys keys = client.merchant().platformKeys();
            for (Row r : list) {
              live.add(r.getString("serial_no"));
              if (keys.get(r.getString("serial_no")).isEmpty()) {
                keys.put(r.getString("serial_no"), Pem.publicKey(r.getString("certificate")));
              }
            }
            latestExpiry = list.stream().mapToDouble(r -> r.getOffsetDateTime("expire_time").toEpochSecond()).max()
                .orElse(Double.NaN);
            synchronized (managed) {
              for (String gone : managed) {
                if (!live.contains(gone)) {
                  keys.remove(gone); // expired: no longer trusted
                }
              }
              managed.clear();
              managed.addAll(live);
            }
            return null;
          }, true);
        });
  }

  private String mchid() {
    return client.merchant().mchid();
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }
}
