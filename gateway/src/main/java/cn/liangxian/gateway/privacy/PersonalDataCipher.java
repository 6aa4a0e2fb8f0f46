package cn.liangxian.gateway.privacy;

import cn.liangxian.channel.Crypto;
import cn.liangxian.policy.IdNumber;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ID numbers at rest: encrypted with SM4-GCM (random 96-bit nonce, stored before the ciphertext and
 * its tag), and found again through a keyed blind index, HMAC-SM3 of the normalised number, so that
 * lookup never needs to decrypt. Other personal data at rest (guardians' phones, the payment channels'
 * notifications) is sealed under the same key, each bound to its purpose. Thread-safe.
 *
 * <p>What is kept in clear beside the number (the birth date and sex an assessment reads, the region of the village)
 * spells out its first fourteen characters; the last four (the sequence, whose last digit is the sex, and the check
 * digit) would give back the whole number. So the masked form shown to residents and operators is kept in two parts:
 * its clear part with the tail starred ({@link #maskedAtRest}), and the tail sealed ({@link #sealTail}), opened where a
 * masked number is shown ({@link #masked}). The tail is sealed with SM4 in counter mode under a key of its own, derived
 * from the ID key: one block per member, cheap enough for every lookup, where SM4-GCM's set-up would not be.
 */
public final class PersonalDataCipher {
  private static final Logger LOG = LoggerFactory.getLogger(PersonalDataCipher.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] AAD = "person.id_number.v1".getBytes(StandardCharsets.US_ASCII);

  private static final byte[] TAIL_PURPOSE = "person.id_tail.v1".getBytes(StandardCharsets.US_ASCII);
  /** A sealed tail: a random 12-byte nonce (the counter block's first 12 bytes, its counter 0), then the 4 bytes. */
  static final int TAIL_BYTES = 16;
  private static final int TAIL = 4;

  private final SecretKeySpec encryptionKey;
  private final SecretKeySpec indexKey;
  /** SM4 with the tails' key expanded, per thread (an engine keeps its state between the rounds of a block). */
  private final ThreadLocal<SM4Engine> tailEngines;
  /** A Mac per thread for this key (a Mac is not thread-safe, and making one per call is slow). */
  private final ThreadLocal<Mac> macs = new ThreadLocal<>();
  /** Likewise a Cipher per thread: looking one up at every call costs more than the decryption. */
  private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
    try {
      return Cipher.getInstance("SM4/GCM/NoPadding", Crypto.BC);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SM4-GCM unavailable", e);
    }
  });

  public PersonalDataCipher(byte[] sm4Key, byte[] hmacKey) {
    if (sm4Key.length != 16 || hmacKey.length < 32) {
      throw new IllegalArgumentException("the SM4 key must be 16 bytes and the index key at least 32");
    }
    this.encryptionKey = new SecretKeySpec(sm4Key, "SM4");
    this.indexKey = new SecretKeySpec(hmacKey, "HmacSM3");
    KeyParameter tailKey = new KeyParameter(tailKey(sm4Key));
    this.tailEngines = ThreadLocal.withInitial(() -> {
      SM4Engine e = new SM4Engine();
      e.init(true, tailKey);
      return e;
    });
  }

  /** The tails' key: HMAC-SM3 of their purpose under the ID key, its first 16 bytes (never the ID key itself in CTR). */
  private static byte[] tailKey(byte[] sm4Key) {
    HMac mac = new HMac(new SM3Digest());
    mac.init(new KeyParameter(sm4Key));
    mac.update(TAIL_PURPOSE, 0, TAIL_PURPOSE.length);
    byte[] out = new byte[mac.getMacSize()];
    mac.doFinal(out, 0);
    return Arrays.copyOf(out, 16);
  }

  /** The masked form kept in clear: {@link IdNumber#masked()}'s, its last four characters starred too. */
  public static String maskedAtRest(String masked) {
    return masked.length() < TAIL ? "****" : masked.substring(0, masked.length() - TAIL) + "****";
  }

  /** The last four characters of an ID number, sealed for the column beside {@link #maskedAtRest}. */
  public byte[] sealTail(String idNumber) {
    byte[] out = new byte[TAIL_BYTES];
    RANDOM.nextBytes(out); // the nonce; its last four bytes are overwritten below
    byte[] stream = keyStream(out);
    for (int i = 0; i < TAIL; i++) {
      out[12 + i] = (byte) (idNumber.charAt(idNumber.length() - TAIL + i) ^ stream[i]);
    }
    return out;
  }

  /**
   * The masked number to show: the clear part kept at rest with its tail opened; as kept where there is no sealed tail
   * (a row an earlier version wrote, until the sweep seals it); the tail starred where it does not open to what an ID
   * number ends in (a changed byte, another key).
   */
  public String masked(String atRest, byte[] tail) {
    if (tail == null) {
      return atRest;
    }
    if (tail.length != TAIL_BYTES || atRest.length() < TAIL) {
      return maskedAtRest(atRest);
    }
    byte[] stream = keyStream(tail);
    char[] out = atRest.toCharArray();
    for (int i = 0; i < TAIL; i++) {
      char c = (char) ((tail[12 + i] ^ stream[i]) & 0xff);
      if (!(c >= '0' && c <= '9' || i == TAIL - 1 && c == 'X')) {
        return maskedAtRest(atRest);
      }
      out[out.length - TAIL + i] = c;
    }
    return new String(out);
  }

  /** As {@link #masked(String, byte[])}, the tail as a row of the reactive client reads it. */
  public String masked(String atRest, io.vertx.core.buffer.Buffer tail) {
    return masked(atRest, tail == null ? null : tail.getBytes());
  }

  /** SM4 of the counter block (the nonce, counter 0): the key stream the tail is XORed with. */
  private byte[] keyStream(byte[] sealed) {
    byte[] block = new byte[16];
    System.arraycopy(sealed, 0, block, 0, 12);
    tailEngines.get().processBlock(block, 0, block, 0);
    return block;
  }

  /**
   * Keys from {@code GATEWAY_ID_SM4_KEY} / {@code GATEWAY_ID_INDEX_KEY} (Base64), else from files in
   * {@code keyDir}; generated there on first start, with a warning that they are demo keys.
   */
  public static PersonalDataCipher load(Path keyDir, Map<String, String> env) {
    return new PersonalDataCipher(key(keyDir, env, "GATEWAY_ID_SM4_KEY", "id-sm4.key", 16, true, true),
        key(keyDir, env, "GATEWAY_ID_INDEX_KEY", "id-index.key", 32, false, true));
  }

  /**
   * As {@link #load}, for a tool that reads a deployment's data (it must never make keys of its own): empty where either
   * key is neither in the environment nor in {@code keyDir}.
   */
  public static java.util.Optional<PersonalDataCipher> existing(Path keyDir, Map<String, String> env) {
    byte[] sm4 = key(keyDir, env, "GATEWAY_ID_SM4_KEY", "id-sm4.key", 16, true, false);
    byte[] index = key(keyDir, env, "GATEWAY_ID_INDEX_KEY", "id-index.key", 32, false, false);
    return sm4 == null || index == null ? java.util.Optional.empty() : java.util.Optional.of(new PersonalDataCipher(sm4, index));
  }

  /** Beside a key file the gateway generated, the digest of that key: a demo key, said at every start that reads it. */
  static final String DEMO_MARK = ".demo";

  /** The SHA-256 of a key file's text, in hex: what the demo mark holds, never the key. */
  private static String digest(String keyText) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(keyText.strip().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * @param exact the key is {@code length} bytes exactly (SM4), else at least (the index's HMAC)
   * @param generate make a demo key where there is none; else null for none
   */
  private static byte[] key(Path dir, Map<String, String> env, String var, String file, int length, boolean exact,
      boolean generate) {
    String v = env.get(var);
    if (v != null && !v.isBlank()) {
      return decoded(v, var, length, exact);
    }
    Path p = dir.resolve(file);
    if (!generate && !Files.exists(p)) {
      return null;
    }
    try {
      Path mark = dir.resolve(file + DEMO_MARK);
      String text;
      if (!Files.exists(p)) {
        Files.createDirectories(dir);
        byte[] k = new byte[length];
        RANDOM.nextBytes(k);
        text = Base64.getEncoder().encodeToString(k) + "\n";
        Files.writeString(p, text);
        try {
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
          // not a POSIX file system
        }
        LOG.warn("generated a DEMO key {}: for real data provide {} or your own key file", p, var);
        // remembered beside it, by its digest: every later start says so too while the file holds that key (a key of
        // the operator's own put in its place later is no demo key, whatever is left beside it)
        Files.writeString(mark, digest(text) + "\n");
      } else {
        text = Files.readString(p);
        if (Files.exists(mark) && Files.readString(mark).strip().equals(digest(text))) {
          LOG.warn("the ID key {} is a DEMO key the gateway generated on its first start: real residents' data needs a key"
              + " of your own ({} or your own key file)", p, var);
        }
      }
      return decoded(text, p.toString(), length, exact);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create key " + p, e);
    }
  }

  /**
   * A key in Base64 of {@code length} bytes ({@code exact}ly, or at least), else refused naming where it came from,
   * never the key.
   */
  private static byte[] decoded(String base64, String from, int length, boolean exact) {
    byte[] k;
    try {
      k = Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(from + " is not Base64 (a key of " + length + " random bytes, e.g. from"
          + " `openssl rand -base64 " + length + "`)");
    }
    if (exact ? k.length != length : k.length < length) {
      throw new IllegalArgumentException(from + " holds " + k.length + " bytes; the key is " + (exact ? "" : "at least ")
          + length + " random bytes in Base64"
          + " (e.g. from `openssl rand -base64 " + length + "`)");
    }
    return k;
  }

  public byte[] encrypt(String idNumber) {
    return seal(idNumber.getBytes(StandardCharsets.US_ASCII), AAD);
  }

  public String decrypt(byte[] stored) {
    try {
      return new String(open(stored, AAD), StandardCharsets.US_ASCII);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("stored ID number does not decrypt with this key", e);
    }
  }

  /**
   * Other personal data at rest under the same key: {@code plain} sealed with SM4-GCM as ID numbers are (nonce, then
   * ciphertext and tag), bound to {@code purpose} (e.g. {@code callback_log.body.v1}), so that a value sealed for one
   * column never opens as another's.
   */
  public byte[] seal(byte[] plain, String purpose) {
    return seal(plain, purpose.getBytes(StandardCharsets.US_ASCII));
  }

  /** What {@link #seal(byte[], String)} sealed for {@code purpose}; refused for another key, purpose or a changed byte. */
  public byte[] open(byte[] stored, String purpose) throws GeneralSecurityException {
    return open(stored, purpose.getBytes(StandardCharsets.US_ASCII));
  }

  private byte[] seal(byte[] plain, byte[] aad) {
    try {
      byte[] nonce = new byte[12];
      RANDOM.nextBytes(nonce);
      Cipher c = CIPHERS.get();
      c.init(Cipher.ENCRYPT_MODE, encryptionKey, new GCMParameterSpec(128, nonce));
      c.updateAAD(aad);
      byte[] ct = c.doFinal(plain);
      return ByteBuffer.allocate(nonce.length + ct.length).put(nonce).put(ct).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SM4-GCM unavailable", e);
    }
  }

  private byte[] open(byte[] stored, byte[] aad) throws GeneralSecurityException {
    if (stored.length < 12 + 16) {
      throw new javax.crypto.AEADBadTagException("too short to be sealed: " + stored.length + " bytes");
    }
    Cipher c = CIPHERS.get();
    c.init(Cipher.DECRYPT_MODE, encryptionKey, new GCMParameterSpec(128, stored, 0, 12));
    c.updateAAD(aad);
    return c.doFinal(stored, 12, stored.length - 12);
  }

  /** The blind index of a normalised 18-character ID number. */
  public byte[] index(String idNumber) {
    try {
      Mac mac = macs.get();
      if (mac == null) {
        mac = Mac.getInstance("HmacSM3", Crypto.BC);
        mac.init(indexKey);
        macs.set(mac);
      }
      return mac.doFinal(idNumber.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SM3 unavailable", e);
    }
  }
}
