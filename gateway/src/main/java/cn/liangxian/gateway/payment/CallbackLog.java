package cn.liangxian.gateway.payment;

import cn.liangxian.gateway.http.RateLimiter;
import cn.liangxian.gateway.http.SharedRateLimiter;
import cn.liangxian.gateway.db.Database;
import cn.liangxian.gateway.privacy.PersonalDataCipher;
import cn.liangxian.gateway.time.BeijingTime;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every callback as it came, with what it did: for audit and disputes. A verified one keeps its raw
 * body (what the signature covers); a refused one keeps a bounded digest, so that anonymous posts cannot
 * fill the disk. Rows are kept for a retention period, refused ones for a short one.
 *
 * <p>A verified callback whose body repeats one already kept for its channel (the same SHA-256) is not kept
 * again: it is counted on the kept row ({@code repeats}, {@code last_seen_at}), in one statement that every
 * gateway instance sharing the database agrees on (a unique index on the channel and digest of verified rows).
 * Such a repeat is either the channel's own re-delivery (WeChat Pay, Alipay and UnionPay all send the same
 * notification again until they are answered, WeChat Pay even twice at once over another link) or a replay of a
 * genuine notification by whoever holds one. Both are answered as the first was, and neither may grow the
 * log: a verified row exists only once per body the channel signed, so storage is bounded by what the channels
 * sent, not by how often anyone posts it, and no per-address limit is needed for verified callbacks (refused
 * ones have no signature to bound them, hence {@code refusedPerAddress}). The kept row keeps the first
 * delivery's headers, which with its body still verify; its outcome is the first one's, unless that was
 * {@code duplicate} and a repeat's says more (two deliveries applied at once: the one that booked the payment
 * may be logged second).
 *
 * <p>A body is kept sealed ({@link #PURPOSE}, under the personal-data key): what a channel says names the payer
 * (Alipay's {@code buyer_id} and {@code buyer_logon_id}, UnionPay's {@code accNo}). The digest that finds repeats is of
 * the body as it came. {@code gateway callback show <id>} opens one for a dispute; rows kept in clear by an earlier
 * version are sealed by the sweep ({@link #sealClear()}).
 */
public final class CallbackLog {
  private static final Logger LOG = LoggerFactory.getLogger(CallbackLog.class);
  /** What a refused callback keeps of its body. */
  static final int REFUSED_PREFIX_BYTES = 1024;
  static final Duration VERIFIED_RETENTION = Duration.ofDays(400);
  static final Duration REFUSED_RETENTION = Duration.ofDays(7);
  /** What a body is sealed for: it opens as nothing else, and nothing else opens as it. */
  public static final String PURPOSE = "callback_log.body.v1";
  /** Rows an earlier version kept in clear, sealed this many at a sweep. */
  static final int SEAL_BATCH = 200;
  /** Inserts a callback, or counts a verified one on the row that already keeps its body. */
  static final String INSERT = "insert into callback_log (channel, verified, outcome, order_id, headers, body, body_bytes, body_sha256,"
      + " received_at, repeats, last_seen_at, sealed) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $9, true)"
      + " on conflict (channel, body_sha256) where verified and repeats is not null do update set"
      + " repeats = callback_log.repeats + 1, last_seen_at = greatest(callback_log.last_seen_at, excluded.last_seen_at),"
      // the row says what the notification did: paid, once any delivery of it booked the payment (the one that did may be
      // logged after a duplicate, or after one refused while its order was not yet there)
      + " outcome = case when excluded.outcome = 'paid' or callback_log.outcome = 'duplicate' then excluded.outcome"
      + " else callback_log.outcome end";
  static final String PRUNE = "delete from callback_log where id in (select id from callback_log where"
      + " (received_at < $1 and not verified) or received_at < $2 limit 1000)";

  static final String CLEAR = "select id, body from callback_log where not sealed order by id limit $1";
  static final String SEAL = "update callback_log set body = $2, sealed = true where id = $1 and not sealed";

  /** Every statement above, prepared on each connection when it opens. */
  public static final List<String> STATEMENTS = List.of(INSERT, PRUNE, CLEAR, SEAL);

  private final Vertx vertx;
  private final PersonalDataCipher cipher;
  private final Pool pool;
  private final Clock clock;
  private final RateLimiter refusedPerAddress;
  private final SharedRateLimiter refusedForTheDeployment;

  /**
   * How many refused callbacks an address may have kept (a flood keeps no more): {@code refusedPerAddress} in this
   * process, a first filter, then {@code refusedForTheDeployment} in the database, the same limit for every instance
   * together (N instances would otherwise keep N times as many).
   */
  public CallbackLog(Vertx vertx, PersonalDataCipher cipher, Pool pool, Clock clock, RateLimiter refusedPerAddress,
      SharedRateLimiter refusedForTheDeployment) {
    this.vertx = vertx;
    this.cipher = cipher;
    this.pool = pool;
    this.clock = clock;
    this.refusedPerAddress = refusedPerAddress;
    this.refusedForTheDeployment = refusedForTheDeployment;
  }

  /**
   * Never fails: a callback is answered whether or not its copy could be kept. {@code address}: what the refused ones are
   * limited by (an IPv6 address's /64, {@code RateLimiter.limitKeyOf}), never stored.
   */
  Future<Void> store(String address, String channel, boolean verified, String outcome, UUID order, JsonObject headers,
      byte[] body) {
    if (verified) {
      return insert(channel, true, outcome, order, headers, body);
    }
    // counted as refused all the same when over either limit; only its copy is not kept
    return refusedForTheDeployment.acquire(address, refusedPerAddress).transform(limit -> limit.succeeded() && limit.result() == 0
        ? insert(channel, false, outcome, order, headers, body)
        : Future.succeededFuture());
  }

  private Future<Void> insert(String channel, boolean verified, String outcome, UUID order, JsonObject headers, byte[] body) {
    byte[] kept = verified || body.length <= REFUSED_PREFIX_BYTES ? body : Arrays.copyOf(body, REFUSED_PREFIX_BYTES);
    // sealed on a worker: a notification is a few kilobytes, but a body may be up to the callbacks' limit (64 KiB, about a
    // millisecond of SM4-GCM and SHA-256), and the event loop serves lookups meanwhile
    return vertx.executeBlocking(() -> new byte[][] {cipher.seal(kept, PURPOSE), sha256(body)}, false)
        .compose(sealed -> pool.preparedQuery(INSERT).execute(Tuple.from(new Object[] {channel, verified, outcome, order,
            bounded(headers, verified), Buffer.buffer(sealed[0]), body.length, Buffer.buffer(sealed[1]), OffsetDateTime.now(clock)})))
        .onFailure(e -> LOG.error("callback could not be stored for audit: {}", e.toString())).mapEmpty();
  }

  /** Header values of a refused callback are cut short too (a forger chooses them). */
  private static JsonObject bounded(JsonObject headers, boolean verified) {
    if (verified) {
      return headers;
    }
    JsonObject out = new JsonObject();
    headers.forEach(e -> {
      String v = String.valueOf(e.getValue());
      out.put(e.getKey(), v.length() > 256 ? v.substring(0, 256) : v);
    });
    return out;
  }

  /** Removes, a batch at a time, refused callbacks past their short retention and all past the long one. */
  public Future<Integer> prune() {
    OffsetDateTime now = OffsetDateTime.now(clock);
    return pool.preparedQuery(PRUNE).execute(Tuple.of(now.minus(REFUSED_RETENTION), now.minus(VERIFIED_RETENTION)))
        .map(rows -> rows.rowCount());
  }

  /**
   * Seals a batch of the rows an earlier version kept in clear (none once they are all sealed: the partial index is
   * then empty); the number sealed. Run by the sweep, on one instance at a time; the sealing itself on a worker.
   */
  public Future<Integer> sealClear() {
    return pool.preparedQuery(CLEAR).execute(Tuple.of(SEAL_BATCH)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(0);
      }
      return vertx.executeBlocking(() -> {
        List<Tuple> sealed = new ArrayList<>(rows.size());
        rows.forEach(r -> sealed.add(Tuple.of(r.getLong("id"), Buffer.buffer(cipher.seal(r.getBuffer("body").getBytes(), PURPOSE)))));
        return sealed;
      }, false).compose(sealed -> pool.preparedQuery(SEAL).executeBatch(sealed)).map(x -> rows.size());
    });
  }

  /**
   * The kept callbacks an operator reads for a dispute ({@code gateway callback show <id | order id>}): a row by its
   * number, or every row of an order, oldest first; for each what it did and when, its headers, and its body opened (a
   * row kept in clear by an earlier version as it is). Blocking; empty where none is kept (never received, or pruned).
   */
  public static List<String> show(Database db, PersonalDataCipher cipher, String idOrOrder) throws SQLException {
    UUID order = null;
    long id = -1;
    try {
      id = Long.parseLong(idOrOrder);
    } catch (NumberFormatException e) {
      order = UUID.fromString(idOrOrder); // IllegalArgumentException: neither
    }
    try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement("select id, channel, verified, outcome, order_id,"
        + " received_at, repeats, last_seen_at, headers::text, body, body_bytes, sealed from callback_log where "
        + (order == null ? "id = ?" : "order_id = ?") + " order by id")) {
      st.setObject(1, order == null ? id : order);
      List<String> out = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(shown(rs, cipher));
        }
      }
      return out;
    }
  }

  private static String shown(ResultSet rs, PersonalDataCipher cipher) throws SQLException {
    long id = rs.getLong("id");
    byte[] body = rs.getBytes("body");
    boolean sealed = rs.getBoolean("sealed");
    byte[] opened;
    try {
      opened = sealed ? cipher.open(body, PURPOSE) : body;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("callback " + id + " does not open with this personal-data key (GATEWAY_ID_SM4_KEY,"
          + " or id-sm4.key in the key folder) nor an older one given (GATEWAY_ID_SM4_OLD_KEYS): give it the key the gateways use");
    }
    boolean verified = rs.getBoolean("verified");
    int bytes = rs.getInt("body_bytes");
    int kept = opened.length; // all of it, or a refused callback's first bytes
    StringBuilder out = new StringBuilder();
    out.append("callback ").append(id).append(": ").append(rs.getString("channel")).append(verified ? ", verified" : ", refused")
        .append(", outcome ").append(rs.getString("outcome"));
    if (rs.getString("order_id") != null) {
      out.append(", order ").append(rs.getString("order_id"));
    }
    out.append("\nreceived ").append(BeijingTime.iso(rs.getObject("received_at", OffsetDateTime.class)));
    if (rs.getLong("repeats") > 0) {
      out.append(", delivered again ").append(rs.getLong("repeats")).append(" times, last ")
          .append(BeijingTime.iso(rs.getObject("last_seen_at", OffsetDateTime.class)));
    }
    return out.append("\nheaders ").append(rs.getString("headers")).append("\nbody (").append(bytes).append(" bytes")
        .append(kept < bytes ? ", the first " + kept + " kept" : "")
        .append(sealed ? ", sealed at rest" : ", kept in clear by an earlier version").append("):\n").append(new String(opened, StandardCharsets.UTF_8)).toString();
  }

  private static byte[] sha256(byte[] body) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(body);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
