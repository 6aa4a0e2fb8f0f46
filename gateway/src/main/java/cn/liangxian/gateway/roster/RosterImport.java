package cn.liangxian.gateway.roster;

import cn.liangxian.gateway.db.Database;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.policy.Categories;
import cn.liangxian.policy.PolicyBook.GuardianRule;
import cn.liangxian.gateway.privacy.PersonalDataCipher;
import cn.liangxian.gateway.roster.RosterCsv.Row;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Imports village rosters (征收清册) and departments' special-group lists from CSV (UTF-8 or GB18030).
 * Every bad row is reported with its line and reason while the good rows import; importing the same
 * file twice changes nothing. Rows are checked and encrypted here, then go to PostgreSQL through COPY
 * into a staging table and one set-based insert, so a million persons import in one pass.
 *
 * <p>Blocking (JDBC): runs from the command line or before the HTTP server starts, never on an event loop.
 */
public final class RosterImport {
  /** What the importer needs to know of a region: its name and the date ages are counted on. */
  public record RegionInfo(String code, String name, String book, LocalDate ageDate, Categories categories,
      GuardianRule guardian) {}

  /** The places an importer may change: rows elsewhere are rejected, one by one, with the reason. */
  @FunctionalInterface
  public interface Territory {
    Territory ALL = (region, township, village) -> true;

    boolean covers(String region, String township, String village);
  }

  private final Database db;
  private final PersonalDataCipher cipher;
  private final Supplier<Map<String, RegionInfo>> regions;

  public RosterImport(Database db, PersonalDataCipher cipher, Map<String, RegionInfo> regions) {
    this(db, cipher, () -> regions);
  }

  /**
   * An importer that asks for the regions at each import: a book published at run time (its declared
   * categories, its date ages are counted on) counts from the next import on.
   */
  public RosterImport(Database db, PersonalDataCipher cipher, Supplier<Map<String, RegionInfo>> regions) {
    this.db = db;
    this.cipher = cipher;
    this.regions = regions;
  }

  /** What the import needs of each region served: its name, its book, and the date ages are counted on. */
  public static Map<String, RegionInfo> regionInfo(Regions regions) {
    return RegionRegistration.regionInfo(regions);
  }

  /** Makes sure every configured region exists (idempotent). */
  public void registerRegions() {
    registerRegions(db);
  }

  /** As {@link #registerRegions()}, on {@code on} (a start's turn at preparing the database). */
  public void registerRegions(Database on) {
    RegionRegistration.register(on, regions.get().values());
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

  /** Imports one file; {@code actor} (cli, demo, an operator's name) goes to the audit log. */
  public ImportReport importCsv(String name, byte[] content, String actor) {
    return importCsv(name, content, actor, Territory.ALL);
  }

  /** As {@link #importCsv(String, byte[], String)}, changing only persons inside {@code territory}. */
  public ImportReport importCsv(String name, byte[] content, String actor, Territory territory) {
    return importCsv(name, content, actor, territory, true);
  }

  /**
   * A department list, read by one who may not import them ({@code departmentLists} false: a township's or a village's
   * staff, whose own residents' special groups it would give): refused before anything changes.
   */
  public static final class DepartmentListRefused extends IllegalStateException {
    DepartmentListRefused(String file) {
      super(file + " is a department list (it has a 'department' column): special groups come from the departments"
          + " through the district's administrators, not from township or village staff");
    }
  }

  /**
   * As {@link #importCsv(String, byte[], String, Territory)}; a department list only where {@code departmentLists}
   * (else {@link DepartmentListRefused}).
   */
  public ImportReport importCsv(String name, byte[] content, String actor, Territory territory, boolean departmentLists) {
    long start = System.nanoTime();
    List<Row> rows = RosterCsv.parse(RosterCsv.decode(content));
    BulkLoad.progress(rows.size(), "{}: {} lines parsed in {} ms", name, rows.size(), (System.nanoTime() - start) / 1_000_000);
    if (rows.isEmpty()) {
      throw new IllegalArgumentException(name + ": no header line");
    }
    Set<String> header = rows.get(0).values().keySet();
    ImportReport report;
    Map<String, RegionInfo> served = regions.get();
    if (header.contains("department") && !departmentLists) {
      throw new DepartmentListRefused(name);
    }
    if (header.contains("department")) {
      report = new DepartmentListImport(db, cipher, served).run(name, rows, actor, territory);
    } else if (header.contains("household")) {
      report = new VillageRosterImport(db, new RosterRowCheck(cipher, served)).run(name, rows, actor, territory);
    } else {
      throw new IllegalArgumentException(name + ": not a village roster (needs a 'household' column) nor a department"
          + " list (needs a 'department' column)");
    }
    return new ImportReport(report.file(), report.kind(), report.rows(), report.imported(), report.unchanged(),
        report.problems(), report.crossChecks(), (System.nanoTime() - start) / 1_000_000,
        RosterCsv.ignored(header, header.contains("department") ? RosterCsv.DEPARTMENT_COLUMNS : RosterCsv.ROSTER_COLUMNS));
  }
}
