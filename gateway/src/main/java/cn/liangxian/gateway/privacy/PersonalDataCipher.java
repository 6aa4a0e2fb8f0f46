package cn.liangxian.gateway.privacy;

import cn.liangxian.channel.Crypto;
import cn.liangxian.policy.IdNumber;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 *
 * <p>The SM4 key can be changed: what is sealed is sealed under the current key, and opened under it or under any of
 * the older keys given beside it ({@code GATEWAY_ID_SM4_OLD_KEYS}); {@code gateway keys reseal} seals again under the
 * current key what an older one sealed (see {@link KeyRotation}), after which the older keys can go. A tail says which
 * key sealed it by a one-byte tag. The index key (HMAC-SM3) is not changed this way: every blind index would be another.
 */
public final class PersonalDataCipher {
  private static final Logger LOG = LoggerFactory.getLogger(PersonalDataCipher.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] AAD = "person.id_number.v1".getBytes(StandardCharsets.US_ASCII);
  /** What a guardian's phone is sealed for (before it had a purpose of its own, it was sealed as an ID number). */
  public static final String GUARDIAN_PHONE = "person.guardian_phone.v1";

  private static final byte[] TAIL_PURPOSE = "person.id_tail.v1".getBytes(StandardCharsets.US_ASCII);
  /**
   * A sealed tail: the tag of the key that sealed it, a random 12-byte nonce (the counter block's first 12 bytes, its
   * counter 0), then the 4 bytes.
   */
  static final int TAIL_BYTES = 17;
  private static final int TAIL = 4;

  /** An SM4 key: as GCM uses it, and the tails' key derived from it, with the tag a tail names it by. */
  private static final class Sm4Key {
    final SecretKeySpec gcm;
    final byte tag;
    /** SM4 with the tails' key expanded, per thread (an engine keeps its state between the rounds of a block). */
    final ThreadLocal<SM4Engine> tails;

    Sm4Key(byte[] key) {
      if (key.length != 16) {
        throw new IllegalArgumentException("an SM4 key is 16 bytes, not " + key.length);
      }
      gcm = new SecretKeySpec(key, "SM4");
      byte[] derived = tailKey(key);
      SM3Digest sm3 = new SM3Digest();
      sm3.update(derived, 0, derived.length);
      byte[] digest = new byte[sm3.getDigestSize()];
      sm3.doFinal(digest, 0);
      tag = digest[0];
      KeyParameter tailKey = new KeyParameter(derived);
      tails = ThreadLocal.withInitial(() -> {
        SM4Engine e = new SM4Engine();
        e.init(true, tailKey);
        return e;
      });
    }
  }

