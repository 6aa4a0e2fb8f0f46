package cn.liangxian.gateway.roster;

import cn.liangxian.gateway.audit.AuditLog;
import cn.liangxian.gateway.db.Database;
import cn.liangxian.gateway.roster.RosterCsv.Row;
import cn.liangxian.gateway.roster.RosterImport.Territory;
import cn.liangxian.gateway.roster.RosterRowCheck.Checked;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A village roster (征收清册): persons in their households and villages. Rows are checked alone, then
 * against the rest of the file, then against the database; the good ones go in with one set-based insert.
 */
final class VillageRosterImport {
  private final Database db;
  private final RosterRowCheck rowCheck;

  VillageRosterImport(Database db, RosterRowCheck rowCheck) {
    this.db = db;
    this.rowCheck = rowCheck;
  }

  ImportReport run(String file, List<Row> rows, String actor, Territory territory) {
    List<RosterProblem> problems = new ArrayList<>();
    List<String> copy = new ArrayList<>(rows.size());
    Phases phases = new Phases(file, rows.size());
    checkRows(rows, territory, problems, copy);
    phases.done(copy.size() + " rows checked and encrypted");
    int imported = store(file, copy, problems, actor, territory, phases);
    problems.sort(Comparator.comparingInt(RosterProblem::line));
    int rowsRead = rows.size() - 1;
    // a line at odds with the database twice (its person and its household elsewhere) has two problems, one line refused
    long refused = problems.stream().mapToInt(RosterProblem::line).distinct().count();
    return new ImportReport(file, "village roster", rowsRead, imported, (int) (rowsRead - refused - imported), problems, 0, 0);
  }

  /** Refuses rows that are bad alone, outside the territory or at odds with an earlier line; writes the rest for COPY. */
  private void checkRows(List<Row> rows, Territory territory, List<RosterProblem> problems, List<String> copy) {
    WithinFile seen = new WithinFile();
    // the per-row checks and the encryption are independent of each other: spread over the cores
    List<Checked> checked = rows.subList(1, rows.size()).parallelStream().map(rowCheck::check).toList();
    for (Checked k : checked) {
      Row r = k.row();
      String reason = k.reason();
      if (reason == null && !territory.covers(r.get("region_code"), r.get("township"), r.get("village"))) {
        reason = "outside your scope: " + r.get("region_code") + "/" + r.get("township") + "/" + r.get("village");
      }
      if (reason == null) {
        reason = seen.reason(r, k.index());
      }
      if (reason != null) {
        problems.add(new RosterProblem(r.line(), reason));
        continue;
      }
      copy.add(k.copyLine());
    }
  }

  /** Within one file a person is listed once, and a household number belongs to one village. */
  private static final class WithinFile {
    private final Map<ByteBuffer, Integer> seenPerson = new HashMap<>();
    private final Map<ByteBuffer, String> personHousehold = new HashMap<>();
    private final Map<String, String> householdVillage = new HashMap<>();

    String reason(Row r, byte[] index) {
      ByteBuffer key = ByteBuffer.wrap(index);
      String household = r.get("household");
      String village = r.get("region_code") + "/" + r.get("township") + "/" + r.get("village");
      // a household number is its county's (region's): 0001 in two regions is two households
      String knownVillage = householdVillage.putIfAbsent(r.get("region_code") + "/" + household, village);
      Integer firstLine = seenPerson.putIfAbsent(key, r.line());
      if (knownVillage != null && !knownVillage.equals(village)) {
        if (firstLine == null) {
          seenPerson.remove(key); // a line refused does not list the person: a later good line of theirs is the one
        }
        return "household " + household + " is also listed in another village";
      }
      if (firstLine != null) {
        return personHousehold.get(key).equals(r.get("region_code") + "/" + household)
            ? "person listed twice (also line " + firstLine + ")"
            : "person in two households (also line " + firstLine + ", household "
                + personHousehold.get(key).substring(personHousehold.get(key).indexOf('/') + 1) + ")";
      }
      personHousehold.put(key, r.get("region_code") + "/" + household);
      return null;
    }
  }

