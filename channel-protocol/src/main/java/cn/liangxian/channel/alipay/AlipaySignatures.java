package cn.liangxian.channel.alipay;

import cn.liangxian.channel.Crypto;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Alipay RSA2 signatures. A request signs every parameter but {@code sign}; a notification every one
 * but {@code sign} and {@code sign_type}; empty values are dropped, the rest sorted by name and joined
 * as {@code k=v&k=v} (values as received, not URL-encoded). A response signs the raw JSON text of its
 * {@code *_response} member.
 */
public final class AlipaySignatures {
  public static final String ALGORITHM = "SHA256withRSA";

  private AlipaySignatures() {}

  public static String content(Map<String, String> params, Set<String> excluded) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : new TreeMap<>(params).entrySet()) {
      if (excluded.contains(e.getKey()) || e.getValue() == null || e.getValue().isEmpty()) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(e.getKey()).append('=').append(e.getValue());
    }
    return sb.toString();
  }

  public static String signRequest(PrivateKey key, Map<String, String> params) {
    return Crypto.sign(ALGORITHM, key, content(params, Set.of("sign")).getBytes(StandardCharsets.UTF_8));
  }

  public static boolean verifyNotification(PublicKey alipayKey, Map<String, String> params) {
    String content = content(params, Set.of("sign", "sign_type"));
    return Crypto.verify(ALGORITHM, alipayKey, content.getBytes(StandardCharsets.UTF_8), params.get("sign"));
  }

  /** What the sandbox (as Alipay) does to a notification. */
  public static String signNotification(PrivateKey alipayKey, Map<String, String> params) {
    return Crypto.sign(ALGORITHM, alipayKey,
        content(params, Set.of("sign", "sign_type")).getBytes(StandardCharsets.UTF_8));
  }

  public static boolean verifyRequest(PublicKey appKey, Map<String, String> params) {
    String content = content(params, Set.of("sign"));
    return Crypto.verify(ALGORITHM, appKey, content.getBytes(StandardCharsets.UTF_8), params.get("sign"));
  }

  /**
   * The raw text of {@code "<member>": {...}} in a response body, exactly as sent (the signature covers
   * those bytes, so the JSON must not be re-serialised before verifying).
   */
  public static String rawMember(String body, String member) {
    String key = "\"" + member + "\"";
    int k = body.indexOf(key);
    if (k < 0) {
      return null;
    }
    int i = body.indexOf(':', k + key.length());
    if (i < 0) {
      return null;
    }
    i++;
    while (i < body.length() && Character.isWhitespace(body.charAt(i))) {
      i++;
    }
    if (i >= body.length() || body.charAt(i) != '{') {
      return null;
    }
    int depth = 0;
    boolean inString = false;
    for (int j = i; j < body.length(); j++) {
      char c = body.charAt(j);
      if (inString) {
        if (c == '\\') {
          j++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return body.substring(i, j + 1);
      }
    }
    return null;
  }

  public static boolean verifyResponse(PublicKey alipayKey, String body, String member, String sign) {
    String raw = rawMember(body, member);
    return raw != null && Crypto.verify(ALGORITHM, alipayKey, raw.getBytes(StandardCharsets.UTF_8), sign);
  }
}
