package cn.liangxian.gateway.db;

import cn.liangxian.gateway.config.GatewayOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one store of record: an external PostgreSQL when one is configured, otherwise an embedded one
 * (real server binaries from Maven Central) keeping its data under the data directory, so that a
 * restart loses nothing. Start-up, migrations and JDBC work here are blocking and happen before any
 * verticle is deployed.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private final EmbeddedPostgres embedded;
  /** The embedded server's owner lock ({@link EmbeddedServer#own}), let go once the server has stopped. */
  private java.nio.channels.FileChannel owner;
  private final String host;
  private final int port;
  private final String database;
  private final String user;
  private final String password;
  /** Gateways serving on this database now ({@link #acquire()}). */
  private final AtomicInteger users = new AtomicInteger();
  /** Guarded by this object's lock ({@link #close()}). */
  private boolean closed;
  /** The one connection a view of {@link StartupTurn} lends to every {@link #connect()}; null: each opens its own. */
  private final Connection lent;

  private Database(EmbeddedPostgres embedded, String host, int port, String database, String user, String password) {
    this(embedded, host, port, database, user, password, null);
  }

  private Database(EmbeddedPostgres embedded, String host, int port, String database, String user, String password,
      Connection lent) {
    this.embedded = embedded;
    this.host = host;
    this.port = port;
    this.database = database;
    this.user = user;
    this.password = password;
    this.lent = lent;
  }

  public static Database start(GatewayOptions config) {
    if (config.databaseUrl().isPresent()) {
      Address a = Address.of(config.databaseUrl().get());
      LOG.info("using PostgreSQL at {}:{}/{}", a.host(), a.port(), a.database());
      return new Database(null, a.host(), a.port(), a.database(), a.user(), a.password());
    }
    java.util.List<String> unused = config.postgresVariablesWithoutHost();
    if (!unused.isEmpty()) {
      // PGHOST misspelt would otherwise start an empty database here without a word
      LOG.warn("{} set without PGHOST: they are not used; starting the embedded PostgreSQL (set PGHOST, or GATEWAY_DB_URL,"
          + " to use a PostgreSQL of your own)", String.join(", ", unused));
    }
    Path dir = config.dataDir().resolve("postgres");
    EmbeddedServer.Started pg = EmbeddedServer.start(dir, config.keyDir(), config.databaseDurable());
    Database db = new Database(pg.server(), "localhost", pg.server().getPort(), "postgres", "postgres", pg.password());
    db.owner = pg.owner();
    // the process ending (SIGTERM, Ctrl-C, the end of a command) stops the server, but only once the gateways
    // serving on it have finished their graceful stop (at most stopWait): their requests in flight still reach it
    // (the gateway's own stop: the drain, the grace for requests in flight, Vert.x closing, the demo's parts)
    long stopWait = config.drainMillis() + config.shutdownGraceMillis() + 60_000L;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      db.awaitUnused(stopWait);
      db.close();
    }, "embedded-postgres-stop"));
    return db;
  }

  /** A database's {@code postgresql://user:password@host:port/database} address, read. */
  public record Address(String host, int port, String database, String user, String password) {
    public static Address of(String url) {
      URI uri = URI.create(url);
      // split before decoding: a user or password may hold ':', '@' or '/' percent-encoded
      String userInfo = uri.getRawUserInfo() == null ? "postgres" : uri.getRawUserInfo();
      String user = decoded(userInfo.contains(":") ? userInfo.substring(0, userInfo.indexOf(':')) : userInfo);
      String pass = decoded(userInfo.contains(":") ? userInfo.substring(userInfo.indexOf(':') + 1) : "");
      String db = uri.getPath() == null || uri.getPath().length() <= 1 ? user : uri.getPath().substring(1);
      return new Address(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), db, user, pass);
    }

    @Override
    public String toString() {
      return host + ":" + port + "/" + database; // never the password
    }
  }

  /**
   * A port taken or forbidden: Java NIO's BindException, or epoll's {@code bind(..) failed with error(-98): Address
   * already in use} (http.nativeTransport).
   */
  public static boolean bindFailed(Throwable e) {
    return e instanceof java.net.BindException
        || e instanceof io.netty.channel.unix.Errors.NativeIoException && String.valueOf(e.getMessage()).startsWith("bind(");
  }

  /** A percent-encoded part of an address ('+' kept as it is: it is no space there). */
  static String decoded(String part) {
    return java.net.URLDecoder.decode(part.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A gateway serves on this database from now until {@link #release()}: the embedded server's stop at exit waits. */
  public void acquire() {
    users.incrementAndGet();
  }

  /** What {@link #acquire()} took, given back. */
  public void release() {
    if (users.decrementAndGet() <= 0) {
      synchronized (users) {
        users.notifyAll();
      }
    }
  }

  private void awaitUnused(long millis) {
    long until = System.nanoTime() + millis * 1_000_000L;
    synchronized (users) {
      while (users.get() > 0 && System.nanoTime() < until) {
        try {
          users.wait(Math.max(1, (until - System.nanoTime()) / 1_000_000L));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** A throwaway database for tests on the same server: {@code create database}. */
  public Database createDatabase(String name) {
    return createDatabase(name, "template1");
  }

  /**
   * As {@link #createDatabase(String)}, a copy of the database {@code template} (which nobody may be connected to).
   * Copied file by file (PostgreSQL 15 and later): on the tests' unsynced server a third of the time the default
   * strategy takes, which writes every block of the copy to the WAL.
   */
  public Database createDatabase(String name, String template) {
    try (Connection c = connect(); var st = c.createStatement()) {
      st.execute("drop database if exists " + name);
      st.execute("create database " + name + " template " + template + " strategy file_copy");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return new Database(null, host, port, name, user, password);
  }

  /**
   * Held while an instance prepares the database at start-up (migrations, regions, targets, accounts):
   * instances started together take turns, instead of deadlocking on the same rows. Blocking.
   */
  public StartupTurn startupLock() {
    return startupLock(java.time.Duration.ZERO);
  }

  /**
   * An instance's turn at preparing the database: the start-up lock, held by {@code connection} until closed, and
   * {@code database}, this database through that one connection. Each preparing step's {@link #connect()} there lends
   * it (closing what was lent rolls back a transaction left open and puts auto-commit back), so that a start opens one
   * session for all its steps instead of one a step: a new session costs PostgreSQL a process and tens of
   * milliseconds of CPU, which instances restarted together at a failover would otherwise spend on a busy primary.
   */
  public record StartupTurn(Connection connection, Database database) implements AutoCloseable {
    /** Ends the turn: the lock goes with its connection. */
    @Override
    public void close() throws SQLException {
      connection.close();
    }
  }

  /** This database through {@code held}: see {@link StartupTurn}. */
  private Database lending(Connection held) {
    return new Database(null, host, port, database, user, password, held);
  }

  /** {@code held} as a step borrows it: all of it, except that its close gives it back instead of ending the session. */
  private static Connection lent(Connection held) {
    return (Connection) java.lang.reflect.Proxy.newProxyInstance(Connection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          if (method.getName().equals("close") && method.getParameterCount() == 0) {
            if (!held.isClosed() && !held.getAutoCommit()) {
              held.rollback(); // what the step committed stays; what it left open does not reach the next step
              held.setAutoCommit(true);
            }
            return null;
          }
          try {
            return method.invoke(held, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  /**
   * As {@link #startupLock()}, waiting up to {@code wait} for a database that does not answer yet (an
   * instance restarted while the primary fails over: the balancer has no primary to send it to for a
   * few seconds), trying every 2 s. A database that answers and refuses is not waited for.
   */
  public StartupTurn startupLock(java.time.Duration wait) {
    return waitingOut(wait, () -> {
      try {
        Connection c = connect();
        try (var st = c.createStatement()) {
          st.execute("select pg_advisory_lock(" + STARTUP_LOCK + ")");
        } catch (SQLException e) {
          c.close();
          throw e;
        }
        return new StartupTurn(c, lending(c)); // a session lock: it goes with its connection
      } catch (SQLException e) {
        throw new IllegalStateException("cannot take the start-up lock: " + e.getMessage(), e);
      }
    });
  }

  /**
   * {@code attempt} until it succeeds, for as long as its failures say the database is {@link #unavailable}
   * and {@code wait} has not passed, trying again every 2 s; any other failure at once. Blocking: for
   * start-up, on the main thread, while nothing is served.
   */
  public static <T> T waitingOut(java.time.Duration wait, java.util.function.Supplier<T> attempt) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      try {
        return attempt.get();
      } catch (RuntimeException e) {
        if (!unavailable(e) || System.nanoTime() > deadline) {
          throw e;
        }
        LOG.warn("the database does not answer ({}): trying again in 2 s", e.getMessage());
        try {
          Thread.sleep(2000);
        } catch (InterruptedException x) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("start-up interrupted while waiting for the database", x);
        }
      }
    }
  }

  /**
   * Whether a failure says the database is not there for now (no connection, the connection lost, the
   * server shutting down or starting up: what a failover looks like from a client), rather than refusing
   * what was asked: the one kind of failure worth waiting out.
   */
  public static boolean unavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (bindFailed(t)) {
        return false; // a port of our own taken here: no database coming back will free it
      }
      if (t instanceof SQLException s && s.getSQLState() != null
          && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P"))) {
        return true;
      }
      if (t instanceof io.vertx.pgclient.PgException p && p.getSqlState() != null
          && (p.getSqlState().startsWith("08") || p.getSqlState().startsWith("57P"))) {
        return true;
      }
      // a reset through epoll is Netty's NativeIoException ("recvAddress(..) failed: Connection reset by peer"), not
      // Java NIO's SocketException
      if (t instanceof java.io.EOFException || t instanceof java.net.SocketException
          || t instanceof io.netty.channel.unix.Errors.NativeIoException
          || t instanceof io.vertx.sqlclient.ClosedConnectionException) {
        return true;
      }
    }
    return false;
  }

  /** The start-up lock's key ("LXSTART"), apart from the sweeper leader's. */
  static final long STARTUP_LOCK = 0x4c585354415254L;

  /**
   * Brings the schema to this version's migrations. A database whose history this version cannot follow (written
   * by another version, or changed by hand) stops the start with Flyway's reasons on one line.
   */
  public void migrate() {
    // under a start's turn only: no other instance migrates meanwhile, and no extra session is opened to look
    if (lent != null && !COMPLETE.isEmpty()) {
      List<String> now = history();
      if (now != null && COMPLETE.contains(now)) {
        return;
      }
    }
    try {
      var flyway = Flyway.configure().locations("classpath:db/migration");
      (lent == null ? flyway.dataSource(jdbcUrl(), user, password) : flyway.dataSource(new Lending(lent))).load().migrate();
      List<String> complete = lent == null ? null : history();
      if (complete != null) {
        COMPLETE.add(complete);
      }
    } catch (org.flywaydb.core.api.exception.FlywayValidateException e) {
      String reasons = e.getMessage() == null ? e.toString() : e.getMessage().lines().map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("To ") && !l.startsWith("Need more flexibility"))
          .collect(java.util.stream.Collectors.joining("; "));
      throw new IllegalStateException("the database at " + host + ":" + port + "/" + database
          + " cannot be brought to this version's schema: " + reasons, e);
    } catch (org.flywaydb.core.api.FlywayException e) {
      // a database not reached (a wrong host, port or password): one line for the command that asked, the driver's reason
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String why = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage().lines().findFirst().orElse("");
      // Flyway's own first line names the migration that failed ("Migration V52__x.sql failed"), where one did
      String what = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
      throw new IllegalStateException("the database at " + address() + " cannot be reached or migrated: "
          + (what.isBlank() || what.equals(why) ? why : what + ": " + why), e);
    }
  }

  /**
   * Schema histories this process has seen Flyway bring to its migrations, or find there, each read on a start's turn
   * ({@link #startupLock()}) right after Flyway, before any other instance can migrate. Its migrations cannot change
   * while it runs, so Flyway would find the same history complete again: a database whose history is one of these (a
   * second gateway in one process, a copy of a migrated database) is not scanned, read and validated a second time.
   * Any other history (another version's, one changed by hand, one row different) goes to Flyway, as always.
   */
  private static final Set<List<String>> COMPLETE = ConcurrentHashMap.newKeySet();

  /**
   * Every row of Flyway's history table, every column, in order; null without the table or when it cannot be read. The
   * table is the one Flyway uses, in the connection's current schema (not the first one along the search path).
   */
  private List<String> history() {
    try (Connection c = connect(); var st = c.createStatement()) {
      String table;
      try (var rs = st.executeQuery("select quote_ident(current_schema()) || '.flyway_schema_history',"
          + " to_regclass(quote_ident(current_schema()) || '.flyway_schema_history') is not null")) {
        if (!rs.next() || !rs.getBoolean(2)) {
          return null;
        }
        table = rs.getString(1);
      }
      List<String> rows = new ArrayList<>();
      try (var rs = st.executeQuery("select h::text from " + table + " h order by installed_rank")) {
        while (rs.next()) {
          rows.add(rs.getString(1));
        }
      }
      return List.copyOf(rows);
    } catch (SQLException e) {
      return null; // Flyway tries, and says what is wrong
    }
  }

  /** host:port/database, as operators' messages name it (never the password). */
  public String address() {
    return host + ":" + port + "/" + database;
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  /** The same database reached at another address: through a balancer or a proxy in front of it. */
  public Database through(String otherHost, int otherPort) {
    return new Database(null, otherHost, otherPort, database, user, password);
  }

  /**
   * A statement written for the reactive client ({@code $1}, {@code $2}, ...) as JDBC wants it ({@code ?}):
   * one text for both clients. Parameters are then set per occurrence, in order.
   */
  public static String jdbc(String sql) {
    return sql.replaceAll("\\$\\d+", "?");
  }

  /**
   * A blocking JDBC connection (start-up, bulk import and tests only; never on an event loop); on a {@link StartupTurn}'s
   * database, the turn's own connection lent.
   */
  public Connection connect() throws SQLException {
    return lent == null ? DriverManager.getConnection(jdbcUrl(), user, password) : lent(lent);
  }

  /** The turn's connection for Flyway, which asks a data source for its connections. */
  private record Lending(Connection held) implements javax.sql.DataSource {
    @Override
    public Connection getConnection() {
      return lent(held);
    }

    @Override
    public Connection getConnection(String username, String password) {
      return lent(held);
    }

    @Override
    public java.io.PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(java.io.PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public java.util.logging.Logger getParentLogger() throws java.sql.SQLFeatureNotSupportedException {
      throw new java.sql.SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }

  public PgConnectOptions connectOptions(int pipeliningLimit) {
    return new PgConnectOptions().setHost(host).setPort(port).setDatabase(database).setUser(user).setPassword(password)
        .setPipeliningLimit(pipeliningLimit).setCachePreparedStatements(true).setPreparedStatementCacheMaxSize(256);
  }

  /** Stops an embedded server, once; a second caller (the exit hook, a test's own) returns when it has stopped. */
  @Override
  public synchronized void close() {
    if (embedded != null && !closed) {
      closed = true;
      try {
        embedded.close();
      } catch (IOException e) {
        LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
      }
      EmbeddedServer.closeQuietly(owner);
    }
  }
}
