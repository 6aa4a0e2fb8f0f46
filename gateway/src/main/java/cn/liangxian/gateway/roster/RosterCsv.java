package cn.liangxian.gateway.roster;

import cn.liangxian.gateway.http.CsvUploads;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** A roster file as rows: its bytes decoded, its header's Chinese names mapped to column names. */
final class RosterCsv {
  /** Column names, and the Chinese headers accepted for them. */
  private static final Map<String, String> ALIASES = Map.ofEntries(
      Map.entry("地区代码", "region_code"), Map.entry("乡镇", "township"), Map.entry("村", "village"),
      Map.entry("户号", "household"), Map.entry("身份证号", "id_number"), Map.entry("姓名", "name"),
      Map.entry("本地户籍", "local"), Map.entry("监护人身份证号", "guardian_id_number"), Map.entry("监护人姓名", "guardian_name"),
      Map.entry("监护人电话", "guardian_phone"), Map.entry("配偶身份证号", "spouse_id_number"), Map.entry("已在他处参保", "enrolled_elsewhere"),
      Map.entry("上次参保年度", "medical_last_year"), Map.entry("部门", "department"),
      Map.entry("类别", "category"), Map.entry("起始日期", "valid_from"), Map.entry("截止日期", "valid_to"));

  /** The columns a village roster's import reads. */
  static final Set<String> ROSTER_COLUMNS = Set.of("region_code", "township", "village", "household", "id_number", "name",
      "local", "guardian_id_number", "guardian_name", "guardian_phone", "spouse_id_number", "enrolled_elsewhere",
      "medical_last_year");
  /** The columns a department list's import reads. */
  static final Set<String> DEPARTMENT_COLUMNS = Set.of("department", "category", "id_number", "name", "valid_from", "valid_to");

  private RosterCsv() {}

  /** The header's named columns an import of its kind does not read, in the file's order. */
  static List<String> ignored(java.util.Collection<String> header, Set<String> read) {
    return header.stream().filter(h -> !h.isEmpty() && !read.contains(h)).toList();
  }

  /**
   * One line of the file by column name; the first row is the header, each name mapped to itself. {@code problem}
   * is why the line cannot be read as the header says (null: it can).
   */
  record Row(int line, Map<String, String> values, String problem) {
    Row(int line, Map<String, String> values) {
      this(line, values, null);
    }

    String get(String k) {
      String v = values.get(k);
      return v == null ? "" : v.strip();
    }
  }

  /** UTF-8 when the bytes are valid UTF-8 (a BOM is dropped), else GB18030. */
  static String decode(byte[] bytes) {
    return CsvUploads.decode(bytes);
  }

  /** The header row, then one row per non-blank line; short lines are padded with empty fields. */
  static List<Row> parse(String text) {
    String nul = CsvUploads.nulProblem(text);
    if (nul != null) {
      throw new IllegalArgumentException(nul);
    }
    List<Row> out = new ArrayList<>();
    CsvMapper mapper = new CsvMapper();
    try (MappingIterator<List<String>> it = mapper.readerForListOf(String.class)
        .with(CsvParser.Feature.WRAP_AS_ARRAY).readValues(new StringReader(text))) {
      List<String> header = null;
      while (it.hasNextValue()) {
        int line = it.getCurrentLocation().getLineNr();
        List<String> fields = it.nextValue();
        if (fields.size() == 1 && fields.get(0).isBlank()) {
          continue;
        }
        if (header == null) {
          header = columns(fields);
          for (int i = 0; i < header.size(); i++) {
            int again = header.subList(i + 1, header.size()).indexOf(header.get(i));
            if (again >= 0 && !header.get(i).isEmpty()) {
              // one of the two would be read and the other dropped, whichever came last
              throw new IllegalArgumentException("the header names the column '" + header.get(i) + "' twice ('" + fields.get(i).strip()
                  + "' in column " + (i + 1) + ", '" + fields.get(i + 1 + again).strip() + "' in column " + (i + 2 + again) + ")");
            }
          }
          out.add(new Row(line, headerValues(header)));
          continue;
        }
        // more fields than columns: a value would be dropped (a comma inside a name, without quotes); fewer are
        // the empty fields a spreadsheet leaves off at the end
        long extra = fields.stream().skip(header.size()).filter(f -> !f.isBlank()).count();
        out.add(new Row(line, values(header, fields), extra == 0 ? null
            : "has " + fields.size() + " fields where the header has " + header.size() + " columns (a comma inside a value"
                + " needs the value in double quotes)"));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(CsvUploads.unreadable(e), e);
    }
    return out;
  }

  private static List<String> columns(List<String> header) {
    return header.stream().map(h -> ALIASES.getOrDefault(h.strip().replace("\uFEFF", ""),
        h.strip().replace("\uFEFF", "").toLowerCase(Locale.ROOT))).toList();
  }

  private static Map<String, String> headerValues(List<String> header) {
    Map<String, String> h = new LinkedHashMap<>();
    header.forEach(k -> h.put(k, k));
    return h;
  }

  private static Map<String, String> values(List<String> header, List<String> fields) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      values.put(header.get(i), i < fields.size() ? fields.get(i) : "");
    }
    return values;
  }
}
