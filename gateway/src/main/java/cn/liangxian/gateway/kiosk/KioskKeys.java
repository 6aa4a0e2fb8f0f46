package cn.liangxian.gateway.kiosk;

import cn.liangxian.gateway.db.Announcements;
import java.security.PublicKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The kiosks' public keys as this process has read them, shared by its event loops. A kiosk
 * registered again on any instance is announced by PostgreSQL ({@code NOTIFY} in the registering
 * transaction) and forgotten here; after a lost connection everything is forgotten, since
 * announcements made meanwhile were missed.
 */
public final class KioskKeys {
  /** The PostgreSQL channel announcing a kiosk whose key or standing changed; the payload is its id. */
  public static final String CHANNEL = "kiosk_changed";

  private final Map<String, PublicKey> keys = new ConcurrentHashMap<>();
  // bumped by every forgetting: a key read before it is not kept (it may be the replaced one)
  private final AtomicLong generation = new AtomicLong();

  /** Forgets a kiosk's key when an instance announces a change; everything after a reconnect (announcements may be lost). */
  public void listen(Announcements announcements) {
    announcements.channel(CHANNEL).subscribeHandler(v -> forgetAll()).handler(this::forget);
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
