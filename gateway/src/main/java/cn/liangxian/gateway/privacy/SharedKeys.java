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
 * to start, since it could neither find nor read what the others stored (nor they what it stores). While the SM4 key
 * is changed, the check value may be under an older key the instance was given ({@code GATEWAY_ID_SM4_OLD_KEYS}); once
 * {@code gateway keys reseal} has moved everything to the new key, an instance whose current key is one it retired is
 * refused too.
 */
public final class SharedKeys {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SharedKeys.class);
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
      try (PreparedStatement st = c.prepareStatement("select index_check, enc_check, retired from id_key_check");
          ResultSet rs = st.executeQuery()) {
        rs.next();
        if (!MessageDigest.isEqual(index, rs.getBytes(1)) || !decrypts(cipher, rs.getBytes(2))) {
          throw refusal();
        }
        java.sql.Array retired = rs.getArray(3);
        if (retired != null) {
          for (Object r : (Object[]) retired.getArray()) {
            if (cipher.currentKeyOpens((byte[]) r, CHECK_TEXT)) {
              throw new IllegalStateException("the SM4 key this instance seals with (GATEWAY_ID_SM4_KEY or id-sm4.key) was"
                  + " retired by `gateway keys reseal`: nothing is sealed under it any more, and the other instances may no"
                  + " longer hold it; give this instance the deployment's current key");
            }
          }
        }
        if (!cipher.currentKeyOpens(rs.getBytes(2), CHECK_TEXT)) {
          LOG.info("this instance seals with a new SM4 key, the database's check value is under an older one it was given:"
              + " once every instance has the new key, `gateway keys reseal` seals the rest again under it");
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot check the ID-number keys against the database: " + e.getMessage(), e);
    }
  }

  private static IllegalStateException refusal() {
    return new IllegalStateException("the ID-number keys of this instance differ from those the database was written with:"
        + " give every instance the same GATEWAY_ID_SM4_KEY, GATEWAY_ID_SM4_OLD_KEYS and GATEWAY_ID_INDEX_KEY (or the same"
        + " key files), never keys generated per instance");
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
