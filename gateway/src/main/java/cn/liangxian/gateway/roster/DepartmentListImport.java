package cn.liangxian.gateway.roster;

import cn.liangxian.gateway.audit.AuditLog;
import cn.liangxian.gateway.db.Database;
import cn.liangxian.gateway.http.RequestDates;
import cn.liangxian.gateway.privacy.PersonalDataCipher;
import cn.liangxian.gateway.roster.RosterCsv.Row;
import cn.liangxian.gateway.roster.RosterImport.RegionInfo;
import cn.liangxian.gateway.roster.RosterImport.Territory;
import cn.liangxian.policy.Category;
import cn.liangxian.policy.IdNumber;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A department's special-group list (低保, 特困, 残疾 ...): categories for persons already on a village
 * roster. A person on two departments' lists is flagged for cross-check.
 */
final class DepartmentListImport {
  private static final Map<String, Category> CATEGORY_NAMES = new HashMap<>();

  // by the names' compared form (CategoryNames.normal): a spreadsheet's full-width brackets, spaces and case are the same
  static {
    for (Category c : Category.values()) {
      CATEGORY_NAMES.put(CategoryNames.normal(c.name()), c);
      CATEGORY_NAMES.put(CategoryNames.normal(c.chineseName()), c);
    }
    CategoryNames.otherNames().forEach((name, c) -> CATEGORY_NAMES.put(CategoryNames.normal(name), c));
  }

  private final Database db;
  private final PersonalDataCipher cipher;
  private final Map<String, RegionInfo> regions;
  /** Every code or Chinese name a row may give: the national groups and what the regions' books declare. */
  private final Map<String, Category> names = new HashMap<>(CATEGORY_NAMES);

  DepartmentListImport(Database db, PersonalDataCipher cipher, Map<String, RegionInfo> regions) {
    this.db = db;
    this.cipher = cipher;
    this.regions = regions;
    for (RegionInfo r : regions.values()) {
      for (Category c : r.categories().declared()) {
        names.putIfAbsent(CategoryNames.normal(c.code()), c);
        names.putIfAbsent(CategoryNames.normal(c.chineseName()), c);
      }
    }
  }

  /** The counts a department list's import reports: rows inserted or whose dates changed, and persons newly cross-checked. */
  private record Stored(int imported, int flagged) {}

  ImportReport run(String file, List<Row> rows, String actor, Territory territory) {
    List<RosterProblem> problems = new ArrayList<>();
    List<String> copy = new ArrayList<>();
    for (Row r : rows.subList(1, rows.size())) {
      String reason = stageRow(r, copy);
      if (reason != null) {
        problems.add(new RosterProblem(r.line(), reason));
      }
    }
    Stored stored = store(file, copy, territory, problems, actor);
    problems.sort(Comparator.comparingInt(RosterProblem::line));
    int rowsRead = rows.size() - 1;
    return new ImportReport(file, "department list", rowsRead, stored.imported(),
        rowsRead - problems.size() - stored.imported(), problems, stored.flagged(), 0);
  }

  private static final String DATES = "valid_from and valid_to must be dates YYYY-MM-DD from 1900 to 9999";

  /** The reason a row is refused, or null once its COPY line is written. */
  private String stageRow(Row r, List<String> copy) {
    Category category = names.get(CategoryNames.normal(r.get("category")));
    if (r.problem() != null) {
      return r.problem();
    } else if (r.get("department").isEmpty() || r.get("department").length() > 30) {
      return "department is required";
    } else if (category == null) {
      // the cell masked: a column put in the wrong place may hold an ID number
      return "unknown category '" + cn.liangxian.gateway.privacy.Masking.digitRuns(r.get("category")) + "' (known: " + String.join(", ", new java.util.TreeSet<>(
          names.values().stream().map(Category::code).toList())) + ")";
    }
    IdNumber id;
    LocalDate from;
    LocalDate to;
    try {
      id = IdNumber.parse(r.get("id_number"));
      from = r.get("valid_from").isEmpty() ? null : LocalDate.parse(r.get("valid_from"));
      to = r.get("valid_to").isEmpty() ? null : LocalDate.parse(r.get("valid_to"));
    } catch (DateTimeParseException e) {
      return DATES;
    } catch (IllegalArgumentException e) {
      return "invalid ID number: " + e.getMessage();
    }
    // Java reads "+999999999-12-31" as a date, which PostgreSQL would refuse, failing the whole list
    if (from != null && !RequestDates.storable(from.getYear()) || to != null && !RequestDates.storable(to.getYear())) {
      return DATES;
    }
    if (from != null && to != null && to.isBefore(from)) {
      return "valid_to is before valid_from";
    }
    copy.add(BulkLoad.line(Integer.toString(r.line()), BulkLoad.bytea(cipher.index(id.value())),
        r.get("name"),
        category.name(), r.get("department"), from == null ? null : from.toString(), to == null ? null : to.toString()));
    return null;
  }

