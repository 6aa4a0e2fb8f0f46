package cn.liangxian.gateway.progress;

import cn.liangxian.gateway.db.Database;
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

  /** Loads every CSV of the directory; returns the rows loaded. A bad row stops with its file and line. */
  public static int load(Database db, Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    int rows = 0;
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("insert into target (region_code, township, village,"
        + " insurance, year, target, source) select ?, ?, ?, ?, ?, ?, ? where exists (select 1 from region where code = ?)"
        + " on conflict (region_code, township, village, insurance, year) do update set target = excluded.target, source = excluded.source")) {
      for (Path f : files) {
        for (Map<String, String> r : read(f)) {
          int target;
          int year;
          try {
            target = Integer.parseInt(r.get("target").strip());
            year = Integer.parseInt(r.get("year").strip());
          } catch (RuntimeException e) {
            throw new IllegalArgumentException(f.getFileName() + ": target and year must be whole numbers in " + r);
          }
          String insurance = r.getOrDefault("insurance", "").strip();
          if (target < 0 || !(insurance.equals("medical") || insurance.equals("pension"))) {
            throw new IllegalArgumentException(f.getFileName() + ": bad target row " + r);
          }
          ps.setString(1, r.get("region_code").strip());
          ps.setString(2, r.get("township").strip());
          ps.setString(3, r.getOrDefault("village", "").strip());
          ps.setString(4, insurance);
          ps.setInt(5, year);
          ps.setInt(6, target);
          ps.setString(7, r.getOrDefault("source", f.getFileName().toString()).strip());
          ps.setString(8, r.get("region_code").strip());
          ps.addBatch();
          rows++;
        }
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot load targets: " + e.getMessage(), e);
    }
    return rows;
  }

  private static List<Map<String, String>> read(Path f) {
    try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
        .with(CsvSchema.emptySchema().withHeader()).readValues(Files.readString(f, StandardCharsets.UTF_8))) {
      List<Map<String, String>> out = new ArrayList<>();
      it.forEachRemaining(out::add);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read targets " + f, e);
    }
  }
}
