package cn.liangxian.gateway.roster;

import cn.liangxian.gateway.db.Database;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.roster.RosterImport.RegionInfo;
import cn.liangxian.policy.Insurance;
import cn.liangxian.policy.InsuranceTerms;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** The regions served, as the importer knows them, and their rows in the region table. */
final class RegionRegistration {
  private RegionRegistration() {}

  /** What the import needs of each region served: its name, its book, and the date ages are counted on. */
  static Map<String, RegionInfo> regionInfo(Regions regions) {
    Map<String, RegionInfo> m = new LinkedHashMap<>();
    for (Regions.Entry e : regions.all()) {
      LocalDate ageDate = e.book().terms(Insurance.MEDICAL).or(() -> e.book().terms(Insurance.PENSION))
          .map(InsuranceTerms::ageReferenceDate).orElse(regions.payDate(e));
      m.put(e.code(), new RegionInfo(e.code(), e.name(), e.book().file(), ageDate, e.book().categories(),
          e.book().guardian().orElse(null)));
    }
    return m;
  }

  /** Makes sure every region exists with its current name and book (idempotent). */
  static void register(Database db, Collection<RegionInfo> regions) {
    try (Connection c = db.connect();
        PreparedStatement ps = c.prepareStatement(
            "insert into region (code, name, book) values (?, ?, ?) on conflict (code) do update set name = excluded.name, book = excluded.book")) {
      for (RegionInfo r : regions) {
        ps.setString(1, r.code());
        ps.setString(2, r.name());
        ps.setString(3, r.book());
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot register regions: " + e.getMessage(), e);
    }
  }
}
