package cn.liangxian.kiosk.ui;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.HashSet;
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
 * The on-screen name keyboard's candidates: every CJK Unified Ideograph pinyin4j has a reading for (about 20,000 of the
 * basic block: names use characters beyond GB2312, 喆, 堃, 玥) under its pinyin readings. The characters names are most
 * often written in ({@code name-characters.txt}: the commonest surnames, then given names' characters) come first, most
 * frequent first; then GB2312's, in GB2312 order (the common level-1 characters before level 2), then the others by code
 * point: within a reading, and among the readings a few letters begin. Built once (about a second: call it off the
 * event loop).
 */
public final class PinyinIndex {

  /** The CJK Unified Ideographs of the Basic Multilingual Plane: Extension A, and the basic block. */
  private static final int[][] UNIFIED = {{0x3400, 0x4DBF}, {0x4E00, 0x9FFF}};

  /** reading → GB2312's characters read so, in GB2312 order; readings in the order they first appear there. */
  private final Map<String, List<String>> common;
  /** reading → the other characters read so, by code point. */
  private final Map<String, List<String>> others;
  /** The frequent names' characters, most frequent first, each with its readings. */
  private final Map<String, Set<String>> frequent;

  private PinyinIndex(Map<String, List<String>> common, Map<String, List<String>> others, Map<String, Set<String>> frequent) {
    this.common = common;
    this.others = others;
    this.frequent = frequent;
  }

  public static PinyinIndex build() {
    HanyuPinyinOutputFormat f = new HanyuPinyinOutputFormat();
    f.setToneType(HanyuPinyinToneType.WITHOUT_TONE);
    f.setVCharType(HanyuPinyinVCharType.WITH_V); // lü is typed "lv", as on every pinyin keyboard
    Charset gb = Charset.forName("GB2312");
    Map<String, List<String>> common = new LinkedHashMap<>();
    Set<Character> inGb2312 = new HashSet<>();
    // rows 0xB0-0xF7: level 1 (16-55) then level 2 (56-87)
    for (int hi = 0xB0; hi <= 0xF7; hi++) {
      for (int lo = 0xA1; lo <= 0xFE; lo++) {
        String s = new String(new byte[] {(byte) hi, (byte) lo}, gb);
        if (s.length() != 1 || s.charAt(0) == '\uFFFD') {
          continue;
        }
        inGb2312.add(s.charAt(0));
        add(common, s.charAt(0), f);
      }
    }
    Map<String, List<String>> others = new LinkedHashMap<>();
    for (int[] block : UNIFIED) {
      for (int c = block[0]; c <= block[1]; c++) {
        if (!inGb2312.contains((char) c)) {
          add(others, (char) c, f);
        }
      }
    }
    Map<String, Set<String>> frequent = new LinkedHashMap<>();
    for (String c : frequentNameCharacters()) {
      frequent.put(c, readings(c.charAt(0), f));
    }
    // within a reading, the frequent first in their order; the rest keep theirs (the sort is stable)
    Map<String, Integer> rank = new java.util.HashMap<>();
    frequent.keySet().forEach(c -> rank.put(c, rank.size()));
    for (List<String> chars : common.values()) {
      chars.sort(java.util.Comparator.comparingInt(c -> rank.getOrDefault(c, rank.size())));
    }
    return new PinyinIndex(common, others, frequent);
  }

  /** The characters of {@code name-characters.txt}, in its order, none twice ({@code #} begins a comment line). */
  static List<String> frequentNameCharacters() {
    try (java.io.InputStream in = PinyinIndex.class.getResourceAsStream("/name-characters.txt")) {
      if (in == null) {
        throw new IllegalStateException("name-characters.txt is missing from the agent");
      }
      Set<String> out = new LinkedHashSet<>();
      for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
        if (!line.startsWith("#")) {
          line.codePoints().filter(Character::isIdeographic).forEach(cp -> out.add(new String(Character.toChars(cp))));
        }
      }
      return List.copyOf(out);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void add(Map<String, List<String>> m, char c, HanyuPinyinOutputFormat f) {
    for (String reading : readings(c, f)) {
      m.computeIfAbsent(reading, k -> new ArrayList<>()).add(String.valueOf(c));
    }
  }

  private static Set<String> readings(char c, HanyuPinyinOutputFormat f) {
    Set<String> r = new LinkedHashSet<>();
    try {
      String[] p = PinyinHelper.toHanyuPinyinStringArray(c, f);
      if (p != null) {
        for (String s : p) {
          String reading = s.replace("u:", "v");
          if (reading.matches("[a-z]{1,6}")) {
            r.add(reading);
          }
        }
      }
    } catch (BadHanyuPinyinOutputFormatCombination e) {
      throw new IllegalStateException(e);
    }
    return r;
  }

  /**
   * Every character read exactly {@code pinyin} first, the frequent names' characters first, GB2312's before the others (a
   * name's character must never be out of reach: "yi" alone reads more than a hundred), then those whose reading starts
   * with it (so "zh" already offers 张, 赵, 周, then 扎 and 渣), the frequent first again, then GB2312's, up to {@code
   * limit} in all; none twice.
   */
  public List<String> candidates(String pinyin, int limit) {
    String q = pinyin == null ? "" : pinyin.toLowerCase();
    Set<String> out = new LinkedHashSet<>();
    if (q.isEmpty() || !q.matches("[a-z]{1,6}")) {
      return List.of();
    }
    out.addAll(common.getOrDefault(q, List.of()));
    out.addAll(others.getOrDefault(q, List.of()));
    int most = Math.max(limit, out.size());
    for (Map.Entry<String, Set<String>> e : frequent.entrySet()) {
      if (out.size() >= most) {
        break;
      }
      if (e.getValue().stream().anyMatch(r -> r.startsWith(q))) {
        out.add(e.getKey());
      }
    }
    for (Map<String, List<String>> m : List.of(common, others)) {
      for (Map.Entry<String, List<String>> e : m.entrySet()) {
        if (out.size() >= most) {
          break;
        }
        if (e.getKey().startsWith(q)) {
          out.addAll(e.getValue());
        }
      }
    }
    return out.stream().limit(most).toList();
  }

  public int characters() {
    Set<String> all = new LinkedHashSet<>();
    common.values().forEach(all::addAll);
    others.values().forEach(all::addAll);
    return all.size();
  }
}
