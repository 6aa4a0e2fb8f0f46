package cn.liangxian.gateway.db;

import cn.liangxian.gateway.config.SecretFile;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-command default's PostgreSQL: real server binaries with data under the data directory, run
 * durably (fsync, synchronous commit, full pages: a power cut loses no committed payment) and with a
 * password on every connection. A server left running by a gateway that was killed is stopped first,
 * so that one start after a crash succeeds; one whose gateway still runs (a second process started beside
 * it: another gateway, {@code roster import}, {@code operator add}) is left alone, and the second process
 * refused. Which process a server belongs to is kept beside its data directory (its name and {@value #OWNER_SUFFIX}).
 */
final class EmbeddedServer {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);
  static final String PASSWORD_FILE = "postgres.password";
  /** The first line of the pg_hba.conf the gateway writes: its presence says passwords are in force. */
  private static final String HBA_MARK = "# written by the gateway: every connection proves the password";
  /** Beside the data directory: the process that started the server, its pid and start time. */
  static final String OWNER_SUFFIX = ".owner";

  private EmbeddedServer() {}

  record Started(EmbeddedPostgres server, String password) {}

  /** A started server, and the password it takes; {@code durable} false only for throwaway test data. */
  static Started start(Path dir, Path keyDir, boolean durable) {
    String password = SecretFile.readOrCreate(keyDir.resolve(PASSWORD_FILE), "the embedded PostgreSQL's password");
    try {
      Files.createDirectories(dir);
      stopOrphan(dir);
      String sync = durable ? "on" : "off";
      EmbeddedPostgres pg;
      try {
        pg = EmbeddedPostgres.builder()
            .setDataDirectory(dir)
            .setCleanDataDirectory(false)
            // stopped by Database's own hook at exit, after a gateway's graceful stop: the library's would stop it at
            // once on SIGTERM, under the requests the gateway is still finishing
            .setRegisterShutdownHook(false)
            .setServerConfig("max_connections", "200")
            .setServerConfig("shared_buffers", "256MB")
            // the library's defaults are for throwaway test data (fsync off): a payment must survive a power cut
            .setServerConfig("fsync", sync)
            .setServerConfig("synchronous_commit", sync)
            .setServerConfig("full_page_writes", sync)
            .setServerConfig("password_encryption", "scram-sha-256")
            // bulk roster imports write a lot at once: fewer checkpoints, fewer full-page images in the WAL
            .setServerConfig("max_wal_size", "4GB")
            .setServerConfig("checkpoint_timeout", "15min")
            // what each statement costs, for the operators and the load test (CREATE EXTENSION pg_stat_statements to read it)
            .setServerConfig("shared_preload_libraries", "pg_stat_statements")
            .setConnectConfig("password", password)
            .start();
      } catch (IOException | RuntimeException e) {
        stopOrphan(dir); // a server that came up too slowly for the library is left to no one else (no hook of its own)
        throw e;
      }
      try {
        requirePasswords(pg, dir, password);
      } catch (IOException | RuntimeException e) {
        pg.close();
        throw e;
      }
      Files.writeString(ownerFile(dir), owner(ProcessHandle.current()), StandardCharsets.UTF_8);
      LOG.info("embedded PostgreSQL started on port {} with data in {} ({})", pg.getPort(), dir,
          durable ? "durable" : "NOT durable: test data only");
      return new Started(pg, password);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dir + " (its password is in "
          + keyDir.resolve(PASSWORD_FILE) + ")", e);
    }
  }

  /** A fresh data directory trusts local connections: give the superuser the password, then require it. */
  private static void requirePasswords(EmbeddedPostgres pg, Path dir, String password) throws IOException {
    Path hba = dir.resolve("pg_hba.conf");
    if (Files.readString(hba, StandardCharsets.UTF_8).startsWith(HBA_MARK)) {
      return;
    }
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute("alter role postgres password '" + password.replace("'", "''") + "'");
      Files.writeString(hba, HBA_MARK + " (" + PASSWORD_FILE + " in the key directory)\n"
          + "local all all scram-sha-256\n"
          + "host  all all 127.0.0.1/32 scram-sha-256\n"
          + "host  all all ::1/128 scram-sha-256\n", StandardCharsets.UTF_8);
      st.execute("select pg_reload_conf()");
    } catch (SQLException e) {
      throw new IOException("cannot set the embedded PostgreSQL's password: " + e.getMessage(), e);
    }
  }

  /**
   * A gateway killed with SIGKILL leaves its PostgreSQL running, holding the data directory: that
   * server is asked to stop (fast shutdown: its clients died with the gateway) before a new one starts.
   */
  private static Path ownerFile(Path dir) {
    return dir.resolveSibling(dir.getFileName() + OWNER_SUFFIX);
  }

  /** "pid start-instant": a pid alone could be another process's after a reboot or a crash. */
  private static String owner(ProcessHandle p) {
    return p.pid() + " " + p.info().startInstant().map(Object::toString).orElse("-") + "\n";
  }

  /** The process that started the server in {@code dir}, when it still runs; empty when unknown or gone. */
  static Optional<ProcessHandle> ownerOf(Path dir) {
    try {
      String[] recorded = Files.readString(ownerFile(dir), StandardCharsets.UTF_8).strip().split(" ");
      return ProcessHandle.of(Long.parseLong(recorded[0])).filter(ProcessHandle::isAlive)
          .filter(p -> owner(p).strip().equals(String.join(" ", recorded)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // none recorded: a server whose gateway is gone, or older than the record
    }
  }

  static void stopOrphan(Path dir) throws IOException {
    Path pidFile = dir.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).strip());
    } catch (RuntimeException e) {
      return; // not a pid file PostgreSQL wrote: the server's own start will say what is wrong
    }
    Optional<ProcessHandle> orphan = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
    if (orphan.isEmpty()) {
      return; // a stale file: PostgreSQL removes it itself on start
    }
    Optional<ProcessHandle> owner = ownerOf(dir);
    if (owner.isPresent()) {
      throw new IllegalStateException("the embedded PostgreSQL in " + dir + " belongs to a gateway that still runs (process "
          + owner.get().pid() + "): stop that gateway first, or go through it (rosters: POST /api/v1/operator/rosters;"
          + " accounts: POST /api/v1/operator/accounts)");
    }
    LOG.warn("stopping the embedded PostgreSQL (pid {}) left running in {} by a gateway that did not shut down", pid, dir);
    try {
      new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
      orphan.get().onExit().get(60, TimeUnit.SECONDS);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping the PostgreSQL left running in " + dir, e);
    } catch (ExecutionException | TimeoutException e) {
      // said below
    }
    throw new IOException("the PostgreSQL left running in " + dir + " (pid " + pid + ") did not stop within a minute");
  }
}
