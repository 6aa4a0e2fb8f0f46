package cn.liangxian.gateway.privacy;

import cn.liangxian.gateway.db.Database;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code gateway keys reseal}: what an older SM4 key sealed, sealed again under the current one, so that the older keys
 * can be taken away. A key is changed in three steps, every instance given the same keys at each:
 * <ol>
 *   <li>the new key among the older ones ({@code GATEWAY_ID_SM4_OLD_KEYS}), the current one still current: every
 *       instance opens what the new key will seal;
 *   <li>the new key current, the old one among the older ones: what is sealed from now on is sealed under the new key;
 *   <li>{@code gateway keys reseal}, then the old key taken away (kept with the backups taken before, which need it).
 * </ol>
 * It reads every person (ID number, masked number's tail, guardian's phone), every kept notification of the channels
 * and the deployment's key check, a thousand rows a transaction, and writes only what an older key sealed: run again,
 * it finds nothing. Roster imports wait for each of its transactions (they lock persons and households in the other
 * order). Blocking: a command's, never a loop's.
 */
public final class KeyRotation {
  static final int BATCH = 1000;

  private KeyRotation() {}

  /** What was sealed again, and what no key given opens (left as it is, and said). */
  public record Resealed(long idNumbers, long tails, long guardianPhones, long callbackBodies, long unopened) {
    public long total() {
      return idNumbers + tails + guardianPhones + callbackBodies;
    }
  }

