package cn.liangxian.channel.wechat;

import cn.liangxian.channel.Crypto;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The strings WeChat Pay API v3 signs, and the Authorization header.
 *
 * <ul>
 *   <li>request: {@code METHOD\nURL\ntimestamp\nnonce\nbody\n}, URL being path and query;
 *   <li>response and notification: {@code timestamp\nnonce\nbody\n} over the raw body bytes;
 *   <li>mini-program payment: {@code appId\ntimeStamp\nnonceStr\npackage\n}.
 * </ul>
 */
public final class WechatPaySignatures {
  private static final Pattern PARAM = Pattern.compile("([a-z_]+)=\"([^\"]*)\"");

  private WechatPaySignatures() {}

  /** Every part followed by a newline, the body kept as raw bytes (never re-serialised). */
  public static byte[] message(byte[] body, String... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String p : parts) {
      out.writeBytes(p.getBytes(StandardCharsets.UTF_8));
      out.write('\n');
    }
    if (body != null) {
      out.writeBytes(body);
      out.write('\n');
    }
    return out.toByteArray();
  }

  public static byte[] requestMessage(String method, String pathAndQuery, long timestamp, String nonce, byte[] body) {
    return message(body == null ? new byte[0] : body, method, pathAndQuery, Long.toString(timestamp), nonce);
  }

  public static byte[] responseMessage(String timestamp, String nonce, byte[] body) {
    return message(body == null ? new byte[0] : body, timestamp, nonce);
  }

  /** The Authorization header value for a merchant request. */
  public static String authorization(
      WechatPayScheme scheme, String mchid, String serialNo, PrivateKey key,
      String method, String pathAndQuery, long timestamp, String nonce, byte[] body) {
    String signature = Crypto.sign(scheme.signatureAlgorithm(), key,
        requestMessage(method, pathAndQuery, timestamp, nonce, body));
    return scheme.authorizationType() + " mchid=\"" + mchid + "\",nonce_str=\"" + nonce + "\",signature=\""
        + signature + "\",timestamp=\"" + timestamp + "\",serial_no=\"" + serialNo + "\"";
  }

  /** The parameters of an Authorization header (as the sandbox receives it), with the scheme. */
  public record Authorization(WechatPayScheme scheme, Map<String, String> params) {
    public String get(String name) {
      return params.get(name);
    }
  }

  public static Optional<Authorization> parseAuthorization(String header) {
    if (header == null) {
      return Optional.empty();
    }
    int space = header.indexOf(' ');
    if (space < 0) {
      return Optional.empty();
    }
    Optional<WechatPayScheme> scheme = WechatPayScheme.ofAuthorizationType(header.substring(0, space));
    if (scheme.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> params = new LinkedHashMap<>();
    Matcher m = PARAM.matcher(header.substring(space + 1));
    while (m.find()) {
      params.put(m.group(1), m.group(2));
    }
    return Optional.of(new Authorization(scheme.get(), params));
  }

  public static boolean verify(WechatPayScheme scheme, PublicKey key, byte[] message, String signature) {
    return Crypto.verify(scheme.signatureAlgorithm(), key, message, signature);
  }
}
