package cn.liangxian.channel.wechat;

import cn.liangxian.channel.Crypto;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The encrypted {@code resource} of notifications (and platform certificates): AEAD_AES_256_GCM or
 * AEAD_SM4_GCM with the merchant's API v3 key (for SM4: the first 128 bits of its SM3 digest), the
 * resource's nonce and associated data; the
 * ciphertext is Base64 of the encrypted bytes followed by the 16-byte tag.
 */
public final class ResourceCipher {
  private static final int TAG_BITS = 128;

  private ResourceCipher() {}

  /** @throws GeneralSecurityException when the key, nonce, associated data or ciphertext do not match */
  public static byte[] decrypt(String algorithm, byte[] apiV3Key, String nonce, String associatedData, String ciphertext)
      throws GeneralSecurityException {
    Cipher c = cipher(algorithm, Cipher.DECRYPT_MODE, apiV3Key, nonce);
    if (associatedData != null && !associatedData.isEmpty()) {
      c.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
    }
    byte[] data;
    try {
      data = Base64.getDecoder().decode(ciphertext);
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException("ciphertext is not Base64");
    }
    return c.doFinal(data);
  }

  /** What the channel does before sending; used by the sandbox. */
  public static String encrypt(String algorithm, byte[] apiV3Key, String nonce, String associatedData, byte[] plaintext)
      throws GeneralSecurityException {
    Cipher c = cipher(algorithm, Cipher.ENCRYPT_MODE, apiV3Key, nonce);
    if (associatedData != null && !associatedData.isEmpty()) {
      c.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
    }
    return Base64.getEncoder().encodeToString(c.doFinal(plaintext));
  }

  private static Cipher cipher(String algorithm, int mode, byte[] key, String nonce) throws GeneralSecurityException {
    if (nonce == null || nonce.isEmpty()) {
      throw new GeneralSecurityException("resource nonce is missing");
    }
    GCMParameterSpec spec = new GCMParameterSpec(TAG_BITS, nonce.getBytes(StandardCharsets.UTF_8));
    return switch (algorithm) {
      case "AEAD_AES_256_GCM" -> {
        if (key.length != 32) {
          throw new GeneralSecurityException("the API v3 key must be 32 bytes");
        }
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, new SecretKeySpec(key, "AES"), spec);
        yield c;
      }
      case "AEAD_SM4_GCM" -> {
        // SM4 takes a 128-bit key: WeChat Pay derives it as the first 16 bytes of SM3(API v3 key).
        byte[] k = java.util.Arrays.copyOf(java.security.MessageDigest.getInstance("SM3", Crypto.BC).digest(key), 16);
        Cipher c = Cipher.getInstance("SM4/GCM/NoPadding", Crypto.BC);
        c.init(mode, new SecretKeySpec(k, "SM4"), spec);
        yield c;
      }
      default -> throw new GeneralSecurityException("unsupported resource algorithm " + algorithm);
    };
  }
}
