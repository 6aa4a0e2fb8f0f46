package cn.liangxian.gateway.roster;

/** A row that was not imported: its line in the file and why. */
public record RosterProblem(int line, String reason) {
  @Override
  public String toString() {
    return "line " + line + ": " + reason;
  }
}
