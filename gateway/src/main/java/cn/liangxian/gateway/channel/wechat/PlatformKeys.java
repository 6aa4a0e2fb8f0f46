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
}
