package cn.liangxian.channel.unionpay;

import cn.liangxian.channel.Crypto;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** UnionPay's {@code signMethod=01}: SHA256withRSA over the hex SHA-256 of the sorted fields (see the package). */
public final class UnionPaySignatures {
  public static final String VERSION = "5.1.0";
  public static final String SIGN_METHOD_RSA = "01";
  public static final String ALGORITHM = "SHA256withRSA";

  private UnionPaySignatures() {}

  /** Every field but {@code signature}, sorted by name, as {@code k=v&k=v}. */
  public static String content(Map<String, String> fields) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : new TreeMap<>(fields).entrySet()) {
      if (e.getKey().equals("signature")) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(e.getKey()).append('=').append(e.getValue() == null ? "" : e.getValue());
    }
    return sb.toString();
  }

  /** The Base64 {@code signature} of these fields. */
  public static String sign(PrivateKey key, Map<String, String> fields) {
    return Crypto.sign(ALGORITHM, key, digestHex(content(fields)));
  }

  /** False for a missing, malformed or wrong signature: never an exception. */
  public static boolean verify(PublicKey key, Map<String, String> fields) {
    String sig = fields.get("signature");
    return sig != null && Crypto.verify(ALGORITHM, key, digestHex(content(fields)), sig);
  }

  /** The {@code certId} of a certificate: its serial number in decimal. */
  public static String certId(X509Certificate certificate) {
    BigInteger serial = certificate.getSerialNumber();
    return serial.toString(10);
  }

  private static byte[] digestHex(String content) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d).getBytes(StandardCharsets.US_ASCII);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
