package cn.liangxian.gateway.roster;

import cn.liangxian.gateway.db.Database;
import cn.liangxian.gateway.privacy.PersonalDataCipher;
import cn.liangxian.policy.IdNumber;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A synthetic roster for the demo: a few hundred households across the five seed regions, special
 * groups included, loaded through the same import path as real rosters. Every person is made up.
 */
public final class DemoRoster {
  private static final Logger LOG = LoggerFactory.getLogger(DemoRoster.class);
  private static final String SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘";
  /**
   * Given names' characters, a man's and a woman's, drawn at the same place in each (the roster, its ID numbers and
   * everything else drawn stay as they were when both drew from one list: only a name that did not suit its holder's
   * sex, which the ID number gives, changed).
   */
  private static final String GIVEN_MALE = "伟斌峰鹏俊浩宇鑫强磊军洋勇亮杰成涛明超斌峰鹏平刚俊浩建华宇鑫文辉力国庆春威海成志强斌峰晓东";
  private static final String GIVEN_FEMALE = "萍芳娜秀英敏静丽玲婷慧琴莉艳洁娟颖明倩秀兰霞平雪桂英芬华玉兰文萍玲婷慧春梅海燕琴莉红梅晓洁";

  /** Region code, townships and villages. */
  private record Place(String region, String township, String[] villages) {}

  private static final List<Place> PLACES = List.of(
      new Place("371312", "汤头街道", new String[] {"汤头村", "东石村"}),
      new Place("371312", "凤凰岭街道", new String[] {"凤凰岭村"}),
      new Place("370405", "张山子镇", new String[] {"东点村", "西点村", "山前村"}),
      new Place("370404", "峨山镇", new String[] {"峨山村", "后湖村"}),
      new Place("370404", "阴平镇", new String[] {"阴平村"}),
      new Place("431103", "黄阳司镇", new String[] {"黄阳司村", "杨家村"}),
      new Place("431103", "普利桥镇", new String[] {"普利桥村"}),
      new Place("320682", "如城街道", new String[] {"大明社区", "平园社区", "宝塔社区"}));

  private DemoRoster() {}

  /** The rosters as CSV: village roster and department list. Deterministic. */
  public static List<String> csv(int households, long seed) {
    Random rnd = new Random(seed);
    StringBuilder roster = new StringBuilder("region_code,township,village,household,id_number,name,local,guardian_id_number,"
        + "guardian_name,guardian_phone,enrolled_elsewhere\n");
    StringBuilder departments = new StringBuilder("department,category,id_number,name,valid_from,valid_to\n");
    Set<String> ids = new HashSet<>();
    for (int h = 0; h < households; h++) {
      Place place = PLACES.get(h % PLACES.size());
      String village = place.villages()[rnd.nextInt(place.villages().length)];
      String household = "HH" + place.region() + String.format("%05d", h);
      char surname = SURNAMES.charAt(rnd.nextInt(SURNAMES.length()));
      int adults = 1 + rnd.nextInt(2);
      List<String[]> members = new ArrayList<>();
      LocalDate base = LocalDate.of(1955 + rnd.nextInt(40), 1 + rnd.nextInt(12), 1 + rnd.nextInt(28));
      for (int a = 0; a < adults; a++) {
        members.add(person(place.region(), base.plusDays(rnd.nextInt(2000) - 1000), a == 0, surname, rnd, ids));
      }
      if (rnd.nextInt(3) == 0) { // a grandparent
        members.add(person(place.region(), LocalDate.of(1935 + rnd.nextInt(25), 1 + rnd.nextInt(12), 1 + rnd.nextInt(28)),
            rnd.nextBoolean(), surname, rnd, ids));
      }
      int children = rnd.nextInt(3);
      for (int c = 0; c < children; c++) {
        members.add(person(place.region(), LocalDate.of(2004 + rnd.nextInt(15), 1 + rnd.nextInt(12), 1 + rnd.nextInt(28)),
            rnd.nextBoolean(), surname, rnd, ids));
      }
      String[] guardian = members.get(0);
      for (String[] m : members) {
        boolean minor = LocalDate.parse(m[2]).isAfter(LocalDate.of(2003, 12, 31));
        roster.append(String.join(",", place.region(), place.township(), village, household, m[0], m[1],
            rnd.nextInt(25) == 0 ? "false" : "true", minor ? guardian[0] : "", minor ? guardian[1] : "",
            minor ? "1380000" + String.format("%04d", rnd.nextInt(10000)) : "", "false")).append('\n');
        int roll = rnd.nextInt(100);
        String[] category = roll < 6 ? new String[] {"民政", "DIBAO"} : roll < 9 ? new String[] {"残联", "SEVERE_DISABLED"}
            : roll < 11 ? new String[] {"残联", "DISABLED"} : roll < 14 ? new String[] {"乡村振兴", "POVERTY"}
            : roll < 15 ? new String[] {"退役军人", "PRIORITY_CARE"} : roll < 16 ? new String[] {"民政", "TEKUN"} : null;
        if (category != null) {
          departments.append(String.join(",", category[0], category[1], m[0], m[1], "2019-01-01", "")).append('\n');
          if (roll == 0) { // also on another department's list: flagged for cross-check
            departments.append(String.join(",", "乡村振兴", "POVERTY", m[0], m[1], "2019-01-01", "")).append('\n');
          }
        }
      }
    }
    return List.of(roster.toString(), departments.toString());
  }

