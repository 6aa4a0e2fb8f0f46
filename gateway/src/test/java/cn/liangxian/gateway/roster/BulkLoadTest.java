package cn.liangxian.gateway.roster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import cn.liangxian.gateway.support.TestGateway;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** COPY into a staging table: lines of any size arrive whole, and a refused copy is told without the row it quotes. */
class BulkLoadTest {
  TestGateway g;

  @BeforeEach
  void start() throws Exception {
    g = new TestGateway();
  }

  @AfterEach
  void stop() throws Exception {
    g.close();
  }

  @Test
  void linesAcrossChunksAndLongerThanAChunkArriveWhole() throws Exception {
    List<String> lines = new ArrayList<>();
    String longName = "长".repeat(400_000); // 1.2 MB in UTF-8: longer than one chunk
    for (int i = 0; i < 30_000; i++) {
      lines.add(BulkLoad.line(Integer.toString(i), i == 12_345 ? longName : "居民\"" + i + "\"号", null));
    }
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      st.execute("create temp table stage_test (line int, name text, note text) on commit drop");
      BulkLoad.copyIn(c, "stage_test", lines);
      try (ResultSet rs = st.executeQuery("select count(*), sum(length(name)), count(note),"
          + " (select name from stage_test where line = 29999) from stage_test")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(30_000);
        long expected = 400_000L - ("居民\"12345\"号").length();
        for (int i = 0; i < 30_000; i++) {
          expected += ("居民\"" + i + "\"号").length();
        }
        assertThat(rs.getLong(2)).isEqualTo(expected);
        assertThat(rs.getInt(3)).isZero();
        assertThat(rs.getString(4)).isEqualTo("居民\"29999\"号");
      }
      c.rollback();
    }
  }

  @Test
  void aRefusedCopyIsToldByItsLineAndColumnNotByWhatTheRowHolds() throws Exception {
    try (Connection c = g.db.connect(); Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      st.execute("create temp table stage_test (line int, born date) on commit drop");
      SQLException e = catchThrowableOfType(SQLException.class,
          () -> BulkLoad.copyIn(c, "stage_test", List.of(BulkLoad.line("1", "1970-01-01"), BulkLoad.line("2", "张三丰"))));
      assertThat(e.getMessage()).as("PostgreSQL quotes the row: the reason to reword it").contains("张三丰");
      String told = BulkLoad.failed("roster.csv", e).getMessage();
      assertThat(told).contains("roster.csv").contains("SQLSTATE 22007").contains("line 2").contains("column born")
          .doesNotContain("张三丰");
      assertThat(BulkLoad.failed("roster.csv", e).getCause()).isNull();
      assertThat(BulkLoad.failed("roster.csv", e)).as("a value of the file refused: the file's fault").isInstanceOf(IllegalArgumentException.class);
      assertThat(BulkLoad.failed("roster.csv", new SQLException("Connection refused", "08001")))
          .as("the database unreachable: not the file's fault").isInstanceOf(IllegalStateException.class);
      c.rollback();
      // the copy was ended: the same connection goes on
      try (ResultSet rs = st.executeQuery("select 1")) {
        assertThat(rs.next()).isTrue();
      }
    }
  }

  /** A database that could not take the import now is told apart from a file at fault: the same file may be sent again. */
  @org.junit.jupiter.api.Test
  void aFailureOfTheDatabaseIsToldApartFromAFileAtFault() {
    org.assertj.core.api.Assertions.assertThat(BulkLoad.failed("a.csv", new java.sql.SQLException("deadlock detected", "40P01")))
        .isInstanceOf(BulkLoad.Unavailable.class).hasMessageContaining("nothing was imported").hasNoCause();
    org.assertj.core.api.Assertions.assertThat(BulkLoad.failed("a.csv", new java.sql.SQLException("connection lost", "08006")))
        .isInstanceOf(BulkLoad.Unavailable.class);
    org.assertj.core.api.Assertions.assertThat(BulkLoad.failed("a.csv", new java.sql.SQLException("duplicate key", "23505")))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThat(BulkLoad.failed("a.csv", new java.sql.SQLException("no such table", "42P01")))
        .isExactlyInstanceOf(IllegalStateException.class);
  }
}
