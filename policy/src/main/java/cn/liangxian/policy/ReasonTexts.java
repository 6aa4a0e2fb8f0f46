package cn.liangxian.policy;

import java.util.EnumMap;
import java.util.Map;

/** The Chinese texts of the engine's reasons, with the book's own wording where it gives one. */
final class ReasonTexts {
  private final Map<ReasonCode, String> overrides;

  ReasonTexts(Map<ReasonCode, String> overrides) {
    this.overrides = overrides.isEmpty() ? Map.of() : new EnumMap<>(overrides);
  }

  Reason reason(ReasonCode code, String detail, Object... args) {
    return new Reason(code.code(), ReasonCode.fill(overrides.getOrDefault(code, code.chineseTemplate()), args), detail);
  }

  /** The book's override of a reason's text, if any. */
  String override(ReasonCode code) {
    return overrides.get(code);
  }

  /** Reads {@code reasons: [{code: TIER_RESTRICTED, text: .., source: ..}]}. */
  static ReasonTexts read(YamlNode book, NoticeSources sources) {
    Map<ReasonCode, String> out = new EnumMap<>(ReasonCode.class);
    if (!book.has("reasons")) {
      return new ReasonTexts(out);
    }
    for (YamlNode r : book.field("reasons").list()) {
      r.allowOnly("code", "text", "source");
      String name = r.field("code").string();
      ReasonCode code;
      try {
        code = ReasonCode.valueOf(name);
      } catch (IllegalArgumentException e) {
        throw r.field("code").error("unknown reason '" + name + "' (known: " + java.util.Arrays.toString(ReasonCode.values()) + ")");
      }
      String text = r.field("text").string();
      if (ReasonCode.arity(text) > code.arity()) {
        throw r.field("text").error("uses {" + (ReasonCode.arity(text) - 1) + "} but " + name + " gives only "
            + code.arity() + " value(s)");
      }
      if (!text.codePoints().anyMatch(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN)) {
        throw r.field("text").error("a reason's text is for residents: write it in Chinese");
      }
      sources.of(r);
      if (out.put(code, text) != null) {
        throw r.field("code").error(name + " is given twice");
      }
    }
    return new ReasonTexts(out);
  }
}
