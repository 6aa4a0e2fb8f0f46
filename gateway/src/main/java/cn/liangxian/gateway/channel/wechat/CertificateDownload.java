package cn.liangxian.gateway.channel.wechat;

import cn.liangxian.channel.Pem;
import cn.liangxian.channel.wechat.ResourceCipher;
import cn.liangxian.channel.wechat.WechatPaySignatures;
import cn.liangxian.gateway.channel.ChannelException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The answer of {@code GET /v3/certificates}, believed only whole: every {@code encrypt_certificate}
 * decrypts (AEAD_AES_256_GCM with the API v3 key, associated data {@code certificate}: only WeChat Pay and
 * the merchant hold that key, so a certificate that decrypts is WeChat Pay's), each certificate's serial
 * number is the one listed, the timestamp is within five minutes, and the answer's signature verifies
 * with the key of its {@code Wechatpay-Serial}: one already trusted, or one of the certificates it
 * carries (the first download, and the moment WeChat Pay starts signing with a new certificate).
 * Blocking (AES, RSA, X.509): run it on a worker.
 */
public final class CertificateDownload {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CertificateDownload() {}

  /** One platform certificate as downloaded. */
  public record Certificate(String serial, String pem, OffsetDateTime effective, OffsetDateTime expires, PublicKey key) {}

  public static List<Certificate> verify(WechatPayClient.SignedAnswer a, byte[] apiV3Key, PlatformKeys trusted, Instant now) {
    if (a.timestamp() == null || a.nonce() == null || a.signature() == null || a.serial() == null) {
      throw refused("the answer lacks its Wechatpay-* signature headers");
    }
    try {
      if (Math.abs(now.getEpochSecond() - Long.parseLong(a.timestamp().trim())) > NotificationVerifier.MAX_SKEW.toSeconds()) {
        throw refused("the answer's timestamp is more than five minutes off");
      }
    } catch (NumberFormatException e) {
      throw refused("the answer's timestamp is not a number");
    }
    List<Certificate> out = new ArrayList<>();
    for (JsonNode d : data(a.body())) {
      out.add(certificate(d, apiV3Key));
    }
    if (out.isEmpty()) {
      throw refused("the answer lists no certificate");
    }
    Optional<PublicKey> key = trusted.get(a.serial())
        .or(() -> out.stream().filter(c -> c.serial().equals(a.serial())).map(Certificate::key).findFirst());
    if (key.isEmpty() || !WechatPaySignatures.verify(cn.liangxian.channel.wechat.WechatPayScheme.RSA, key.get(),
        WechatPaySignatures.responseMessage(a.timestamp(), a.nonce(), a.body()), a.signature())) {
      throw refused("the answer's signature does not verify (serial " + a.serial() + ")");
    }
    return out;
  }

  private static JsonNode data(byte[] body) {
    try {
      JsonNode data = JSON.readTree(body).path("data");
      if (!data.isArray()) {
        throw refused("the answer has no data list");
      }
      return data;
    } catch (IOException e) {
      throw refused("the answer is not JSON");
    }
  }

  private static Certificate certificate(JsonNode d, byte[] apiV3Key) {
    JsonNode enc = d.path("encrypt_certificate");
    if (!"AEAD_AES_256_GCM".equals(enc.path("algorithm").asText())) {
      throw refused("certificate " + d.path("serial_no").asText() + " is encrypted with " + enc.path("algorithm").asText());
    }
    String pem;
    try {
      pem = new String(ResourceCipher.decrypt("AEAD_AES_256_GCM", apiV3Key, enc.path("nonce").asText(),
          enc.path("associated_data").asText(""), enc.path("ciphertext").asText()), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw refused("certificate " + d.path("serial_no").asText() + " does not decrypt with the API v3 key");
    }
    X509Certificate cert;
    try {
      cert = Pem.certificate(pem);
    } catch (IllegalArgumentException e) {
      throw refused("certificate " + d.path("serial_no").asText() + " is not an X.509 certificate");
    }
    String serial = Pem.serial(cert);
    if (!serial.equalsIgnoreCase(d.path("serial_no").asText())) {
      throw refused("certificate listed as " + d.path("serial_no").asText() + " has serial " + serial);
    }
    try {
      return new Certificate(serial, pem, OffsetDateTime.parse(d.path("effective_time").asText()),
          OffsetDateTime.parse(d.path("expire_time").asText()), cert.getPublicKey());
    } catch (java.time.format.DateTimeParseException e) {
      throw refused("certificate " + serial + " has no readable effective_time/expire_time");
    }
  }

  private static ChannelException refused(String why) {
    return new ChannelException("CERTIFICATES_NOT_VERIFIED", why, 200, true);
  }
}