  /** Stages the rows, keeps those naming a person on a roster inside the territory, inserts them: all or nothing. */
  private Stored store(String file, List<String> copy, Territory territory, List<RosterProblem> problems, String actor) {
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      Stored stored;
      try (Statement st = c.createStatement()) {
        st.execute("create temp table stage_category (line int, id_index bytea, name text, category text, department text,"
            + " valid_from date, valid_to date) on commit drop");
        BulkLoad.copyIn(c, "stage_category", copy);
        refuseUnknown(c, st, territory, regions, problems);
        // one department list at a time, on any instance: two lists naming one person, imported at once, would each see
        // only its own department's row for them, and neither flag the person for a cross-check
        st.execute(BulkLoad.IMPORTING);
        st.execute("select pg_advisory_xact_lock(" + BulkLoad.ROSTER_LOCK + ", hashtext('department lists'))");
        int[] written = insert(st, file);
        stored = new Stored(written[0] + written[1], crossCheck(st));
        AuditLog.record(c, AuditLog.Change.of(actor, "roster.import", file,
            new JsonObject().put("kind", "department-list").put("imported", written[0]).put("datesChanged", written[1])));
      }
      c.commit();
      BulkLoad.refreshStatistics(c, stored.imported(), "person_category", "person_category");
      return stored;
    } catch (SQLException e) {
      throw BulkLoad.failed(file, e);
    }
  }

  /**
   * Persons on no village roster, under another name there, or living outside the importer's territory.
   * An importer limited to a territory learns nothing about anyone outside it: not whether the number is
   * on a roster elsewhere, nor the name there, nor where (one answer for all three).
   */
  private static void refuseUnknown(Connection c, Statement st, Territory territory, Map<String, RegionInfo> regions,
      List<RosterProblem> problems) throws SQLException {
    List<Integer> refused = new ArrayList<>();
    try (ResultSet rs = st.executeQuery("select s.line, p.id is null, person_name_matches(p.name_key, s.name), v.region_code,"
        + " v.township, v.name,"
        + " s.category"
        + " from stage_category s left join person p on p.id_index = s.id_index left join household h on h.id = p.household_id"
        + " left join village v on v.id = h.village_id")) {
      while (rs.next()) {
        String reason = reason(territory, rs.getBoolean(2), rs.getBoolean(3), rs.getString(4), rs.getString(5), rs.getString(6));
        if (reason == null) {
          reason = categoryUnknownToRegion(regions.get(rs.getString(4)), rs.getString(7));
        }
        if (reason != null) {
          refused.add(rs.getInt(1));
          problems.add(new RosterProblem(rs.getInt(1), reason));
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement("delete from stage_category where line = any (?)")) {
      ps.setArray(1, c.createArrayOf("int4", refused.toArray()));
      ps.executeUpdate();
    }
  }

  private static String reason(Territory territory, boolean unknown, boolean sameName, String region, String township,
      String village) {
    if (territory != Territory.ALL && (unknown || !territory.covers(region, township, village))) {
      return OUTSIDE;
    }
    if (unknown) {
      return "person is on no village roster";
    }
    return sameName ? null : "name does not match the village roster";
  }

  /** A category the person's region's book does not know (declared by another region's book only). */
  private static String categoryUnknownToRegion(RegionInfo region, String code) {
    if (region == null || region.categories().find(code).isPresent()) {
      return null;
    }
    return "unknown category '" + code + "' for " + region.name() + " (known: " + region.categories().knownCodes() + ")";
  }

  /** The one answer about a row an importer limited to a territory may not learn more of. */
  static final String OUTSIDE = "not on a village roster of your area";

  /**
   * New rows inserted; a row the department lists again with other dates (a status ended, renewed, or certified on
   * another day) takes the new dates, since they decide whether the category applies on a pay date. A person listed twice
   * in one file under one category takes the first line's. Returns the rows inserted and the rows whose dates changed.
   */
  private static int[] insert(Statement st, String file) throws SQLException {
    int[] written = new int[2];
    try (ResultSet rs = st.executeQuery("insert into person_category (person_id, category, department, valid_from, valid_to, source)"
        + " select distinct on (p.id, s.category, s.department) p.id, s.category, s.department, s.valid_from, s.valid_to, '"
        + file.replace("'", "''") + "'"
        + " from stage_category s join person p on p.id_index = s.id_index order by p.id, s.category, s.department, s.line"
        + " on conflict (person_id, category, department) do update set valid_from = excluded.valid_from,"
        + " valid_to = excluded.valid_to, source = excluded.source"
        + " where (person_category.valid_from, person_category.valid_to) is distinct from (excluded.valid_from, excluded.valid_to)"
        + " returning xmax = 0 as inserted")) {
      while (rs.next()) {
        written[rs.getBoolean(1) ? 0 : 1]++;
      }
    }
    return written;
  }

  /** The same person on two departments' lists: flagged, so that no one is paid for twice. Returns those newly flagged. */
  private static int crossCheck(Statement st) throws SQLException {
    int flagged = 0;
    try (ResultSet rs = st.executeQuery("insert into cross_check (person_id, categories, departments)"
        + " select pc.person_id, array_agg(distinct pc.category order by pc.category), array_agg(distinct pc.department order by pc.department)"
        + " from person_category pc where pc.person_id in (select p.id from stage_category s join person p on p.id_index = s.id_index)"
        + " group by pc.person_id having count(distinct pc.department) > 1"
        // new lists reopen a resolved cross-check: the choice was made on other facts
        + " on conflict (person_id) do update set categories = excluded.categories, departments = excluded.departments,"
        + " resolved_at = null, resolved_category = null"
        + " where cross_check.departments <> excluded.departments or cross_check.categories <> excluded.categories"
        + " returning person_id")) {
      while (rs.next()) {
        flagged++;
      }
    }
    return flagged;
  }
}
