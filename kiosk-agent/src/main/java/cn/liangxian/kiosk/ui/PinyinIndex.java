package cn.liangxian.kiosk.ui;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.sourceforge.pinyin4j.PinyinHelper;
import net.sourceforge.pinyin4j.format.HanyuPinyinOutputFormat;
import net.sourceforge.pinyin4j.format.HanyuPinyinToneType;
import net.sourceforge.pinyin4j.format.HanyuPinyinVCharType;
import net.sourceforge.pinyin4j.format.exception.BadHanyuPinyinOutputFormatCombination;

/**
 * The on-screen name keyboard's candidates: every character of GB2312 levels 1 and 2 (6,763, the characters
 * names are written in) under its pinyin readings (pinyin4j), in GB2312 order, so the common level-1
 * characters come before level 2. Built once (about a second: call it off the event loop).
 */
public final class PinyinIndex {

  private final Map<String, List<String>> byReading;

  private PinyinIndex(Map<String, List<String>> byReading) {
    this.byReading = byReading;
  }

  public static PinyinIndex build() {
    HanyuPinyinOutputFormat f = new HanyuPinyinOutputFormat();
    f.setToneType(HanyuPinyinToneType.WITHOUT_TONE);
    f.setVCharType(HanyuPinyinVCharType.WITH_V); // lü is typed "lv", as on every pinyin keyboard
    Charset gb = Charset.forName("GB2312");
    Map<String, List<String>> m = new LinkedHashMap<>();
    // rows 0xB0-0xF7: level 1 (16-55) then level 2 (56-87)
    for (int hi = 0xB0; hi <= 0xF7; hi++) {
      for (int lo = 0xA1; lo <= 0xFE; lo++) {
        String s = new String(new byte[] {(byte) hi, (byte) lo}, gb);
        if (s.length() != 1 || s.charAt(0) == '\uFFFD') {
          continue;
        }
        for (String reading : readings(s.charAt(0), f)) {
          m.computeIfAbsent(reading, k -> new ArrayList<>()).add(s);
        }
      }
    }
    return new PinyinIndex(m);
  }

  private static Set<String> readings(char c, HanyuPinyinOutputFormat f) {
    Set<String> r = new LinkedHashSet<>();
    try {
      String[] p = PinyinHelper.toHanyuPinyinStringArray(c, f);
      if (p != null) {
        for (String s : p) {
          r.add(s.replace("u:", "v"));
        }
      }
    } catch (BadHanyuPinyinOutputFormatCombination e) {
      throw new IllegalStateException(e);
    }
    return r;
  }

  /**
   * Every character read exactly {@code pinyin} first (a name's character must never be out of reach: "yi" alone reads
   * more than a hundred), then those whose reading starts with it (so "zh" already offers 张 and 赵) up to
   * {@code limit} in all; none twice.
   */
  public List<String> candidates(String pinyin, int limit) {
    String q = pinyin == null ? "" : pinyin.toLowerCase();
    Set<String> out = new LinkedHashSet<>();
    if (q.isEmpty() || !q.matches("[a-z]{1,6}")) {
      return List.of();
    }
    out.addAll(byReading.getOrDefault(q, List.of()));
    limit = Math.max(limit, out.size());
    for (Map.Entry<String, List<String>> e : byReading.entrySet()) {
      if (out.size() >= limit) {
        break;
      }
      if (e.getKey().startsWith(q)) {
        out.addAll(e.getValue());
      }
    }
    return out.stream().limit(limit).toList();
  }

  public int characters() {
    Set<String> all = new LinkedHashSet<>();
    byReading.values().forEach(all::addAll);
    return all.size();
  }
}
