package cn.liangxian.gateway.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.db.Database;
import cn.liangxian.gateway.support.TestGateway;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * V46 on a database with changes in it: an agency's change ids are renamed under its name, with the refunds they
 * planned; an administrator's file's keep theirs.
 */
class AgencyChangeIdsMigrationTest {
  @Test
  void anAgencysChangesAndTheirRefundsAreRenamedAFilesAreNot() throws Exception {
    try (Database db = TestGateway.server().createDatabase("v46_" + ProcessHandle.current().pid())) {
      Flyway.configure().dataSource(db.jdbcUrl(), db.user(), db.password()).locations("classpath:db/migration").target("45")
          .load().migrate();
      try (Connection c = db.connect(); Statement st = c.createStatement()) {
        // the rows alone: the persons and orders they name are not what V46 reads
        st.execute("set session_replication_role = replica");
        st.execute("insert into agency_change (change_id, person_id, kind, insurance, year, received_at, source) values"
            + " ('1001', 1, 'DIED', 'medical', 2020, now(), 'agency ls-medical'),"
            + " ('F-1', 2, 'DIED', null, null, now(), 'file ybj.csv by admin')");
        st.execute("insert into agency_refund (change_id, order_id, person_id, insurance, amount_fen, whole, reason, due_at) values"
            + " ('1001', gen_random_uuid(), 1, 'medical', 25000, true, 'death', now()),"
            + " ('F-1', gen_random_uuid(), 2, 'medical', 25000, true, 'death', now())");
      }
      db.migrate();
      try (Connection c = db.connect(); Statement st = c.createStatement()) {
        assertThat(column(st, "select change_id from agency_change order by change_id"))
            .containsExactly("F-1", "agency ls-medical:1001");
        assertThat(column(st, "select change_id from agency_refund order by change_id"))
            .containsExactly("F-1", "agency ls-medical:1001");
        assertThat(column(st, "select conname from pg_constraint where conname = 'agency_refund_change_id_fkey'")).hasSize(1);
      }
    }
  }

  private static List<String> column(Statement st, String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