  public static Resealed reseal(Database db, PersonalDataCipher cipher) throws SQLException {
    long[] n = new long[5];
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      refuseTheFirstStep(c, cipher);
      refuseWhileOthersSealUnderAnotherKey(c, cipher);
      callbacks(c, cipher, n);
      // the persons last: their last batch and the retiring are one transaction, which roster imports wait for, so that
      // none adds persons after the last batch was read and before the older keys are retired
      persons(c, cipher, n);
    }
    return new Resealed(n[0], n[1], n[2], n[3], n[4]);
  }

  private static void persons(Connection c, PersonalDataCipher cipher, long[] n) throws SQLException {
    long last = 0;
    while (true) {
      int read = 0;
      try (Statement lock = c.createStatement()) {
        lock.execute(cn.liangxian.gateway.roster.ClearIdTails.WAIT_FOR_IMPORTS);
      }
      List<Long> ids = new ArrayList<>();
      List<byte[]> encs = new ArrayList<>();
      List<String> masks = new ArrayList<>();
      List<byte[]> tails = new ArrayList<>();
      List<byte[]> phones = new ArrayList<>();
      // no key update: the orders' references to these persons (their foreign keys) are not held up
      try (PreparedStatement sel = c.prepareStatement("select id, id_enc, id_masked, id_tail, guardian_phone_enc from person"
          + " where id > ? order by id limit " + BATCH + " for no key update")) {
        sel.setLong(1, last);
        try (ResultSet rs = sel.executeQuery()) {
          while (rs.next()) {
            read++;
            last = rs.getLong(1);
            byte[] enc = rs.getBytes(2);
            String mask = rs.getString(3);
            byte[] tail = rs.getBytes(4);
            byte[] phone = rs.getBytes(5);
            String id;
            byte[] newEnc;
            try {
              id = cipher.decrypt(enc);
              newEnc = cipher.resealedIdNumber(enc);
            } catch (IllegalStateException | GeneralSecurityException e) {
              n[4]++;
              continue;
            }
            boolean changed = newEnc != null;
            n[0] += newEnc != null ? 1 : 0;
            if (!cipher.tailUnderCurrentKey(tail)) {
              // under an older key, or still in clear in the mask: sealed from the number itself
              tail = cipher.sealTail(id);
              mask = PersonalDataCipher.maskedAtRest(mask);
              changed = true;
              n[1]++;
            }
            if (phone != null) {
              byte[] newPhone = resealedPhone(cipher, phone);
              if (newPhone == null && !opensAsPhone(cipher, phone)) {
                n[4]++;
              } else if (newPhone != null) {
                phone = newPhone;
                changed = true;
                n[2]++;
              }
            }
            if (changed) {
              ids.add(last);
              encs.add(newEnc != null ? newEnc : enc);
              masks.add(mask);
              tails.add(tail);
              phones.add(phone);
            }
          }
        }
      }
      if (!ids.isEmpty()) {
        // one statement a batch: the households it touches are bumped once each, not once a member
        try (PreparedStatement upd = c.prepareStatement("update person p set id_enc = v.enc, id_masked = v.masked,"
            + " id_tail = v.tail, guardian_phone_enc = v.phone from unnest(?::bigint[], ?::bytea[], ?::text[], ?::bytea[],"
            + " ?::bytea[]) as v(id, enc, masked, tail, phone) where p.id = v.id")) {
          upd.setArray(1, c.createArrayOf("bigint", ids.toArray(new Long[0])));
          upd.setArray(2, c.createArrayOf("bytea", encs.toArray(new byte[0][])));
          upd.setArray(3, c.createArrayOf("text", masks.toArray(new String[0])));
          upd.setArray(4, c.createArrayOf("bytea", tails.toArray(new byte[0][])));
          upd.setArray(5, c.createArrayOf("bytea", phones.toArray(new byte[0][])));
          upd.executeUpdate();
        }
      }
      if (read < BATCH) {
        retire(c, cipher);
        c.commit();
        return;
      }
      c.commit();
    }
  }

  /**
   * The check value under the current key, and the keys retired kept by theirs: an instance that still seals with one
   * of them is refused at its start (SharedKeys).
   */
  private static void retire(Connection c, PersonalDataCipher cipher) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("update id_key_check set enc_check = ?,"
        + " retired = coalesce(retired, '{}') || ?::bytea[]")) {
      st.setBytes(1, cipher.encrypt(SharedKeys.CHECK_TEXT));
      st.setArray(2, c.createArrayOf("bytea", cipher.sealedUnderOlderKeys(SharedKeys.CHECK_TEXT).toArray(new byte[0][])));
      st.executeUpdate();
    }
  }

  /**
   * Refused at the first step of a change (the new key among the older ones, the database's check value still under
   * the current key): the reseal would retire the new key. Once a change is done, run again with the same keys, it is
   * not refused: the older keys are those it retired.
   */
  private static void refuseTheFirstStep(Connection c, PersonalDataCipher cipher) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select enc_check, retired from id_key_check")) {
      if (!rs.next()) {
        return;
      }
      if (cipher.currentKeyOpens(rs.getBytes(1), SharedKeys.CHECK_TEXT)
          && !cipher.olderKeysAmong(SharedKeys.retired(rs.getArray(2)), SharedKeys.CHECK_TEXT)) {
        throw new IllegalStateException("keys reseal refused: the database is already under the current key"
            + " (GATEWAY_ID_SM4_KEY), and an older key given (GATEWAY_ID_SM4_OLD_KEYS) was never retired: that is the first"
            + " step of a change, and the reseal would retire the new key. Make the new key current on every instance (the"
            + " old one among the older), then run it");
      }
    } finally {
      c.rollback();
    }
  }

  /**
   * Refused while a gateway instance or a roster import is connected that seals under another key (each names its
   * connection by its key's tag, {@link PersonalDataCipher#sealingName}): what it sealed after the reseal passed would
   * be left under a key about to go.
   */
  private static void refuseWhileOthersSealUnderAnotherKey(Connection c, PersonalDataCipher cipher) throws SQLException {
    try {
      List<String> others = SharedKeys.sealing(c).stream().filter(s -> !s.sealsUnder().equals(cipher.sealingTag()))
          .map(SharedKeys.Sealing::where).toList();
      if (!others.isEmpty()) {
        throw new IllegalStateException("keys reseal refused: " + others.size() + " connection(s) (" + String.join(", ", others)
            + ") seal under another SM4 key than this one: a gateway instance (or a roster import) not yet given the new"
            + " key as its current one. Finish step 2 on every instance, then run it");
      }
    } finally {
      c.rollback();
    }
  }

  /**
   * A guardian's phone sealed again under the current key for its purpose, where an older key sealed it or it was
   * sealed as an ID number (before it had a purpose); null where nothing is to do, or where no key opens it.
   */
  private static byte[] resealedPhone(PersonalDataCipher cipher, byte[] phone) {
    try {
      return cipher.resealed(phone, PersonalDataCipher.GUARDIAN_PHONE);
    } catch (GeneralSecurityException e) {
      try {
        return cipher.seal(cipher.decrypt(phone).getBytes(StandardCharsets.UTF_8), PersonalDataCipher.GUARDIAN_PHONE);
      } catch (IllegalStateException none) {
        return null;
      }
    }
  }

  private static boolean opensAsPhone(PersonalDataCipher cipher, byte[] phone) {
    try {
      cipher.open(phone, PersonalDataCipher.GUARDIAN_PHONE);
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static void callbacks(Connection c, PersonalDataCipher cipher, long[] n) throws SQLException {
    long last = 0;
    while (true) {
      int read = 0;
      try (PreparedStatement sel = c.prepareStatement("select id, body from callback_log where sealed and id > ?"
              + " order by id limit " + BATCH + " for no key update");
          PreparedStatement upd = c.prepareStatement("update callback_log set body = ? where id = ?")) {
        sel.setLong(1, last);
        try (ResultSet rs = sel.executeQuery()) {
          while (rs.next()) {
            read++;
            last = rs.getLong(1);
            try {
              byte[] body = cipher.resealed(rs.getBytes(2), cn.liangxian.gateway.payment.CallbackLog.PURPOSE);
              if (body != null) {
                upd.setBytes(1, body);
                upd.setLong(2, last);
                upd.addBatch();
                n[3]++;
              }
            } catch (GeneralSecurityException e) {
              n[4]++;
            }
          }
        }
        upd.executeBatch();
      }
      c.commit();
      if (read < BATCH) {
        return;
      }
    }
  }
}
