package cn.liangxian.gateway.handoff;

import cn.liangxian.gateway.db.Database;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * Every instance of a deployment signs for the agencies and opens what they send with the same hand-off key, since the
 * agencies trust one. The first instance on a database records the SHA-256 of its key's public half; an instance whose key
 * is another refuses to start, unless it is told which key its own replaces ({@code GATEWAY_HANDOFF_KEY_REPLACES}: the
 * recorded one's SHA-256, or its first 16 hex digits), which is how the deployment's key is changed.
 */
public final class HandoffKeyCheck {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HandoffKeyCheck.class);

  private HandoffKeyCheck() {}

  /** The SHA-256, in hex, of a public key. */
  public static String fingerprint(java.security.PublicKey key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Records this instance's key on a new database, else compares it; blocking, at start-up. A key this start generated
   * ({@link ExchangeKeys#made}) is not recorded where records were handed off already: the deployment has a key, and this
   * instance was not given it.
   */
  public static void check(Database db, ExchangeKeys keys, String replaces) {
    String mine = fingerprint(keys.publicKey());
    boolean madeNow = keys.made();
    try (Connection c = db.connect()) {
      if (madeNow) {
        try (PreparedStatement st = c.prepareStatement("select not exists (select 1 from handoff_key_check)"
            + " and exists (select 1 from handoff_record where state <> 'PENDING')"); ResultSet rs = st.executeQuery()) {
          rs.next();
          if (rs.getBoolean(1)) {
            throw new IllegalStateException("this instance made itself a new hand-off key at this start, but records were"
                + " handed off from this database under the deployment's key: give it the deployment's handoff-key.pem in"
                + " its key folder");
          }
        }
      }
      try (PreparedStatement st = c.prepareStatement(
          "insert into handoff_key_check (public_key_sha256) values (?) on conflict do nothing")) {
        st.setString(1, mine);
        st.executeUpdate();
      }
      String recorded;
      try (PreparedStatement st = c.prepareStatement("select public_key_sha256 from handoff_key_check");
          ResultSet rs = st.executeQuery()) {
        rs.next();
        recorded = rs.getString(1);
      }
      if (recorded.equals(mine)) {
        return;
      }
      String given = replaces == null ? "" : replaces.strip().toLowerCase(java.util.Locale.ROOT);
      if (given.length() >= 16 && recorded.startsWith(given)) {
        try (PreparedStatement st = c.prepareStatement("update handoff_key_check set public_key_sha256 = ?, recorded_at = now()"
            + " where public_key_sha256 = ?")) {
          st.setString(1, mine);
          st.setString(2, recorded);
          st.executeUpdate();
        }
        LOG.warn("the deployment's hand-off key is now this instance's (public half SHA-256 {}), in place of {}: the agencies"
            + " must trust its public half, and every other instance must be given it", mine.substring(0, 16),
            recorded.substring(0, 16));
        return;
      }
      throw new IllegalStateException("this instance's hand-off key (public half SHA-256 " + mine.substring(0, 16) + ") is not"
          + " the one the deployment signs with (" + recorded.substring(0, 16) + "): the agencies trust one key, so give every"
          + " instance the same handoff-key.pem in its key folder; to change the deployment's key, start the first instance with"
          + " the new one and GATEWAY_HANDOFF_KEY_REPLACES=" + recorded.substring(0, 16));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot check the hand-off key against the database: " + e.getMessage(), e);
    }
  }
}