  /** What is sealed now is sealed under this key. */
  private final Sm4Key current;
  /** Keys what is kept may have been sealed under before: opened with, never sealed with. */
  private final java.util.List<Sm4Key> older;
  private final SecretKeySpec indexKey;
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
    this(sm4Key, java.util.List.of(), hmacKey);
  }

  /** @param olderSm4Keys keys kept data may have been sealed under before {@code sm4Key}: opened with, never sealed with */
  public PersonalDataCipher(byte[] sm4Key, java.util.List<byte[]> olderSm4Keys, byte[] hmacKey) {
    if (sm4Key.length != 16 || hmacKey.length < 32) {
      throw new IllegalArgumentException("the SM4 key must be 16 bytes and the index key at least 32");
    }
    this.current = new Sm4Key(sm4Key);
    java.util.List<Sm4Key> keys = new java.util.ArrayList<>();
    java.util.Set<Byte> tags = new java.util.HashSet<>(java.util.List.of(current.tag));
    for (int i = 0; i < olderSm4Keys.size(); i++) {
      byte[] k = olderSm4Keys.get(i);
      if (Arrays.equals(k, sm4Key) || keys.stream().anyMatch(o -> Arrays.equals(o.gcm.getEncoded(), k))) {
        continue; // the current key listed among the older ones too (a rotation half done): one key
      }
      Sm4Key older = new Sm4Key(k);
      if (!tags.add(older.tag)) {
        // one chance in 256 a pair: a tail could not say which of the two sealed it
        throw new IllegalArgumentException("older SM4 key " + (i + 1) + " has the same one-byte tag as another key given"
            + " (one chance in 256): make whichever of the two is new again (e.g. `openssl rand -base64 16`)");
      }
      keys.add(older);
    }
    if (keys.size() > MAX_OLDER_KEYS) {
      // a connection's name lists every key's tag, and PostgreSQL keeps 63 bytes of it
      throw new IllegalArgumentException(keys.size() + " older SM4 keys given: at most " + MAX_OLDER_KEYS + " (those not"
          + " yet resealed away)");
    }
    this.older = java.util.List.copyOf(keys);
    this.indexKey = new SecretKeySpec(hmacKey, "HmacSM3");
  }

  /**
   * What a connection of a process sealing with this cipher is named in PostgreSQL: the tag of the key it seals under,
   * and those of the keys it opens with (tags only, never a key), e.g. {@code liangxian sealing sm4:3f opens:3f,a0}.
   * The reseal finds an instance still sealing under another key by it, and an instance beginning to seal under a new
   * key one that could not open it.
   */
  public String sealingName() {
    StringBuilder b = new StringBuilder(SEALING_NAME).append(hex(current.tag)).append(" opens:").append(hex(current.tag));
    for (Sm4Key k : older) {
      b.append(',').append(hex(k.tag));
    }
    return b.toString();
  }

  /** The tag of the key this cipher seals under, as {@link #sealingName()} writes it. */
  String sealingTag() {
    return hex(current.tag);
  }

  private static String hex(byte tag) {
    return String.format("%02x", tag & 0xff);
  }

  /** Older keys at most: {@link #sealingName()} with every tag fits in PostgreSQL's 63 bytes of a name. */
  static final int MAX_OLDER_KEYS = 10;

  /** The start of {@link #sealingName()}. */
  public static final String SEALING_NAME = "liangxian sealing sm4:";

  /** How many older SM4 keys this cipher opens with. */
  public int olderKeys() {
    return older.size();
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
    RANDOM.nextBytes(out); // the nonce; the tag before it and the four bytes after it are written below
    out[0] = current.tag;
    byte[] stream = keyStream(current, out);
    for (int i = 0; i < TAIL; i++) {
      out[13 + i] = (byte) (idNumber.charAt(idNumber.length() - TAIL + i) ^ stream[i]);
    }
    return out;
  }

  /** Whether a sealed tail was sealed under the current key (else {@code gateway keys reseal} seals it again). */
  public boolean tailUnderCurrentKey(byte[] tail) {
    return tail != null && tail.length == TAIL_BYTES && tail[0] == current.tag;
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
    Sm4Key key = tail.length == TAIL_BYTES ? tailKeyTagged(tail[0]) : null;
    if (key == null || atRest.length() < TAIL) {
      return maskedAtRest(atRest);
    }
    byte[] stream = keyStream(key, tail);
    char[] out = atRest.toCharArray();
    for (int i = 0; i < TAIL; i++) {
      char c = (char) ((tail[13 + i] ^ stream[i]) & 0xff);
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

  /** The key whose tag a tail names; null for none of this cipher's. */
  private Sm4Key tailKeyTagged(byte tag) {
    if (tag == current.tag) {
      return current;
    }
    for (Sm4Key k : older) {
      if (k.tag == tag) {
        return k;
      }
    }
    return null;
  }

  /** SM4 of the counter block (the nonce, counter 0): the key stream the tail is XORed with. */
  private static byte[] keyStream(Sm4Key key, byte[] sealed) {
    byte[] block = new byte[16];
    System.arraycopy(sealed, 1, block, 0, 12);
    key.tails.get().processBlock(block, 0, block, 0);
    return block;
  }

  /**
   * Keys from {@code GATEWAY_ID_SM4_KEY} / {@code GATEWAY_ID_INDEX_KEY} (Base64), else from files in
   * {@code keyDir}; generated there on first start, with a warning that they are demo keys.
   */
  public static PersonalDataCipher load(Path keyDir, Map<String, String> env) {
    return new PersonalDataCipher(key(keyDir, env, "GATEWAY_ID_SM4_KEY", SM4_KEY_FILE, SM4_KEY_BYTES, true, true),
        olderKeys(keyDir, env), key(keyDir, env, "GATEWAY_ID_INDEX_KEY", INDEX_KEY_FILE, INDEX_KEY_BYTES, false, true));
  }

  private static final String SM4_KEY_FILE = "id-sm4.key";
  private static final String INDEX_KEY_FILE = "id-index.key";
  private static final int SM4_KEY_BYTES = 16;
  private static final int INDEX_KEY_BYTES = 32;

  /** The files a deployment's ID keys are read from in its key directory (the SM4 key, the blind index's key). */
  public static final java.util.List<String> KEY_FILES = java.util.List.of(SM4_KEY_FILE, INDEX_KEY_FILE);

  /**
   * A deployment's own ID keys, made once ({@code gateway keys generate}) and copied to every instance: no demo keys.
   * False where a file of them was there already (written by another process meanwhile).
   */
  public static boolean writeNewKeys(Path dir) throws IOException {
    return writeNewKey(dir.resolve(SM4_KEY_FILE), SM4_KEY_BYTES) && writeNewKey(dir.resolve(INDEX_KEY_FILE), INDEX_KEY_BYTES);
  }

  /**
   * A fresh random key of {@code length} bytes, in Base64, written its owner's only from its first byte, whole or not at
   * all: false, and nothing written, where the file is there already (another process's key is the key).
   */
  private static boolean writeNewKey(Path file, int length) throws IOException {
    byte[] k = new byte[length];
    RANDOM.nextBytes(k);
    return cn.liangxian.gateway.config.SecretFile.writeOwnerOnly(file, Base64.getEncoder().encodeToString(k) + "\n");
  }

  /** Where the older SM4 keys are read from when {@code GATEWAY_ID_SM4_OLD_KEYS} is not set: one key a line. */
  static final String OLD_KEYS_FILE = "id-sm4.old-keys";

  /**
   * The SM4 keys kept data may have been sealed under before the current one: {@code GATEWAY_ID_SM4_OLD_KEYS}
   * (Base64 keys separated by commas or spaces), else the lines of {@link #OLD_KEYS_FILE} in {@code keyDir} (blank
   * lines and lines from {@code #} on left out); none where neither is there.
   */
  static java.util.List<byte[]> olderKeys(Path dir, Map<String, String> env) {
    String v = env.get("GATEWAY_ID_SM4_OLD_KEYS");
    String from = "GATEWAY_ID_SM4_OLD_KEYS";
    if (v == null || v.isBlank()) {
      Path p = dir.resolve(OLD_KEYS_FILE);
      if (!Files.exists(p)) {
        return java.util.List.of();
      }
      try {
        // a byte-order mark an editor put first is not part of a key
        v = Files.readString(p).replace("\uFEFF", "").replaceAll("(?m)#.*$", "");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + p, e);
      }
      from = p.toString();
    }
    java.util.List<byte[]> keys = new java.util.ArrayList<>();
    String[] parts = v.strip().split("[\\s,]+");
    for (int i = 0; i < parts.length; i++) {
      if (!parts[i].isEmpty()) {
        keys.add(decoded(parts[i], from + " (key " + (i + 1) + ")", 16, true));
      }
    }
    return keys;
  }

  /**
   * As {@link #load}, for a tool that reads a deployment's data (it must never make keys of its own): empty where either
   * key is neither in the environment nor in {@code keyDir}.
   */
  public static java.util.Optional<PersonalDataCipher> existing(Path keyDir, Map<String, String> env) {
    byte[] sm4 = key(keyDir, env, "GATEWAY_ID_SM4_KEY", SM4_KEY_FILE, SM4_KEY_BYTES, true, false);
    byte[] index = key(keyDir, env, "GATEWAY_ID_INDEX_KEY", INDEX_KEY_FILE, INDEX_KEY_BYTES, false, false);
    return sm4 == null || index == null ? java.util.Optional.empty()
        : java.util.Optional.of(new PersonalDataCipher(sm4, olderKeys(keyDir, env), index));
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
        // another process's made meanwhile is the key
        writeNewKey(p, length);
        text = Files.readString(p);
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
    return seal(current, plain, aad);
  }

  private static byte[] seal(Sm4Key key, byte[] plain, byte[] aad) {
    try {
      byte[] nonce = new byte[12];
      RANDOM.nextBytes(nonce);
      Cipher c = CIPHERS.get();
      c.init(Cipher.ENCRYPT_MODE, key.gcm, new GCMParameterSpec(128, nonce));
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
    try {
      return open(current, stored, aad);
    } catch (javax.crypto.AEADBadTagException e) {
      for (Sm4Key k : older) {
        try {
          return open(k, stored, aad);
        } catch (javax.crypto.AEADBadTagException ignored) {
          // not this one either
        }
      }
      throw e;
    }
  }

  private static byte[] open(Sm4Key key, byte[] stored, byte[] aad) throws GeneralSecurityException {
    Cipher c = CIPHERS.get();
    c.init(Cipher.DECRYPT_MODE, key.gcm, new GCMParameterSpec(128, stored, 0, 12));
    c.updateAAD(aad);
    return c.doFinal(stored, 12, stored.length - 12);
  }

  /**
   * {@code stored} sealed again under the current key, where an older key sealed it ({@code null} where the current key
   * did: nothing to do); refused where no key of this cipher opens it.
   */
  byte[] resealed(byte[] stored, byte[] aad) throws GeneralSecurityException {
    try {
      open(current, stored, aad);
      return null;
    } catch (javax.crypto.AEADBadTagException e) {
      return seal(open(stored, aad), aad);
    }
  }

  /** Whether the current key (not an older one) opens what was sealed for {@code text}'s check, and it is that text. */
  boolean currentKeyOpens(byte[] stored, String text) {
    try {
      return text.equals(new String(open(current, stored, AAD), StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Whether each older key opens one of {@code sealedChecks} to {@code text}: all of them retired already. */
  boolean olderKeysAmong(java.util.List<byte[]> sealedChecks, String text) {
    for (Sm4Key k : older) {
      boolean found = false;
      for (byte[] r : sealedChecks) {
        try {
          if (text.equals(new String(open(k, r, AAD), StandardCharsets.US_ASCII))) {
            found = true;
            break;
          }
        } catch (GeneralSecurityException e) {
          // another key's
        }
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  /** {@code text} sealed as an ID number under each older key: what the reseal keeps of the keys it retires. */
  java.util.List<byte[]> sealedUnderOlderKeys(String text) {
    java.util.List<byte[]> out = new java.util.ArrayList<>();
    for (Sm4Key k : older) {
      out.add(seal(k, text.getBytes(StandardCharsets.US_ASCII), AAD));
    }
    return out;
  }

  /** As {@link #resealed(byte[], byte[])} for an ID number. */
  byte[] resealedIdNumber(byte[] stored) throws GeneralSecurityException {
    return resealed(stored, AAD);
  }

  /** As {@link #resealed(byte[], byte[])} for what was sealed for {@code purpose}. */
  byte[] resealed(byte[] stored, String purpose) throws GeneralSecurityException {
    return resealed(stored, purpose.getBytes(StandardCharsets.US_ASCII));
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
