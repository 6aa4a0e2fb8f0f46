package cn.liangxian.gateway.db;

import cn.liangxian.gateway.config.SecretFile;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
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
 * refused. The server's owner holds an operating-system lock on a file beside its data directory (its name and
 * {@value #OWNER_SUFFIX}) from before the server starts until it has stopped: a process that dies, however it dies,
 * lets go of it, and a clock set back or a pid used again changes nothing.
 */
final class EmbeddedServer {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);
  static final String PASSWORD_FILE = "postgres.password";
  /** The first line of the pg_hba.conf the gateway writes: its presence says passwords are in force. */
  private static final String HBA_MARK = "# written by the gateway: every connection proves the password";
  /** Beside the data directory: the file whose lock the server's process holds, its pid written in it. */
  static final String OWNER_SUFFIX = ".owner";

  private EmbeddedServer() {}

  /** A started server, its password, and the lock that says it is this process's (released once it has stopped). */
  record Started(EmbeddedPostgres server, String password, FileChannel owner) {}

  /** A started server, and the password it takes; {@code durable} false only for throwaway test data. */
  static Started start(Path dir, Path keyDir, boolean durable) {
    String password = SecretFile.readOrCreate(keyDir.resolve(PASSWORD_FILE), "the embedded PostgreSQL's password");
    FileChannel owner = null;
    try {
      Files.createDirectories(dir);
      owner = own(dir);
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
            // the server's own log (its errors, refused logins, checkpoints, an autovacuum that took a second or more) in
            // files of its own under <data>/postgres/log, one a weekday, each emptied a week later: the gateway's log keeps
            // none of the server's lines
            .setServerConfig("logging_collector", "on")
            .setServerConfig("log_directory", "log")
            .setServerConfig("log_filename", "postgresql-%a.log")
            .setServerConfig("log_truncate_on_rotation", "on")
            .setServerConfig("log_rotation_age", "1d")
            .setServerConfig("log_rotation_size", "0")
            .setServerConfig("log_autovacuum_min_duration", "1s")
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
      LOG.info("embedded PostgreSQL started on port {} with data in {} ({})", pg.getPort(), dir,
          durable ? "durable" : "NOT durable: test data only");
      return new Started(pg, password, owner);
    } catch (RuntimeException e) {
      closeQuietly(owner); // no server of ours runs: the lock goes
      throw e;
    } catch (IOException e) {
      closeQuietly(owner);
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
      leaveToTheCommandLine(st);
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
   * The reload re-reads postgresql.conf as initdb wrote it, whose max_connections and shared_buffers differ from those
   * this server is started with on its command line; a setting that takes a restart and differs is logged as an error in
   * the file ("contains errors"), an alarm for nothing. Those lines are commented out, marked as set on the command line:
   * it sets them at every start, and no value of them is kept anywhere else to fall out of step with the code.
   */
  private static void leaveToTheCommandLine(Statement st) throws SQLException, IOException {
    Path conf = null;
    List<Integer> lines = new ArrayList<>();
    try (ResultSet rs = st.executeQuery("select f.sourcefile, f.sourceline from pg_file_settings f join pg_settings s"
        + " on s.name = f.name where s.context = 'postmaster' and s.source = 'command line'"
        + " and f.sourcefile = current_setting('config_file')")) {
      while (rs.next()) {
        conf = Path.of(rs.getString(1));
        lines.add(rs.getInt(2));
      }
    }
    if (conf == null) {
      return;
    }
    List<String> text = new ArrayList<>(Files.readAllLines(conf, StandardCharsets.UTF_8));
    for (int n : lines) {
      if (n >= 1 && n <= text.size()) {
        text.set(n - 1, "#" + text.get(n - 1) + "\t# set on the command line at every start (the gateway's EmbeddedServer)");
      }
    }
    Path written = conf.resolveSibling(conf.getFileName() + ".new");
    Files.write(written, text, StandardCharsets.UTF_8);
    Files.move(written, conf, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static Path ownerFile(Path dir) {
    return dir.resolveSibling(dir.getFileName() + OWNER_SUFFIX);
  }

  /**
   * The lock that makes the server in {@code dir} this process's, with this process's pid written under it (for
   * the message another process gets); refused while another process holds it.
   */
  static FileChannel own(Path dir) throws IOException {
    FileChannel ch = FileChannel.open(ownerFile(dir), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // this very process holds it already: a second server on the same folder is as wrong
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      String holder;
      try {
        holder = new String(Files.readAllBytes(ownerFile(dir)), StandardCharsets.UTF_8).strip();
      } finally {
        ch.close();
      }
      throw new IllegalStateException("the embedded PostgreSQL in " + dir + " belongs to a gateway that still runs"
          + (holder.matches("[0-9]+") ? " (process " + holder + ")" : "") + ": stop that gateway first, or go through it"
          + " (rosters: POST /api/v1/operator/rosters; accounts: POST /api/v1/operator/accounts)");
    }
    ch.truncate(0);
    ch.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)), 0);
    ch.force(false);
    return ch;
  }

  static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // the lock goes with the channel, or with the process
      }
    }
  }

  /**
   * A gateway killed with SIGKILL leaves its PostgreSQL running, holding the data directory: that
   * server is asked to stop (fast shutdown: its clients died with the gateway) before a new one starts.
   * Called holding the owner's lock ({@link #own}): a server still running is then no live gateway's.
   */
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
