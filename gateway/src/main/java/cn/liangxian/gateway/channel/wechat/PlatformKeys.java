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

  public PlatformKeys put(String serial, PublicKey key) {
    keys.put(serial, key);
    return this;
  }

  public void remove(String serial) {
    keys.remove(serial);
  }

  public Optional<PublicKey> get(String serial) {
    return serial == null ? Optional.empty() : Optional.ofNullable(keys.get(serial));
  }

  public Set<String> serials() {
    return Set.copyOf(keys.keySet());
  }

  /**
   * The WeChat Pay public key's id, where the merchant verifies with it ({@code PUB_KEY_ID_...}; the first in order if
   * several are live): sent as {@code Wechatpay-Serial} with every request, so that WeChat Pay signs its answer with that
   * key, not a platform certificate, also while the merchant is being switched from certificates to the public key.
   */
  public Optional<String> publicKeyId() {
    return keys.keySet().stream().filter(s -> s.startsWith("PUB_KEY_ID_")).sorted().findFirst();
  }
}
