package cn.liangxian.gateway.roster;

import java.util.LinkedHashMap;
import cn.liangxian.policy.InsuranceTerms;
import cn.liangxian.policy.Insurance;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.audit.AuditLog;
import cn.liangxian.gateway.db.Database;
import cn.liangxian.gateway.privacy.PersonalDataCipher;
import cn.liangxian.gateway.roster.RosterCsv.Row;
import cn.liangxian.policy.Category;
import cn.liangxian.policy.IdNumber;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Imports village rosters (征收清册) and departments' special-group lists from CSV (UTF-8 or GB18030).
 * Every bad row is reported with its line and reason while the good rows import; importing the same
 * file twice changes nothing. Rows are checked and encrypted here, then go to PostgreSQL through COPY
 * into a staging table and one set-based insert, so a million persons import in one pass.
 *
 * <p>Blocking (JDBC): runs from the command line or before the HTTP server starts, never on an event loop.
 */
public final class RosterImport {
  private static final Map<String, Category> CATEGORY_NAMES = new HashMap<>();

  static {
    for (Category c : Category.values()) {
      CATEGORY_NAMES.put(c.name(), c);
      CATEGORY_NAMES.put(c.chineseName(), c);
    }
    CATEGORY_NAMES.put("低保", Category.DIBAO);
    CATEGORY_NAMES.put("特困", Category.TEKUN);
    CATEGORY_NAMES.put("五保", Category.WUBAO);
    CATEGORY_NAMES.put("建档立卡", Category.POVERTY);
    CATEGORY_NAMES.put("重度残疾", Category.SEVERE_DISABLED);
    CATEGORY_NAMES.put("残疾", Category.DISABLED);
    CATEGORY_NAMES.put("优抚", Category.PRIORITY_CARE);
    CATEGORY_NAMES.put("孤儿", Category.ORPHAN);
  }

  /** What the importer needs to know of a region: its name and the date ages are counted on. */
  public record RegionInfo(String code, String name, String book, LocalDate ageDate) {}

  private final Database db;
  private final PersonalDataCipher cipher;
  private final Map<String, RegionInfo> regions;
  private final VillageRosterImport villageRoster;

  public RosterImport(Database db, PersonalDataCipher cipher, Map<String, RegionInfo> regions) {
    this.db = db;
    this.cipher = cipher;
    this.regions = regions;
    this.villageRoster = new VillageRosterImport(db, new RosterRowCheck(cipher, regions));
  }