  private static String[] person(String region, LocalDate birth, boolean male, char surname, Random rnd, Set<String> ids) {
    String id;
    do {
      int seq = rnd.nextInt(500) * 2 + (male ? 1 : 0);
      String body = region + birth.format(DateTimeFormatter.BASIC_ISO_DATE) + String.format("%03d", seq);
      id = body + IdNumber.checkCharacter(body);
    } while (!ids.add(id));
    String given = male ? GIVEN_MALE : GIVEN_FEMALE;
    String name = surname + "" + given.charAt(rnd.nextInt(given.length()))
        + (rnd.nextInt(3) == 0 ? "" : String.valueOf(given.charAt(rnd.nextInt(given.length()))));
    return new String[] {id, name, birth.toString()};
  }

  /** Loads the demo roster when the database holds no person yet. */
  static final String ROSTER_FILE = "demo-village-roster.csv";
  static final String LISTS_FILE = "demo-department-lists.csv";
  /**
   * Who the audit log says imported the demo roster: no operator's name can be this (names have no spaces), nor the CLI's
   * ("cli"), whatever the file a real roster is imported under.
   */
  static final String ACTOR = "demo roster";

  public static void loadIfEmpty(Database db, RosterImport importer) {
    try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select exists (select 1 from person)")) {
      rs.next();
      if (rs.getBoolean(1)) {
        return;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the roster: " + e.getMessage(), e);
    }
    List<String> files = csv(300, 20191215L);
    ImportReport r1 = importer.importCsv(ROSTER_FILE, files.get(0).getBytes(StandardCharsets.UTF_8), ACTOR);
    ImportReport r2 = importer.importCsv(LISTS_FILE, files.get(1).getBytes(StandardCharsets.UTF_8), ACTOR);
    LOG.info("loaded the DEMO roster (made-up people): {}; {}", r1.summary(), r2.summary());
  }

  /** A few (ID number, name, region) of the demo roster to try; read back and decrypted. */
  /**
   * A few made-up residents to try, for the start-up banner: only when the demo roster is all that was
   * ever imported. A real roster's people never reach a log, whatever else is loaded beside it.
   */
  public static List<String[]> examples(Database db, PersonalDataCipher cipher, int n) {
    List<String[]> out = new ArrayList<>();
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      if (!onlyTheDemoIsLoaded(st)) {
        return out;
      }
      try (ResultSet rs = st.executeQuery("select distinct on (v.region_code) p.id_enc, p.name, r.name as region,"
          + " (select count(*) from person_category pc where pc.person_id = p.id) as cats"
          + " from person p join household h on h.id = p.household_id join village v on v.id = h.village_id"
          + " join region r on r.code = v.region_code where p.birth_date < '1990-01-01'"
          + " order by v.region_code, (select count(*) from person q where q.household_id = p.household_id) desc, p.id")) {
        while (rs.next() && out.size() < n) {
          out.add(new String[] {cipher.decrypt(rs.getBytes(1)), rs.getString(2), rs.getString(3)});
        }
      }
    } catch (SQLException e) {
      LOG.warn("could not read demo examples: {}", e.getMessage());
    }
    return out;
  }

  /**
   * The demo roster was imported, and no other roster or list ever was (every import is in the audit log): told by who
   * imported it, never by the file's name, which whoever imports chooses.
   */
  private static boolean onlyTheDemoIsLoaded(Statement st) throws SQLException {
    try (ResultSet rs = st.executeQuery("select exists (select 1 from audit_log where action = 'roster.import' and actor = '"
        + ACTOR + "') and not exists (select 1 from audit_log where action = 'roster.import' and actor <> '" + ACTOR + "')")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }
}