  /** Stages the checked rows, refuses those at odds with the database, inserts the rest: all or nothing. */
  private int store(String file, List<String> copy, List<RosterProblem> problems, String actor, Territory territory,
      Phases phases) {
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      int imported;
      try (Statement st = c.createStatement()) {
        // named by the key its rows are sealed under, as a gateway's listening connection is (see KeyRotation)
        st.execute("set application_name = '" + rowCheck.sealingName() + "'");
        stage(c, st, copy);
        phases.done("copied to staging");
        // one import of a region at a time, on any instance: two villages' files naming household 0001 of one region
        // would each find it free, and the second's persons would join the first's household in the other village
        st.execute(BulkLoad.IMPORTING);
        st.execute("select pg_advisory_xact_lock(" + BulkLoad.ROSTER_LOCK + ", hashtext(region_code))"
            + " from (select distinct region_code from stage_person order by 1) r");
        phases.done("the regions' imports taken");
        refuseConflicts(st, territory, problems);
        BulkLoad.dropLines(c, "stage_person", problems);
        phases.done("checked against the database");
        int[] written = insert(st, phases);
        imported = written[0] + written[1];
        AuditLog.record(c, AuditLog.Change.of(actor, "roster.import", file,
            new JsonObject().put("kind", "village-roster").put("imported", written[0]).put("updated", written[1])));
      }
      c.commit();
      phases.done("committed " + imported + " persons");
      BulkLoad.refreshStatistics(c, imported, "person", "village, household, person");
      phases.done("statistics refreshed");
      return imported;
    } catch (SQLException e) {
      throw BulkLoad.failed(file, e);
    }
  }

  /** Each step of a big import logged with its time, so that an operator sees where a slow one spends it. */
  private static final class Phases {
    private final String file;
    private final int rows;
    private long since = System.nanoTime();

    Phases(String file, int rows) {
      this.file = file;
      this.rows = rows;
    }

    void done(String what) {
      long now = System.nanoTime();
      BulkLoad.progress(rows, "{}: {} in {} ms", file, what, (now - since) / 1_000_000);
      since = now;
    }
  }

  private static void stage(Connection c, Statement st, List<String> copy) throws SQLException {
    // a fresh session: temp_buffers can still grow, so the staging table stays in memory
    st.execute("set local temp_buffers = '512MB'");
    st.execute("set local work_mem = '256MB'");
    st.execute("create temp table stage_person (line int, region_code text, township text, village text, household text,"
        + " id_index bytea, id_enc bytea, id_masked text, id_tail bytea, name text, birth_date date, sex char(1), local boolean,"
        + " enrolled_elsewhere boolean, guardian_index bytea, guardian_name text, guardian_phone_enc bytea,"
        + " spouse_birth_date date, spouse_sex char(1), medical_last_year smallint) on commit drop");
    BulkLoad.copyIn(c, "stage_person", copy);
    st.execute("analyze stage_person"); // temp tables are never auto-analysed; the joins below need the row count
  }

  /**
   * Already in another household, or a household number that belongs to another village. When that
   * other household lies outside the importer's territory, the answer names nothing of it.
   */
  private static void refuseConflicts(Statement st, Territory territory, List<RosterProblem> problems) throws SQLException {
    try (ResultSet rs = st.executeQuery("select s.line, h.roster_ref, v.region_code, v.township, v.name from stage_person s"
        + " join person p on p.id_index = s.id_index join household h on h.id = p.household_id join village v on v.id = h.village_id"
        + " where (h.region_code, h.roster_ref) <> (s.region_code, s.household)")) {
      while (rs.next()) {
        problems.add(new RosterProblem(rs.getInt(1), territory.covers(rs.getString(3), rs.getString(4), rs.getString(5))
            ? "person in two households (already in household " + rs.getString(2) + ")"
            : "person already on a village roster outside your area"));
      }
    }
    try (ResultSet rs = st.executeQuery("select s.line, s.household, v.region_code, v.township, v.name from stage_person s"
        + " join household h on (h.region_code, h.roster_ref) = (s.region_code, s.household) join village v on v.id = h.village_id"
        + " where (v.township, v.name) <> (s.township, s.village)")) {
      while (rs.next()) {
        problems.add(new RosterProblem(rs.getInt(1), territory.covers(rs.getString(3), rs.getString(4), rs.getString(5))
            ? "household " + rs.getString(2) + " belongs to another village"
            : "household " + rs.getString(2) + " is already used outside your area"));
      }
    }
  }

  /**
   * Villages, households, then persons; rows already there stay as they are, but for what a later file may add. Returns
   * the persons inserted, and those already there the file added to.
   */
  private static int[] insert(Statement st, Phases phases) throws SQLException {
    st.execute("insert into village (region_code, township, name) select distinct region_code, township, village"
        + " from stage_person on conflict do nothing");
    st.execute("insert into household (village_id, region_code, roster_ref) select distinct on (s.region_code, s.household)"
        + " v.id, s.region_code, s.household"
        + " from stage_person s join village v on (v.region_code, v.township, v.name) = (s.region_code, s.township, s.village)"
        + " order by s.region_code, s.household on conflict (region_code, roster_ref) do nothing");
    phases.done("villages and households inserted");
    int persons = st.executeUpdate("insert into person (household_id, id_index, id_enc, id_masked, id_tail, name, birth_date, sex, local,"
        + " enrolled_elsewhere, guardian_index, guardian_name, guardian_phone_enc, spouse_birth_date, spouse_sex, medical_last_year)"
        + " select h.id, s.id_index, s.id_enc, s.id_masked, s.id_tail, s.name, s.birth_date, s.sex, s.local, s.enrolled_elsewhere,"
        + " s.guardian_index, s.guardian_name, s.guardian_phone_enc, s.spouse_birth_date, s.spouse_sex, s.medical_last_year"
        + " from stage_person s"
        + " join household h on (h.region_code, h.roster_ref) = (s.region_code, s.household)"
        + " on conflict (id_index) do nothing");
    phases.done("persons inserted");
    // a person already there keeps everything, but a spouse the file names now (married since, or a roster that did not
    // say before) is taken: it only adds what an assessment reads; and a later year of cover the agency records (this
    // year's roster after last year's), never an earlier one, which would make a resident wait for a break an older file
    // did not yet know had ended. One pass over the staged rows for both (greatest ignores a missing year)
    int updated = st.executeUpdate("update person p set"
        + " spouse_birth_date = coalesce(s.spouse_birth_date, p.spouse_birth_date),"
        + " spouse_sex = case when s.spouse_birth_date is null then p.spouse_sex else s.spouse_sex end,"
        + " medical_last_year = greatest(p.medical_last_year, s.medical_last_year)"
        + " from stage_person s where p.id_index = s.id_index"
        + " and (s.spouse_birth_date is not null and (p.spouse_birth_date, p.spouse_sex) is distinct from (s.spouse_birth_date, s.spouse_sex)"
        + " or s.medical_last_year is not null and (p.medical_last_year is null or p.medical_last_year < s.medical_last_year))");
    return new int[] {persons, updated};
  }
}
