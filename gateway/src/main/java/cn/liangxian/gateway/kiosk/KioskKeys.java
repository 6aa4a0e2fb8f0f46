package cn.liangxian.gateway.kiosk;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.security.PublicKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kiosks' public keys as this process has read them, shared by its event loops. A kiosk
 * registered again on any instance is announced by PostgreSQL ({@code NOTIFY} in the registering
 * transaction) and forgotten here; after a lost connection everything is forgotten, since
 * announcements made meanwhile were missed.
 */
public final class KioskKeys {
  private static final Logger LOG = LoggerFactory.getLogger(KioskKeys.class);
  /** The PostgreSQL channel announcing a kiosk whose key or standing changed; the payload is its id. */
  public static final String CHANNEL = "kiosk_changed";

  private final Map<String, PublicKey> keys = new ConcurrentHashMap<>();
  // bumped by every forgetting: a key read before it is not kept (it may be the replaced one)
  private final AtomicLong generation = new AtomicLong();

  /** Subscribes to the announcements on a connection of its own, re-subscribing after it is lost. */
  public Future<PgSubscriber> listen(Vertx vertx, PgConnectOptions connectOptions) {
    PgSubscriber subscriber = PgSubscriber.subscriber(vertx, connectOptions).reconnectPolicy(retries -> 1000L);
    subscriber.channel(CHANNEL).subscribeHandler(v -> forgetAll()).handler(this::forget);
    subscriber.closeHandler(v -> LOG.warn("lost the kiosk announcements' connection; reconnecting"));
    return subscriber.connect().map(subscriber);
  }

  PublicKey cached(String kiosk) {
    return keys.get(kiosk);
  }

  long generation() {
    return generation.get();
  }

  /** Keeps a key read from the database when the read began at {@code readAt}, unless something was forgotten since. */
  void remember(String kiosk, PublicKey key, long readAt) {
    keys.put(kiosk, key);
    if (generation.get() != readAt) {
      keys.remove(kiosk);
    }
  }

  public void forget(String kiosk) {
    generation.incrementAndGet();
    keys.remove(kiosk);
  }

  void forgetAll() {
    generation.incrementAndGet();
    keys.clear();
  }
}
