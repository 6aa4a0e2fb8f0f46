package cn.liangxian.gateway.channel.wechat;

import java.security.PublicKey;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.LinkedHashMap;

/**
 * The keys WeChat Pay signs responses and notifications with, by {@code Wechatpay-Serial}: platform
 * certificate serial numbers and WeChat Pay public-key ids ({@code PUB_KEY_ID_...}). Several are live at
 * once while a key is rotated.
 */
public final class PlatformKeys {
  /**
   * By serial, in the order given (the configuration's, then each download's): replaced whole on a change, which is rare
   * (start-up, a certificate downloaded), and read without a lock on every answer and notification.
   */
  private volatile Map<String, PublicKey> keys = Map.of();

  public synchronized PlatformKeys put(String serial, PublicKey key) {
    Map<String, PublicKey> next = new LinkedHashMap<>(keys);
    next.put(serial, key);
    keys = java.util.Collections.unmodifiableMap(next);
    return this;
  }

  public synchronized void remove(String serial) {
    Map<String, PublicKey> next = new LinkedHashMap<>(keys);
    next.remove(serial);
    keys = java.util.Collections.unmodifiableMap(next);
  }

  public Optional<PublicKey> get(String serial) {
    return serial == null ? Optional.empty() : Optional.ofNullable(keys.get(serial));
  }

  public Set<String> serials() {
    return Set.copyOf(keys.keySet());
  }

  /**
   * The WeChat Pay public key's id, where the merchant verifies with it ({@code PUB_KEY_ID_...}; the first given if
   * several are live, as while a new key replaces the old one: list the new one first): sent as {@code Wechatpay-Serial}
   * with every request, so that WeChat Pay signs its answer with that key, not a platform certificate, also while the
   * merchant is being switched from certificates to the public key.
   */
  public Optional<String> publicKeyId() {
    return keys.keySet().stream().filter(s -> s.startsWith("PUB_KEY_ID_")).findFirst();
  }
}
