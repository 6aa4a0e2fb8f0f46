package cn.liangxian.policy;

/** A policy book that cannot be loaded: names the file, the line and the field. */
public final class PolicyBookException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final int line;
  private final String field;

  public PolicyBookException(String file, int line, String field, String problem) {
    super(file + ":" + line + ": " + (field.isEmpty() ? "" : field + ": ") + problem);
    this.file = file;
    this.line = line;
    this.field = field;
  }

  public String file() {
    return file;
  }

  /** 1-based line in the file. */
  public int line() {
    return line;
  }

  /** Dotted path of the field, e.g. {@code medical.treatments[2].categories[1]}. */
  public String field() {
    return field;
  }
}
