package cn.liangxian.gateway.roster;

import java.util.List;

/**
 * What an import did: rows read, rows that changed the database (new persons or categories, and those already there
 * a later file adds to: a spouse, a later year of cover, a department's new dates; zero when the same file is imported again),
 * rows rejected with their reasons, persons flagged for cross-check, and the header's columns it did not read (a
 * misspelt optional column, 上次参保年份 for 上次参保年度, would otherwise be dropped without a word).
 */
public record ImportReport(String file, String kind, int rows, int imported, int unchanged, List<RosterProblem> problems,
    int crossChecks, long millis, List<String> ignoredColumns) {

  public ImportReport(String file, String kind, int rows, int imported, int unchanged, List<RosterProblem> problems,
      int crossChecks, long millis) {
    this(file, kind, rows, imported, unchanged, problems, crossChecks, millis, List.of());
  }

  public String summary() {
    return file + " (" + kind + "): " + rows + " rows, " + imported + " imported, " + unchanged + " already present, "
        + problems.size() + " rejected" + (crossChecks > 0 ? ", " + crossChecks + " flagged for cross-check" : "")
        + " in " + millis + " ms"
        + (ignoredColumns.isEmpty() ? "" : "; columns not read: " + String.join(", ", ignoredColumns));
  }
}
