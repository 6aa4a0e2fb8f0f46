package cn.liangxian.gateway.privacy;

import cn.liangxian.gateway.db.Database;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Every instance of a deployment reads and writes ID numbers with the same keys. The first instance
 * on a database records check values of its keys; an instance whose keys do not match them refuses
 * to start, since it could neither find nor read what the others stored (nor they what it stores).
 */
public final class SharedKeys {
  static final String CHECK_TEXT = "liangxian id key check v1";

  private SharedKeys() {}

  /** Records this cipher's check values on a new database, else compares them; blocking, at start-up. */
  public static void check(Database db, PersonalDataCipher cipher) {
    byte[] index = cipher.index(CHECK_TEXT);
    try (Connection c = db.connect()) {
      // a database written before the check existed: its first stored number must decrypt with these keys
      try (PreparedStatement st = c.prepareStatement("select p.id_enc from person p"
          + " where not exists (select 1 from id_key_check) limit 1"); ResultSet rs = st.executeQuery()) {
        if (rs.next() && !decryptsAtAll(cipher, rs.getBytes(1))) {
          throw refusal();
        }
      }
      try (PreparedStatement st = c.prepareStatement(
          "insert into id_key_check (index_check, enc_check) values (?, ?) on conflict do nothing")) {
        st.setBytes(1, index);
        st.setBytes(2, cipher.encrypt(CHECK_TEXT));
        st.executeUpdate();
      }
      try (PreparedStatement st = c.prepareStatement("select index_check, enc_check from id_key_check");
          ResultSet rs = st.executeQuery()) {
        rs.next();
        if (!MessageDigest.isEqual(index, rs.getBytes(1)) || !decrypts(cipher, rs.getBytes(2))) {
          throw refusal();
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot check the ID-number keys against the database: " + e.getMessage(), e);
    }
  }

  private static IllegalStateException refusal() {
    return new IllegalStateException("the ID-number keys of this instance differ from those the database was written with:"
        + " give every instance the same GATEWAY_ID_SM4_KEY and GATEWAY_ID_INDEX_KEY (or the same key files),"
        + " never keys generated per instance");
  }

  private static boolean decryptsAtAll(PersonalDataCipher cipher, byte[] stored) {
    try {
      cipher.decrypt(stored);
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  private static boolean decrypts(PersonalDataCipher cipher, byte[] stored) {
    try {
      return CHECK_TEXT.equals(cipher.decrypt(stored));
    } catch (IllegalStateException e) {
      return false;
    }
  }
}
