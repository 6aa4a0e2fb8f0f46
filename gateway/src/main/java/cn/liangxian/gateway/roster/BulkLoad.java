package cn.liangxian.gateway.roster;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The bulk path into PostgreSQL: COPY lines into a staging table, dropping refused lines, ANALYZE afterwards. */
final class BulkLoad {
  /** The class of the advisory locks that take roster and department-list imports one at a time (with their key). */
  static final int ROSTER_LOCK = 1381188690;
  /**
   * Taken shared by every import, for its transaction, and tried exclusively by the sweep that seals ID tails
   * ({@link ClearIdTails}): the sweep's update and an import's would otherwise lock persons and households in opposite
   * orders. The sweep waits for no import: it tries again at its next round.
   */
  static final String IMPORTING = "select pg_advisory_xact_lock_shared(" + ROSTER_LOCK + ", hashtext('ID tail sealing'))";
  static final String SEALING = "select pg_try_advisory_xact_lock(" + ROSTER_LOCK + ", hashtext('ID tail sealing')) as taken";
  /** As {@link #SEALING}, waiting for the imports under way to end (a command's, not the sweep's). */
  static final String SEALING_WAIT = "select pg_advisory_xact_lock(" + ROSTER_LOCK + ", hashtext('ID tail sealing'))";

  // logged under the importer's name, as before the split: log filters and alerts keep matching
  private static final Logger LOG = LoggerFactory.getLogger(RosterImport.class);
  private static final HexFormat HEX = HexFormat.of();
  private static final int CHUNK = 1 << 20;

  private BulkLoad() {}

  /** One CSV line for COPY: null is an empty unquoted field, everything else quoted. */
  static String line(String... fields) {
    StringBuilder out = new StringBuilder(256);
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      String f = fields[i];
      if (f != null) {
        out.append('"');
        if (f.indexOf('"') < 0) {
          out.append(f);
        } else {
          out.append(f.replace("\"", "\"\""));
        }
        out.append('"');
      }
    }
    return out.append('\n').toString();
  }

  /** Bytes as a bytea literal in COPY's text form. */
  static String bytea(byte[] bytes) {
    return "\\x" + HEX.formatHex(bytes);
  }

  /**
   * Copies CSV lines made by {@link #line} into {@code table}, a megabyte at a time: a million persons' lines
   * are never joined into one string (that took a quarter of a big import's time, growing and copying it).
   */
  static void copyIn(Connection c, String table, List<String> lines) throws SQLException {
    CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn("copy " + table + " from stdin (format csv)");
    try {
      byte[] chunk = new byte[CHUNK];
      int used = 0;
      for (String line : lines) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        if (used > 0 && used + bytes.length > CHUNK) {
          copy.writeToCopy(chunk, 0, used);
          used = 0;
        }
        if (bytes.length >= CHUNK) {
          copy.writeToCopy(bytes, 0, bytes.length);
        } else {
          System.arraycopy(bytes, 0, chunk, used, bytes.length);
          used += bytes.length;
        }
      }
      if (used > 0) {
        copy.writeToCopy(chunk, 0, used);
      }
      copy.endCopy();
    } catch (SQLException | RuntimeException e) {
      // cancelled so that the connection can roll back; a failure to cancel must not hide why the copy failed
      if (copy.isActive()) {
        try {
          copy.cancelCopy();
        } catch (SQLException | RuntimeException cancel) {
          e.addSuppressed(cancel);
        }
      }
      throw e;
    }
  }

  /**
   * Why an import's statement failed, for the operator and the log, without what PostgreSQL quotes from the rows
   * (its message and context may hold a resident's name or number): the SQLSTATE, the staging line and column it
   * names, and the driver's own words when the server sent none. A value the file holds that PostgreSQL refuses (SQLSTATE
   * class 22, data exception, or 23, a constraint) is the file's fault: an {@link IllegalArgumentException}, which an
   * upload answers 422; anything else (the database unreachable) an {@link IllegalStateException}.
   */
  static RuntimeException failed(String file, SQLException e) {
    StringBuilder why = new StringBuilder("import of ").append(file).append(" failed, nothing was imported: ");
    ServerErrorMessage server = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
    if (server == null) {
      why.append(e.getSQLState() == null ? "" : "SQLSTATE " + e.getSQLState() + ", ").append(e.getMessage());
    } else {
      why.append("SQLSTATE ").append(server.getSQLState());
      Matcher at = COPY_CONTEXT.matcher(server.getWhere() == null ? "" : server.getWhere());
      if (at.find()) {
        why.append(" at staging line ").append(at.group(1));
        if (at.group(2) != null) {
          why.append(", column ").append(at.group(2));
        }
      }
      if (server.getConstraint() != null) {
        why.append(", constraint ").append(server.getConstraint());
      }
    }
    String state = server != null ? server.getSQLState() : e.getSQLState();
    if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
      return new IllegalArgumentException(why.toString());
    }
    // the connection lost, a deadlock or a serialisation failure, the server shutting down or out of resources: the
    // file is not at fault, and the same import may be sent again
    // (never with the exception as its cause: PostgreSQL's detail quotes the row's values, a name among them, and a
    // cause would be logged)
    return state != null && TRANSIENT.matcher(state).matches() ? new Unavailable(why.toString())
        : new IllegalStateException(why.toString());
  }

  private static final Pattern TRANSIENT = Pattern.compile("08...|40...|53...|57P0[1-3]");

  /** An import the database could not take now (failing over, a deadlock): nothing imported, to be sent again. */
  static final class Unavailable extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    Unavailable(String message) {
      super(message);
    }
  }

  private static final Pattern COPY_CONTEXT = Pattern.compile("COPY \\S+, line (\\d+)(?:, column (\\w+))?");

  /** Removes the lines refused so far from the staging table, so that only good rows are inserted. */
  static void dropLines(Connection c, String table, List<RosterProblem> problems) throws SQLException {
    if (problems.isEmpty()) {
      return;
    }
    try (PreparedStatement del = c.prepareStatement("delete from " + table + " where line = ?")) {
      for (RosterProblem p : problems) {
        del.setInt(1, p.line());
        del.addBatch();
      }
      del.executeBatch();
    }
  }

  /**
   * Brings the planner's statistics up to date after a bulk import, at once rather than whenever
   * autovacuum comes round: a lookup planned on the row counts of an empty table reads the whole person
   * table (seen in the load test: a tenth of the lookup rate right after a million persons came in).
   * Only when the import is large against what the planner last counted in the main table (autovacuum's
   * own 10% rule, applied now): a village's fifty rows into a province's table would re-sample millions
   * for nothing.
   */
  static void refreshStatistics(Connection c, int imported, String mainTable, String tables) {
    if (imported == 0) {
      return;
    }
    try (Statement st = c.createStatement()) {
      c.setAutoCommit(true);
      try (ResultSet rs = st.executeQuery("select reltuples from pg_class where relname = '" + mainTable + "'")) {
        double counted = rs.next() ? rs.getDouble(1) : -1; // -1: never analysed
        if (counted > 0 && imported < counted * 0.1) {
          return;
        }
      }
      st.execute("analyze " + tables);
    } catch (SQLException e) {
      LOG.warn("imported, but could not analyse {}: {}", tables, e.getMessage());
    }
  }

  /** Phase timings of big imports (bulk loads are watched); small ones only at debug level. */
  static void progress(int rows, String format, Object... args) {
    if (rows >= 50_000) {
      LOG.info(format, args);
    } else {
      LOG.debug(format, args);
    }
  }
}
