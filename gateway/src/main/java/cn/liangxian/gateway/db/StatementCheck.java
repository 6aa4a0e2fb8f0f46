package cn.liangxian.gateway.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;

/**
 * The gateway's statements prepared once at start-up on one connection: one the migrated schema cannot
 * run stops the start, instead of failing a resident's request later. (Each connection then prepares
 * a statement once, on first use, and keeps it in its statement cache.)
 */
public final class StatementCheck {
  private StatementCheck() {}

  /**
   * Opens {@code connections} connections of the pool at once and prepares the hot statements on each,
   * into its statement cache: the first lookups after a start find them prepared (as the speed
   * references do), and no resident waits for a connection to open.
   */
  public static Future<Void> prepareOnEveryConnection(Pool pool, int connections, List<String> hot) {
    List<Future<Void>> each = new java.util.ArrayList<>();
    for (int i = 0; i < connections; i++) {
      // all at once on the connection: pipelined; the connection goes back only once every answer is in (join)
      each.add(pool.getConnection().compose(conn -> Future.join(hot.stream().map(sql -> conn.prepare(sql)).toList())
          .<Void>mapEmpty().eventually(conn::close)));
    }
    return Future.all(each).mapEmpty();
  }

  public static Future<Void> prepareAll(Pool pool, List<String> statements) {
    // all at once on one connection: pipelined; the connection goes back only once every answer is in (join)
    return pool.withConnection(conn -> Future.join(statements.stream().map(sql -> conn.prepare(sql).compose(ps -> ps.close())
        .recover(e -> Future.failedFuture(new IllegalStateException("a statement does not fit the database schema ("
            + e.getMessage() + "): " + sql, e)))).toList()).mapEmpty());
  }
}
