package cn.liangxian.gateway.roster;

import java.util.List;

/**
 * What an import did: rows read, rows new to the database (zero when the same file is imported again),
 * rows rejected with their reasons, and persons flagged for cross-check.
 */
public record ImportReport(String file, String kind, int rows, int imported, int unchanged, List<RosterProblem> problems,
    int crossChecks, long millis) {

  public String summary() {
    return file + " (" + kind + "): " + rows + " rows, " + imported + " imported, " + unchanged + " already present, "
        + problems.size() + " rejected" + (crossChecks > 0 ? ", " + crossChecks + " flagged for cross-check" : "")
        + " in " + millis + " ms";
  }
}
