package cn.liangxian.policy;

/**
 * The clauses a book cites: every {@code source} must name the book's own notice and a clause of it,
 * so that an assessment can say where each rule comes from.
 */
record NoticeSources(String notice) {

  /** The node's {@code source} field, checked to cite this notice. */
  String of(YamlNode n) {
    YamlNode s = n.field("source");
    String v = s.string();
    if (!v.startsWith(notice + " ") || v.length() <= notice.length() + 1) {
      throw s.error("a source cites this book's notice and its clause, e.g. '" + notice + " 三(二)2', got '" + v + "'");
    }
    return v;
  }

  /** A value with the node's source and note. */
  <T> Sourced<T> sourced(T value, YamlNode n) {
    return new Sourced<>(value, of(n), note(n));
  }

  /** The node's optional {@code note}: what the book decided where the notice is silent. */
  static String note(YamlNode n) {
    return n.has("note") ? n.field("note").string() : null;
  }
}
