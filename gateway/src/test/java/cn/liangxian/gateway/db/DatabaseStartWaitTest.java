package cn.liangxian.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.liangxian.gateway.support.TestGateway;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An instance started while its database does not answer (the balancer has no primary during a failover)
 * waits for it instead of exiting, and gives up only after the configured time.
 */
class DatabaseStartWaitTest {

  /** A balancer in front of the test server that hangs up on the first {@code refusals} connections. */
  static final class Balancer implements AutoCloseable {
    final ServerSocket socket;
    final AtomicInteger connections = new AtomicInteger();

    Balancer(int refusals, int serverPort) throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread t = new Thread(() -> {
        while (!socket.isClosed()) {
          try {
            Socket client = socket.accept();
            if (connections.incrementAndGet() <= refusals) {
              client.close(); // no primary yet: the connection is dropped at once
              continue;
            }
            Socket server = new Socket(InetAddress.getLoopbackAddress(), serverPort);
            pipe(client.getInputStream(), server.getOutputStream(), server);
            pipe(server.getInputStream(), client.getOutputStream(), client);
          } catch (IOException e) {
            return;
          }
        }
      }, "balancer");
      t.setDaemon(true);
      t.start();
    }

    static void pipe(InputStream in, OutputStream out, Socket closeAfter) {
      Thread t = new Thread(() -> {
        try (closeAfter) {
          in.transferTo(out);
        } catch (IOException e) {
          // either side gone
        }
      });
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void aStartDuringAFailoverWaitsForThePrimaryAndOneWithoutTimeToWaitGivesUp() throws Exception {
    Database server = TestGateway.server();
    int serverPort = Integer.parseInt(server.jdbcUrl().replaceAll(".*:(\\d+)/.*", "$1"));
    try (Balancer failingOver = new Balancer(2, serverPort)) {
      Database db = server.through("127.0.0.1", failingOver.port());
      try (AutoCloseable lock = db.startupLock(Duration.ofSeconds(60))) {
        assertThat(failingOver.connections.get()).as("served only after the dropped ones").isGreaterThan(2);
      }
    }
    try (Balancer down = new Balancer(Integer.MAX_VALUE, serverPort)) {
      assertThatThrownBy(() -> server.through("127.0.0.1", down.port()).startupLock(Duration.ZERO))
          .hasMessageStartingWith("cannot take the start-up lock");
    }
  }

  @Test
  void throughEpollAResetIsWaitedForAndATakenPortIsNot() {
    org.junit.jupiter.api.Assumptions.assumeTrue(io.netty.channel.epoll.Epoll.isAvailable(), "Linux's epoll (x86-64)");
    // a connection reset (ECONNRESET) as Netty's native transport reports it, not as Java NIO's SocketException
    assertThat(Database.unavailable(new IllegalStateException("start-up failed",
        new io.netty.channel.unix.Errors.NativeIoException("recvAddress(..)", -104)))).isTrue();
    // a port of our own taken (EADDRINUSE): no database coming back frees it
    assertThat(Database.unavailable(new IllegalStateException("start-up failed",
        new io.netty.channel.unix.Errors.NativeIoException("bind(..)", -98)))).isFalse();
  }

  @Test
  void onlyAMissingOrLostDatabaseIsWaitedForNeverARefusal() {
    // what a failover looks like: no connection, a connection cut mid-migration, the server shutting down
    assertThat(Database.unavailable(new java.sql.SQLException("The connection attempt failed.", "08001"))).isTrue();
    assertThat(Database.unavailable(new IllegalStateException("migration failed",
        new java.sql.SQLException("An I/O error occurred while sending to the backend.", "08006", new java.io.EOFException())))).isTrue();
    assertThat(Database.unavailable(new java.sql.SQLException("terminating connection due to administrator command", "57P01"))).isTrue();
    // the same through the reactive client, wrapped as a start-up failure
    assertThat(Database.unavailable(new IllegalStateException("start-up failed",
        io.vertx.sqlclient.ClosedConnectionException.INSTANCE))).isTrue();
    assertThat(Database.unavailable(new io.vertx.pgclient.PgException("terminating connection", "FATAL", "57P01", null))).isTrue();
    assertThat(Database.unavailable(new io.vertx.pgclient.PgException("duplicate key value", "ERROR", "23505", null))).isFalse();
    // what a database that answers says: waiting would not change it
    assertThat(Database.unavailable(new java.sql.SQLException("password authentication failed", "28P01"))).isFalse();
    assertThat(Database.unavailable(new java.sql.SQLException("duplicate key value", "23505"))).isFalse();
    assertThat(Database.unavailable(new IllegalStateException("ID-number keys differ"))).isFalse();
  }
}