  /** Makes sure every configured region exists (idempotent). */
  public void registerRegions() {
    try (Connection c = db.connect();
        PreparedStatement ps = c.prepareStatement(
            "insert into region (code, name, book) values (?, ?, ?) on conflict (code) do update set name = excluded.name, book = excluded.book")) {
      for (RegionInfo r : regions.values()) {
        ps.setString(1, r.code());
        ps.setString(2, r.name());
        ps.setString(3, r.book());
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot register regions: " + e.getMessage(), e);
    }
  }

  public ImportReport importFile(Path file) {
    try {
      return importCsv(file.getFileName().toString(), Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  public ImportReport importCsv(String name, byte[] content) {
    return importCsv(name, content, "cli");
  }

  /** What the import needs of each region served: its name, its book, and the date ages are counted on. */
  public static Map<String, RegionInfo> regionInfo(Regions regions) {
    Map<String, RegionInfo> m = new LinkedHashMap<>();
    for (Regions.Entry e : regions.all()) {
      LocalDate ageDate = e.book().terms(Insurance.MEDICAL).or(() -> e.book().terms(Insurance.PENSION))
          .map(InsuranceTerms::ageReferenceDate).orElse(regions.payDate(e));
      m.put(e.code(), new RegionInfo(e.code(), e.name(), e.book().file(), ageDate));
    }
    return m;
  }

  /** The places an importer may change: rows elsewhere are rejected, one by one, with the reason. */
  @FunctionalInterface
  public interface Territory {
    Territory ALL = (region, township, village) -> true;

    boolean covers(String region, String township, String village);
  }

  /** Imports one file; {@code actor} (cli, demo, an operator's name) goes to the audit log. */
  public ImportReport importCsv(String name, byte[] content, String actor) {
    return importCsv(name, content, actor, Territory.ALL);
  }

  /** As {@link #importCsv(String, byte[], String)}, changing only persons inside {@code territory}. */
  public ImportReport importCsv(String name, byte[] content, String actor, Territory territory) {
    long start = System.nanoTime();
    List<Row> rows = RosterCsv.parse(RosterCsv.decode(content));
    BulkLoad.progress(rows.size(), "{}: {} lines parsed in {} ms", name, rows.size(), (System.nanoTime() - start) / 1_000_000);
    if (rows.isEmpty()) {
      throw new IllegalArgumentException(name + ": no header line");
    }
    Set<String> header = rows.get(0).values().keySet();
    ImportReport report;
    if (header.contains("department")) {
      report = departmentList(name, rows, actor, territory);
    } else if (header.contains("household")) {
      report = villageRoster.run(name, rows, actor, territory);
    } else {
      throw new IllegalArgumentException(name + ": not a village roster (needs a 'household' column) nor a department"
          + " list (needs a 'department' column)");
    }
    return new ImportReport(report.file(), report.kind(), report.rows(), report.imported(), report.unchanged(),
        report.problems(), report.crossChecks(), (System.nanoTime() - start) / 1_000_000);
  }

  // ------------------------------------------------------------------ department lists

  private ImportReport departmentList(String file, List<Row> rows, String actor, Territory territory) {
    List<RosterProblem> problems = new ArrayList<>();
    StringWriter copy = new StringWriter();
    for (Row r : rows.subList(1, rows.size())) {
      String reason = null;
      IdNumber id = null;
      Category category = CATEGORY_NAMES.get(r.get("category"));
      LocalDate from = null;
      LocalDate to = null;
      if (r.get("department").isEmpty() || r.get("department").length() > 30) {
        reason = "department is required";
      } else if (category == null) {
        reason = "unknown category '" + r.get("category") + "' (known: " + Category.knownCodes() + ")";
      } else {
        try {
          id = IdNumber.parse(r.get("id_number"));
          from = r.get("valid_from").isEmpty() ? null : LocalDate.parse(r.get("valid_from"));
          to = r.get("valid_to").isEmpty() ? null : LocalDate.parse(r.get("valid_to"));
          if (from != null && to != null && to.isBefore(from)) {
            reason = "valid_to is before valid_from";
          }
        } catch (DateTimeParseException e) {
          reason = "valid_from and valid_to must be dates YYYY-MM-DD";
        } catch (IllegalArgumentException e) {
          reason = "invalid ID number: " + e.getMessage();
        }
      }
      if (reason != null) {
        problems.add(new RosterProblem(r.line(), reason));
        continue;
      }
      BulkLoad.line(copy, Integer.toString(r.line()), BulkLoad.bytea(cipher.index(id.value())), r.get("name"), category.name(),
          r.get("department"), from == null ? null : from.toString(), to == null ? null : to.toString());
    }
    int imported;
    int flagged = 0;
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("create temp table stage_category (line int, id_index bytea, name text, category text, department text,"
            + " valid_from date, valid_to date) on commit drop");
        BulkLoad.copyIn(c, "stage_category", copy.toString());
        try (ResultSet rs = st.executeQuery("select s.line, p.id is null, p.name from stage_category s left join person p on p.id_index = s.id_index"
            + " where p.id is null or p.name <> s.name")) {
          while (rs.next()) {
            problems.add(new RosterProblem(rs.getInt(1), rs.getBoolean(2) ? "person is on no village roster"
                : "name does not match the village roster"));
          }
        }
        st.execute("delete from stage_category s where not exists (select 1 from person p where p.id_index = s.id_index and p.name = s.name)");
        if (territory != Territory.ALL) {
          // a department's list may name persons elsewhere: only those inside the importer's territory change
          List<Integer> outside = new ArrayList<>();
          try (ResultSet rs = st.executeQuery("select s.line, v.region_code, v.township, v.name from stage_category s"
              + " join person p on p.id_index = s.id_index join household h on h.id = p.household_id join village v on v.id = h.village_id")) {
            while (rs.next()) {
              if (!territory.covers(rs.getString(2), rs.getString(3), rs.getString(4))) {
                outside.add(rs.getInt(1));
                problems.add(new RosterProblem(rs.getInt(1), "outside your scope: the person lives in " + rs.getString(2)
                    + "/" + rs.getString(3) + "/" + rs.getString(4)));
              }
            }
          }
          try (PreparedStatement ps = c.prepareStatement("delete from stage_category where line = any (?)")) {
            ps.setArray(1, c.createArrayOf("int4", outside.toArray()));
            ps.executeUpdate();
          }
        }
        imported = st.executeUpdate("insert into person_category (person_id, category, department, valid_from, valid_to, source)"
            + " select p.id, s.category, s.department, s.valid_from, s.valid_to, '" + file.replace("'", "''") + "'"
            + " from stage_category s join person p on p.id_index = s.id_index on conflict do nothing");
        // the same person on two departments' lists: flagged, so that no one is paid for twice
        try (ResultSet rs = st.executeQuery("insert into cross_check (person_id, categories, departments)"
            + " select pc.person_id, array_agg(distinct pc.category order by pc.category), array_agg(distinct pc.department order by pc.department)"
            + " from person_category pc where pc.person_id in (select p.id from stage_category s join person p on p.id_index = s.id_index)"
            + " group by pc.person_id having count(distinct pc.department) > 1"
            + " on conflict (person_id) do update set categories = excluded.categories, departments = excluded.departments"
            + " where cross_check.departments <> excluded.departments or cross_check.categories <> excluded.categories"
            + " returning person_id")) {
          while (rs.next()) {
            flagged++;
          }
        }
        AuditLog.record(c, AuditLog.Change.of(actor, "roster.import", file,
            new JsonObject().put("kind", "department-list").put("imported", imported)));
      }
      c.commit();
      BulkLoad.refreshStatistics(c, imported, "person_category", "person_category");
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("import of " + file + " failed, nothing was imported: " + e.getMessage(), e);
    }
    problems.sort(java.util.Comparator.comparingInt(RosterProblem::line));
    int rowsRead = rows.size() - 1;
    return new ImportReport(file, "department list", rowsRead, imported, rowsRead - problems.size() - imported, problems,
        flagged, 0);
  }
}
