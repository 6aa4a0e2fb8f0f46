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

  /** As {@link #check(Database, PersonalDataCipher, boolean)} for a process that seals (a gateway's start). */
  public static void check(Database db, PersonalDataCipher cipher) {
    check(db, cipher, true);
  }

  /**
   * Records this cipher's check values on a new database, else compares them; blocking, at start-up. A process that
   * seals is also checked against the others connected ({@link #refuseUnlessKeysAgree}); a tool that only reads is not.
   */
  public static void check(Database db, PersonalDataCipher cipher, boolean seals) {
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
        for (byte[] r : retired(rs.getArray(3))) {
          if (cipher.currentKeyOpens(r, CHECK_TEXT)) {
            throw new IllegalStateException("the SM4 key this instance seals with (GATEWAY_ID_SM4_KEY or id-sm4.key) was"
                + " retired by `gateway keys reseal`: nothing is sealed under it any more, and the other instances may no"
                + " longer hold it; give this instance the deployment's current key");
          }
        }
        if (seals) {
          refuseUnlessKeysAgree(c, cipher);
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

  /**
   * Refused while another instance (or an import) is connected whose keys do not agree with this one's, by the names
   * their connections carry ({@link PersonalDataCipher#sealingName}): one that seals under a key this instance was not
   * given (it could not read what that one writes), or one not given the key this instance seals under (the first step
   * of a change not done there).
   */
  private static void refuseUnlessKeysAgree(Connection c, PersonalDataCipher cipher) throws SQLException {
    java.util.Set<String> mine = new Sealing(cipher.sealingName(), "this process").opens();
    for (Sealing other : sealing(c)) {
      if (!mine.contains(other.sealsUnder())) {
        throw new IllegalStateException("an instance connected (" + other.where() + ") seals under an SM4 key this"
            + " one was not given (GATEWAY_ID_SM4_KEY, GATEWAY_ID_SM4_OLD_KEYS): it could not read what that one"
            + " writes; give every instance the same keys");
      }
      if (!other.opens().contains(cipher.sealingTag())) {
        throw new IllegalStateException("this instance would seal under a new SM4 key (GATEWAY_ID_SM4_KEY) that an"
            + " instance connected (" + other.where() + ") cannot open: give every instance the new key among the"
            + " older ones (GATEWAY_ID_SM4_OLD_KEYS) first, the first step of a change");
      }
    }
  }

  /**
   * A process connected that seals (a gateway's listening connection, a roster import's), by its connection's name
   * ({@link PersonalDataCipher#sealingName}), and where it is: its process id, which pg_terminate_backend takes, and its
   * address where this role may see it.
   */
  record Sealing(String name, String where) {
    /** The tag of the key it seals under. */
    String sealsUnder() {
      return name.substring(PersonalDataCipher.SEALING_NAME.length()).split(" ")[0];
    }

    /** The tags of the keys it opens with (a name without the list: the key it seals under). */
    java.util.Set<String> opens() {
      int at = name.indexOf(" opens:");
      return at < 0 ? java.util.Set.of(sealsUnder())
          : new java.util.HashSet<>(java.util.List.of(name.substring(at + " opens:".length()).split(",")));
    }
  }

  /** The processes connected to this database that seal, as their connections name them. */
  static java.util.List<Sealing> sealing(Connection c) throws SQLException {
    java.util.List<Sealing> out = new java.util.ArrayList<>();
    try (PreparedStatement st = c.prepareStatement("select application_name, 'process ' || pid || coalesce(' at '"
        + " || host(client_addr), '') from pg_stat_activity where datname = current_database() and application_name like ?")) {
      st.setString(1, PersonalDataCipher.SEALING_NAME + "%");
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(new Sealing(rs.getString(1), rs.getString(2)));
        }
      }
    }
    return out;
  }

  /** The check values of the keys a reseal retired (column {@code id_key_check.retired}); none for a null array. */
  static java.util.List<byte[]> retired(java.sql.Array column) throws SQLException {
    java.util.List<byte[]> out = new java.util.ArrayList<>();
    if (column != null) {
      for (Object o : (Object[]) column.getArray()) {
        out.add((byte[]) o);
      }
    }
    return out;
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
