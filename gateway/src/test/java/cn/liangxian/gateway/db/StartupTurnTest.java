package cn.liangxian.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.TestGateway;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * A start's turn at preparing the database lends its one connection to every step: what a step commits stays, what it
 * leaves open does not reach the next step, and the lock is held until the turn ends, whatever the steps close.
 */
class StartupTurnTest {

  private static int backend(Connection c) throws SQLException {
    try (var st = c.createStatement(); var rs = st.executeQuery("select pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static boolean lockFree(Database db) throws SQLException {
    try (Connection c = db.connect(); var st = c.createStatement();
        var rs = st.executeQuery("select pg_try_advisory_lock(" + Database.STARTUP_LOCK + ")")) {
      rs.next();
      return rs.getBoolean(1); // let go with the session that took it
    }
  }

  @Test
  void aStepsCommittedWorkStaysItsOpenTransactionIsRolledBackAndTheLockLastsUntilTheTurnEnds() throws Exception {
    Database db = TestGateway.server().createDatabase("turn_" + ProcessHandle.current().pid());
    try (Database.StartupTurn turn = db.startupLock()) {
      Database on = turn.database();
      try (Connection step = on.connect(); var st = step.createStatement()) {
        assertThat(backend(step)).as("the step's session").isEqualTo(backend(turn.connection()));
        st.execute("create table kept (n int)");
        st.execute("insert into kept values (1)");
        step.setAutoCommit(false);
        st.execute("insert into kept values (2)");
        step.commit();
        st.execute("insert into kept values (3)"); // left open when the step ends
      }
      try (Connection next = on.connect(); var st = next.createStatement();
          var rs = st.executeQuery("select coalesce(array_agg(n order by n)::text, '') from kept")) {
        assertThat(next.getAutoCommit()).as("the next step's auto-commit").isTrue();
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("{1,2}");
      }
      assertThat(turn.connection().isClosed()).as("the turn's connection, after its steps closed theirs").isFalse();
      assertThat(lockFree(db)).as("the start-up lock taken by another instance during the turn").isFalse();
    }
    // its session ends as the server sees the connection closed: another instance's next try gets the lock
    Eventually.until("the start-up lock once the turn has ended", () -> lockFree(db));
  }
}
