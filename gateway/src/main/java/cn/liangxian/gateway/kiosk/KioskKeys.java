package cn.liangxian.gateway.kiosk;

import cn.liangxian.gateway.db.Announcements;
import java.security.PublicKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The kiosks' public keys as this process has read them, shared by its event loops. A kiosk
 * registered again on any instance is announced by PostgreSQL ({@code NOTIFY} in the registering
 * transaction) and forgotten here; while the connection that hears it is lost nothing is kept (a key
 * replaced meanwhile would not be heard of), and once it is back everything is forgotten.
 */
public final class KioskKeys {
  /** The PostgreSQL channel announcing a kiosk whose key or standing changed; the payload is its id. */
  public static final String CHANNEL = "kiosk_changed";

  private final Map<String, PublicKey> keys = new ConcurrentHashMap<>();
  // bumped by every forgetting: a key read before it is not kept (it may be the replaced one)
  private final AtomicLong generation = new AtomicLong();
  // false while the announcements cannot be heard: every key is read from the database
  private volatile boolean hearing = true;

  /** Forgets a kiosk's key when an instance announces a change; keeps none while announcements cannot be heard. */
  public void listen(Announcements announcements) {
    announcements.channel(CHANNEL).subscribeHandler(v -> {
      forgetAll();
      hearing = true;
    }).handler(this::forget);
    announcements.whenLost(() -> {
      hearing = false;
      forgetAll();
    });
  }

  PublicKey cached(String kiosk) {
    return hearing ? keys.get(kiosk) : null;
  }

  long generation() {
    return generation.get();
  }

  /** Keeps a key read from the database when the read began at {@code readAt}, unless something was forgotten since. */
  void remember(String kiosk, PublicKey key, long readAt) {
    if (!hearing) {
      return;
    }
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
