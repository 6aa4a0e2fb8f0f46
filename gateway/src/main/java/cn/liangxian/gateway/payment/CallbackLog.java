package cn.liangxian.gateway.payment;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every callback as it came, verified or not, with what it did: for audit and disputes. */
public final class CallbackLog {
  private static final Logger LOG = LoggerFactory.getLogger(CallbackLog.class);
  static final String INSERT = "insert into callback_log (channel, verified, outcome, order_id, headers, body)"
      + " values ($1, $2, $3, $4, $5, $6)";

  /** Every statement above, prepared on each connection when it opens. */
  public static final List<String> STATEMENTS = List.of(INSERT);

  private final Pool pool;

  public CallbackLog(Pool pool) {
    this.pool = pool;
  }

  /** Never fails: a callback is answered whether or not its copy could be kept. */
  Future<Void> store(String channel, boolean verified, String outcome, UUID order, JsonObject headers, byte[] body) {
    return pool.preparedQuery(INSERT).execute(Tuple.of(channel, verified, outcome, order, headers, Buffer.buffer(body)))
        .onFailure(e -> LOG.error("callback could not be stored for audit: {}", e.toString())).mapEmpty();
  }
}
