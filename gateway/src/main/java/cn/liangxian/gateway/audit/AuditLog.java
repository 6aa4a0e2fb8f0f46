package cn.liangxian.gateway.audit;

import cn.liangxian.gateway.db.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The audit log, the one place that writes it. A change is recorded inside the caller's transaction,
 * so that it is audited exactly when it happens; a request row says who asked and how it ended.
 */
public final class AuditLog {
  static final String CHANGE = "insert into audit_log (actor, action, subject, before, after)"
      + " values ($1, $2, $3, $4::jsonb, $5::jsonb)";
  static final String REQUEST = "insert into audit_log (at, actor, role, scope, action, subject, method, path, status, request_id,"
      + " address) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
  static final String READ = "select l.id, l.at, l.actor, l.role, l.scope, l.action, l.subject, l.method, l.path,"
      + " l.status, l.request_id, l.before, l.after from audit_log l left join operator_account a on a.username = l.actor"
      + " where l.at >= $1 and ($2::text is null or l.actor = $2)"
      + " and ($3::text is null or a.region_code = $3 or l.scope = $3 or l.scope like $3 || '/%')"
      + " order by l.id desc limit $4";

  /** Every reactive statement above, prepared on each connection when it opens. */
  public static final List<String> STATEMENTS = List.of(CHANGE, REQUEST, READ);

  /** A change: who made it, what (e.g. {@code refund.request}), to what, and the state before and after (either may be null). */
  public record Change(String actor, String action, String subject, JsonObject before, JsonObject after) {
    /**
     * The free text an operator or an agency writes ({@code reason}, {@code note}) kept with its long digit runs masked
     * (an ID number, a phone): every administrator reads the audit log.
     */
    public Change {
      before = masked(before);
      after = masked(after);
    }

    private static JsonObject masked(JsonObject state) {
      if (state == null || FREE_TEXT.stream().noneMatch(k -> state.getValue(k) instanceof String)) {
        return state;
      }
      JsonObject m = state.copy();
      for (String key : FREE_TEXT) {
        if (m.getValue(key) instanceof String text) {
          m.put(key, cn.liangxian.gateway.privacy.Masking.digitRuns(text));
        }
      }
      return m;
    }

    public static Change of(String actor, String action, String subject, JsonObject after) {
      return new Change(actor, action, subject, null, after);
    }
  }

  /** An operator's request once answered. */
  public record Request(OffsetDateTime at, String actor, String role, String scope, String action, String method, String path,
      int status, String requestId, String address) {}

  private static final List<String> FREE_TEXT = List.of("reason", "note");

  private AuditLog() {}

  /** Records a change inside the caller's (reactive) transaction. */
  public static Future<Void> record(SqlConnection conn, Change c) {
    return conn.preparedQuery(CHANGE).execute(Tuple.of(c.actor(), c.action(), c.subject(), c.before(), c.after())).mapEmpty();
  }

  /** Records a change inside the caller's JDBC transaction (command-line tools, bulk imports). */
  public static void record(Connection conn, Change c) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(Database.jdbc(CHANGE))) {
      ps.setString(1, c.actor());
      ps.setString(2, c.action());
      ps.setString(3, c.subject());
      ps.setString(4, c.before() == null ? null : c.before().encode());
      ps.setString(5, c.after() == null ? null : c.after().encode());
      ps.executeUpdate();
    }
  }

  public static Future<Void> request(Pool pool, Request r) {
    return pool.preparedQuery(REQUEST).execute(Tuple.from(new Object[] {r.at(), r.actor(), r.role(), r.scope(), r.action(), null,
        r.method(), r.path(), r.status(), r.requestId(), r.address()})).mapEmpty();
  }

  /** Newest first: rows since a time, of one actor or all, of accounts inside a region (null: every region). */
  public static Future<JsonArray> read(Pool pool, OffsetDateTime since, String actor, String region, int limit) {
    return pool.preparedQuery(READ).execute(Tuple.of(since, actor, region, limit)).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        out.add(new JsonObject().put("id", r.getLong("id")).put("at", cn.liangxian.gateway.time.UtcTime.iso(r.getOffsetDateTime("at")))
            .put("actor", r.getString("actor")).put("role", r.getString("role")).put("scope", r.getString("scope"))
            .put("action", r.getString("action")).put("subject", r.getString("subject"))
            .put("method", r.getString("method")).put("path", r.getString("path")).put("status", r.getInteger("status"))
            .put("requestId", r.getString("request_id")).put("before", r.getValue("before")).put("after", r.getValue("after")));
      }
      return out;
    });
  }
}
