package cn.liangxian.gateway.lookup;

import java.util.regex.Pattern;

/**
 * A person's name as it is kept and compared: without blanks (a space typed inside 张 三, a full-width one from a
 * spreadsheet), and with the middle dot of a name such as 阿卜杜热合曼·买买提 written one way (U+00B7, as on the ID card),
 * whichever of its look-alikes a roster, a keyboard or an input method wrote (•, ・, ．, a full stop). The roster's names,
 * the department lists' and a resident's typed name are all read so, so that one written the other way still matches.
 */
public final class PersonNames {
  /** The look-alikes of the middle dot that rosters and input methods write in a name. */
  static final String DOTS = ".\u2022\u30FB\uFF0E\u2027\u2219\u22C5\uFF65\u00B7";
  private static final Pattern BLANKS = Pattern.compile("[\\s\\u00A0\\u3000\\u2000-\\u200B\\u202F\\u205F\\uFEFF]+");
  // in a character class a full stop is itself, and none of the others means anything there either
  private static final Pattern DOT = Pattern.compile("[" + DOTS + "]");

  private PersonNames() {}

  /** Whether the name is as kept already: no blank, no look-alike of the dot (the dot itself is kept). */
  private static boolean plain(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u200B' || c == '\uFEFF'
          || c != '\u00B7' && DOTS.indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }

  /** The name as kept and compared (null stays null). */
  public static String normal(String name) {
    if (name == null || plain(name)) {
      return name; // nearly every name: a million of a roster read without a regular expression each
    }
    return DOT.matcher(BLANKS.matcher(name).replaceAll("")).replaceAll("\u00B7");
  }
}
