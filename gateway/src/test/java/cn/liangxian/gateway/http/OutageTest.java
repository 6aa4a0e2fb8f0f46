package cn.liangxian.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A failure that says the database cannot be reached is answered 503 (the caller tries again), not 500: among them
 * the bare IOException Java's transport raises when the database client writes to a connection a failover closed.
 */
class OutageTest {

  private static IOException raisedIn(String className, String message) {
    IOException e = new IOException(message);
    e.setStackTrace(new StackTraceElement[] {
        new StackTraceElement("sun.nio.ch.SocketDispatcher", "write", "SocketDispatcher.java", 62),
        new StackTraceElement(className, "flush", "X.java", 1)});
    return e;
  }

  @Test
  void aBrokenPipeInTheDatabaseClientIsAnOutage() {
    assertThat(Outage.databaseUnreachable(raisedIn("io.vertx.pgclient.impl.codec.PgEncoder", "Broken pipe"))).isTrue();
    assertThat(Outage.databaseUnreachable(raisedIn("io.vertx.sqlclient.impl.SocketConnectionBase", "Connection reset by peer")))
        .isTrue();
    // wrapped as the pool passes it on
    assertThat(Outage.databaseUnreachable(new RuntimeException(raisedIn("io.vertx.pgclient.impl.codec.PgEncoder", "Broken pipe"))))
        .isTrue();
  }

  @Test
  void anIOExceptionElsewhereIsNot() {
    assertThat(Outage.databaseUnreachable(raisedIn("cn.liangxian.gateway.roster.RosterFile", "Broken pipe"))).isFalse();
    assertThat(Outage.databaseUnreachable(raisedIn("io.vertx.core.http.impl.Http1xServerConnection", "Broken pipe"))).isFalse();
  }

  @Test
  void aResetReadInNettysLoopIsAnOutage() {
    // as Java's transport raises it under the database client's statements in flight (DatabaseResetTest: end to end)
    java.net.SocketException e = new java.net.SocketException("Connection reset");
    e.setStackTrace(new StackTraceElement[] {
        new StackTraceElement("sun.nio.ch.SocketChannelImpl", "read", "SocketChannelImpl.java", 426),
        new StackTraceElement("io.netty.channel.socket.nio.NioSocketChannel", "doReadBytes", "NioSocketChannel.java", 350),
        new StackTraceElement("io.netty.channel.nio.AbstractNioByteChannel$NioByteUnsafe", "read", "AbstractNioByteChannel.java", 161)});
    assertThat(Outage.databaseUnreachable(e)).isTrue();
  }
}
