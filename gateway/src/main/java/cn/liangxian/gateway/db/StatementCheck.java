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

  /**
   * Prepares every statement at once on one connection (pipelined). The connection goes back only once every answer
   * is in. Statements the schema cannot run all stop the start together, one line each, so that a migration out of
   * step is mended in one go. A failure that is not the server's answer (a connection lost in a failover) stops it
   * with that cause, as it is.
   */
  public static Future<Void> prepareAll(Pool pool, List<String> statements) {
    return pool.withConnection(conn -> {
      List<Future<Void>> each = statements.stream().map(sql -> conn.prepare(sql).compose(ps -> ps.close())).toList();
      return Future.join(each).<Void>mapEmpty().recover(first -> {
        List<String> misfits = new java.util.ArrayList<>();
        List<Throwable> causes = new java.util.ArrayList<>();
        for (int i = 0; i < each.size(); i++) {
          Throwable e = each.get(i).cause();
          if (e == null) {
            continue;
          }
          if (!(e instanceof io.vertx.pgclient.PgException)) {
            return Future.failedFuture(e);
          }
          misfits.add(statements.get(i) + " (" + e.getMessage() + ")");
          causes.add(e);
        }
        IllegalStateException unfit = new IllegalStateException((misfits.size() == 1 ? "a statement does not fit"
            : misfits.size() + " statements do not fit") + " the database schema: " + String.join("; ", misfits), causes.get(0));
        causes.stream().skip(1).forEach(unfit::addSuppressed);
        return Future.failedFuture(unfit);
      });
    });
  }
}
