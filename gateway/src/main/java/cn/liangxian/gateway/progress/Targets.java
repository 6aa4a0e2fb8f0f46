package cn.liangxian.gateway.progress;

import cn.liangxian.gateway.db.Database;
import cn.liangxian.gateway.http.CsvUploads;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Collection targets from CSV ({@code region_code,township,village,insurance,year,target,source}; village
 * empty for a township's target). Loaded from {@code config/targets/} at start (the 冷水滩 tables of 003
 * 附件1/2 ship as the sample), replacing what the same keys held. Blocking: start-up only.
 */
public final class Targets {
  private Targets() {}

  static final java.util.Set<String> COLUMNS = java.util.Set.of("region_code", "township", "village", "insurance", "year", "target",
      "source");

  /** One target: a township's (village empty) or a village's, for an insurance and a year. */
  public record Target(int line, String region, String township, String village, String insurance, int year, int target,
      String source) {}

  /** A CSV that is not a target table: every bad line with its reason. */
  public static final class BadTargets extends IllegalArgumentException {
    private final List<String> problems;

    BadTargets(String file, List<String> problems) {
      super(file + ": " + String.join("; ", problems));
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }

  /** Parses a target table; every bad line is reported (line numbers count the header as line 1). */
  public static List<Target> parse(String file, String csv) {
    List<Target> out = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    String text = csv.startsWith("\uFEFF") ? csv.substring(1) : csv;
    String nul = CsvUploads.nulProblem(text);
    if (nul != null) {
      throw new BadTargets(file, List.of(nul));
    }
    try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
        .with(CsvSchema.emptySchema().withHeader()).readValues(text)) {
      int line = 1;
      Map<String, Integer> seen = new java.util.HashMap<>();
      while (it.hasNextValue()) {
        Map<String, String> r = it.nextValue();
        line++;
        if (line == 2) {
          // a misspelled column would be read as empty: a village's target taken for its township's
          List<String> unknown = r.keySet().stream().filter(k -> !COLUMNS.contains(k)).sorted().toList();
          if (!unknown.isEmpty()) {
            throw new BadTargets(file, List.of("unknown column(s) " + String.join(", ", unknown)
                + "; the header is region_code,township,village,insurance,year,target,source"));
          }
        }
        String region = r.getOrDefault("region_code", "").strip();
        String township = r.getOrDefault("township", "").strip();
        String village = r.getOrDefault("village", "").strip();
        String insurance = r.getOrDefault("insurance", "").strip();
        int target;
        int year;
        try {
          target = Integer.parseInt(r.getOrDefault("target", "").strip());
          year = Integer.parseInt(r.getOrDefault("year", "").strip());
        } catch (NumberFormatException e) {
          problems.add("line " + line + ": target and year must be whole numbers");
          continue;
        }
        if (region.isEmpty() || township.isEmpty()) {
          problems.add("line " + line + ": region_code and township are required");
        } else if (!(insurance.equals("medical") || insurance.equals("pension"))) {
          problems.add("line " + line + ": insurance must be medical or pension");
        } else if (target < 0 || year < 2000 || year > 2100) {
          problems.add("line " + line + ": target must not be negative and year must be a year");
        } else if (seen.putIfAbsent(region + "/" + township + "/" + village + "/" + insurance + "/" + year, line) != null) {
          problems.add("line " + line + ": the same place, insurance and year as line "
              + seen.get(region + "/" + township + "/" + village + "/" + insurance + "/" + year));
        } else {
          String source = r.getOrDefault("source", "").strip();
          out.add(new Target(line, region, township, village, insurance, year, target, source.isEmpty() ? file : source));
        }
      }
    } catch (BadTargets e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      problems.add(CsvUploads.unreadable(e) + "; the header is region_code,township,village,insurance,year,target,source");
    }
    if (!problems.isEmpty()) {
      throw new BadTargets(file, problems);
    }
    return out;
  }

  /**
   * What a start made of the files: the rows set, and the files' figures not applied because an administrator revised
   * the same place, insurance and year through the API since (each as {@code key: file's figure in file, revised
   * figure}), which the start logs so that a changed file is never dropped unseen.
   */
  public record Loaded(int rows, List<String> keptRevised) {}

  /**
   * Loads every CSV of the directory; returns the rows set (a row an administrator revised through the API since, or
   * of a region not served, is left as it is, and a revised row the files would change is named). A bad file stops
   * the start with its lines.
   */
  public static Loaded load(Database db, Path dir) {
    if (!Files.isDirectory(dir)) {
      return new Loaded(0, List.of());
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    int rows = 0;
    List<String> kept = new ArrayList<>();
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(Database.jdbc(FROM_FILES))) {
      Map<String, Integer> revised = new java.util.HashMap<>();
      try (var st = c.createStatement(); var rs = st.executeQuery(REVISED)) {
        while (rs.next()) {
          revised.put(key(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5)), rs.getInt(6));
        }
      }
      for (Path f : files) {
        for (Target t : parse(f.getFileName().toString(), Files.readString(f, StandardCharsets.UTF_8))) {
          String key = key(t.region(), t.township(), t.village(), t.insurance(), t.year());
          Integer now = revised.get(key);
          if (now != null && now != t.target()) {
            kept.add(key + ": " + t.target() + " in " + f.getFileName() + " line " + t.line() + ", revised to " + now);
          }
          ps.setString(1, t.region());
          ps.setString(2, t.township());
          ps.setString(3, t.village());
          ps.setString(4, t.insurance());
          ps.setInt(5, t.year());
          ps.setInt(6, t.target());
          ps.setString(7, t.source());
          ps.setString(8, t.region());
          ps.addBatch();
          rows++;
        }
      }
      rows = 0;
      for (int n : ps.executeBatch()) {
        rows += n > 0 || n == java.sql.Statement.SUCCESS_NO_INFO ? 1 : 0;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot load targets: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read targets in " + dir, e);
    }
    return new Loaded(rows, List.copyOf(kept));
  }

  /** A place, insurance and year as operators read it: {@code 431103/黄阳司镇[/village] medical 2020}. */
  static String key(String region, String township, String village, String insurance, int year) {
    return region + "/" + township + (village.isEmpty() ? "" : "/" + village) + " " + insurance + " " + year;
  }

  /** The rows an administrator revised through the API: the files leave them alone. */
  static final String REVISED = "select region_code, township, village, insurance, year, target from target where revised";

  /**
   * A target set or revised by an administrator through the API, marked so; rows of regions this gateway does not serve
   * are left out.
   */
  public static final String UPSERT = "insert into target (region_code, township, village, insurance, year, target, source, revised)"
      + " select $1, $2, $3, $4, $5, $6, $7, true where exists (select 1 from region where code = $1)"
      + " on conflict (region_code, township, village, insurance, year) do update set target = excluded.target,"
      + " source = excluded.source, revised = true";

  /**
   * A target of the configuration's files, at start: set where there is none, changed where the files set it before,
   * never where an administrator revised it through the API since ({@link #UPSERT}).
   */
  static final String FROM_FILES = "insert into target (region_code, township, village, insurance, year, target, source)"
      + " select $1, $2, $3, $4, $5, $6, $7 where exists (select 1 from region where code = $1)"
      + " on conflict (region_code, township, village, insurance, year) do update set target = excluded.target,"
      + " source = excluded.source where not target.revised";
}
