package cn.liangxian.gateway.http;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database out of reach (stopped, restarting, failing over): every request then fails the same
 * way. It is answered 503 with Retry-After, and logged once per interval with a count, not once per
 * request with a stack trace.
 */
final class Outage {
  private static final Logger LOG = LoggerFactory.getLogger(Outage.class);
  static final int RETRY_AFTER_SECONDS = 5;
  private static final long INTERVAL_NANOS = 30_000_000_000L;
  private static final AtomicLong LAST_LOGGED = new AtomicLong(System.nanoTime() - INTERVAL_NANOS);
  private static final AtomicLong UNLOGGED = new AtomicLong();

  private Outage() {}

  /** Whether a failure says the database cannot be reached, rather than that a request was wrong. */
  static boolean databaseUnreachable(Throwable f) {
    for (Throwable t = f; t != null; t = t.getCause() == t ? null : t.getCause()) {
      // a reset through Linux's epoll is Netty's NativeIoException, not a SocketException (http.nativeTransport)
      if (t instanceof ConnectException || t instanceof ClosedConnectionException || t instanceof TimeoutException
          || t instanceof io.netty.channel.unix.Errors.NativeIoException) {
        return true;
      }
      // a write to a connection the server (or the balancer in front of it) already closed, through Java's own
      // transport: a bare IOException ("Broken pipe", "Connection reset by peer") raised in the database client
      if (t instanceof java.io.IOException && raisedByDatabaseClient(t)) {
        return true;
      }
      // a read from a connection the server reset (PostgreSQL stopped in immediate mode, its machine gone): Java's
      // transport raises it in Netty's read loop, and the database client fails the statements in flight with it as
      // it is, so the client is not on its stack. A request's own connection reset is told apart by the caller
      // (Failures.watchConnection: the caller's connection said so first); the channels' clients wrap their sockets' failures
      // (ChannelException NETWORK), so every other socket a request waits on is the database's
      if (t instanceof java.io.IOException && raisedInNettyRead(t)) {
        return true;
      }
      // 08: connection exception; 57P: the server shutting down or not yet accepting connections;
      // 25006: a write reached a standby (a connection made before a failover): nothing was applied
      if (t instanceof PgException pg && pg.getSqlState() != null
          && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("57P") || pg.getSqlState().equals("25006"))) {
        return true;
      }
    }
    return false;
  }

  /** Whether the database client is on the failure's stack: its socket failed, not a file or a request's body. */
  private static boolean raisedByDatabaseClient(Throwable t) {
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getClassName().startsWith("io.vertx.pgclient.") || e.getClassName().startsWith("io.vertx.sqlclient.")) {
        return true;
      }
    }
    return false;
  }

  /** Whether a socket read in Netty's event loop raised it: a connection of ours was reset under it. */
  private static boolean raisedInNettyRead(Throwable t) {
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getClassName().startsWith("io.netty.channel.") && e.getMethodName().equals("read")) {
        return true;
      }
    }
    return false;
  }

  /** Counts a request refused for the outage; one line per interval says how many. */
  static void refused(String method, String path, Throwable f) {
    long missed = UNLOGGED.incrementAndGet();
    long now = System.nanoTime();
    long last = LAST_LOGGED.get();
    if (now - last >= INTERVAL_NANOS && LAST_LOGGED.compareAndSet(last, now)) {
      UNLOGGED.addAndGet(-missed);
      LOG.error("database unreachable: {} request(s) answered 503 since the last line, latest {} {}: {}", missed, method, path,
          f.toString());
    }
  }
}
