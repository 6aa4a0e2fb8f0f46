package cn.liangxian.gateway.channel.wechat;

import java.security.PublicKey;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys WeChat Pay signs responses and notifications with, by {@code Wechatpay-Serial}: platform
 * certificate serial numbers and WeChat Pay public-key ids ({@code PUB_KEY_ID_...}). Several are live at
 * once while a key is rotated.
 */
public final class PlatformKeys {
  private final Map<String, PublicKey> keys = new ConcurrentHashMap<>();
  /** The public keys' ids in the order given (the configuration's): the first is named in requests. */
  private final java.util.List<String> publicKeyIds = new java.util.concurrent.CopyOnWriteArrayList<>();

  public PlatformKeys put(String serial, PublicKey key) {
    keys.put(serial, key);
    if (serial.startsWith("PUB_KEY_ID_") && !publicKeyIds.contains(serial)) {
      publicKeyIds.add(serial);
    }
    return this;
  }

  public void remove(String serial) {
    keys.remove(serial);
    publicKeyIds.remove(serial);
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
    return publicKeyIds.stream().findFirst();
  }
}
