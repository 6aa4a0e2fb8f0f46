package cn.liangxian.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.Gateway;
import cn.liangxian.gateway.config.GatewayOptions;
import cn.liangxian.gateway.db.Database;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.MutableClock;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stopped in immediate mode, or its machine gone, resets the connections under the statements in flight.
 * The database client fails them with the socket's own "Connection reset", raised in Netty's read loop: the request
 * waiting on one is a passing outage (503, Retry-After), never a 500.
 */
class DatabaseResetTest {
  @TempDir
  Path dir;

  @Test
  void aStatementInFlightWhenTheDatabaseResetsItsConnectionIsA503() throws Exception {
    Map<String, String> env = TestGateway.ownDatabaseEnv(dir, Map.of());
    GatewayOptions options = TestGateway.options(env);
    MutableClock clock = new MutableClock(Instant.parse("2019-12-15T02:00:00Z"));
    try (Database own = Database.start(options);
        ResettingProxy proxy = new ResettingProxy(own.connectOptions(1).getHost(), own.connectOptions(1).getPort());
        Gateway g = Gateway.start(options, env, clock, Regions.load(options, clock), own.through("127.0.0.1", proxy.port()));
        Connection locker = own.connect();
        Connection watcher = own.connect()) {
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest unknown = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.httpPort() + "/api/v1/lookup"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("idNumber", TestGateway.id("371312", "1970-01-01", 999))
              .put("name", "无此人").encode())).build();
      assertThat(http.send(unknown, HttpResponse.BodyHandlers.ofString()).statusCode()).as("through the proxy").isEqualTo(404);

      // the lookup's statement waits on a lock the test holds, so it is in flight when the connections are reset
      locker.setAutoCommit(false);
      locker.createStatement().execute("lock table person in access exclusive mode");
      CompletableFuture<HttpResponse<String>> answer = http.sendAsync(unknown, HttpResponse.BodyHandlers.ofString());
      Eventually.until("the lookup's statement waiting on the lock", () -> {
        try (ResultSet r = watcher.createStatement().executeQuery(
            "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like '%from person%'")) {
          r.next();
          return r.getInt(1);
        }
      }, n -> n > 0);
      proxy.resetOpenConnections();
      locker.rollback();

      HttpResponse<String> r = answer.get(30, TimeUnit.SECONDS);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
      assertThat(r.headers().firstValue("Retry-After")).contains("5");
      assertThat(new JsonObject(r.body()).getString("type")).endsWith("/unavailable");
      assertThat(r.body()).doesNotContain("Exception", "at io.", "reset");

      // new connections through the proxy serve again
      Eventually.until("lookups served again", () -> http.send(unknown, HttpResponse.BodyHandlers.ofString()).statusCode(),
          s -> s == 404);
    }
  }

  /** Passes bytes between the gateway and PostgreSQL; told to, it resets the gateway's side of every open connection. */
  static final class ResettingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket[]> open = new CopyOnWriteArrayList<>();

    ResettingProxy(String host, int port) throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      daemon(() -> {
        while (!server.isClosed()) {
          try {
            Socket client = server.accept();
            Socket upstream = new Socket(host, port);
            open.add(new Socket[] {client, upstream});
            pump(client, upstream);
            pump(upstream, client);
          } catch (IOException e) {
            return; // closed
          }
        }
      });
    }

    int port() {
      return server.getLocalPort();
    }

    /** A TCP reset to the gateway (linger 0, then close), as a server that dies sends; PostgreSQL's side closed too. */
    void resetOpenConnections() throws IOException {
      for (Socket[] pair : open) {
        open.remove(pair);
        if (!pair[0].isClosed()) { // one the gateway's pool closed itself is gone already
          pair[0].setSoLinger(true, 0);
          pair[0].close();
        }
        pair[1].close();
      }
    }

    private static void daemon(Runnable r) {
      Thread t = new Thread(r, "resetting-proxy");
      t.setDaemon(true);
      t.start();
    }

    private void pump(Socket from, Socket to) {
      daemon(() -> {
        byte[] buf = new byte[8192];
        try {
          int n;
          while ((n = from.getInputStream().read(buf)) >= 0) {
            to.getOutputStream().write(buf, 0, n);
          }
        } catch (IOException e) {
          // closed or reset
        }
        try {
          from.close();
          to.close();
        } catch (IOException e) {
          // already closed
        }
      });
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket[] pair : open) {
        pair[0].close();
        pair[1].close();
      }
    }
  }
}
