package cn.liangxian.loadtest;

import cn.liangxian.policy.IdNumber;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A made-up population of N persons for load tests, in households of census-like sizes across the
 * five seed regions, with valid ID numbers and departments' special-group lists in proportions close
 * to the published ones. Written as the same CSV files operators import ({@code gateway.jar roster
 * import}), plus {@code residents.csv}: one resident per household (ID number, name) in random order,
 * what the simulations feed on.
 *
 * <pre>java -cp loadtest.jar cn.liangxian.loadtest.Population [persons] [dir] [seed]</pre>
 *
 * <p>Deterministic for a seed. Every person is made up; no real ID number is generated on purpose
 * (the sequence numbers are drawn at random within real region codes and birth dates, so one may
 * coincide with a real person's: the files must stay on test systems).
 */
public final class Population {
  public static final int DEFAULT_PERSONS = 1_000_000;

  /**
   * Household sizes, from the 2020 census (七普) distribution of family households by size:
   * 1: 25.4%, 2: 29.7%, 3: 21.0%, 4: 13.2%, 5: 6.2%, 6 and more: 4.5% (split here as 6: 2.8%, 7: 1.2%, 8: 0.5%).
   * Mean 2.62 persons.
   */
  static final double[] SIZE_SHARES = {0, 0.254, 0.297, 0.210, 0.132, 0.062, 0.028, 0.012, 0.005};

  /** A department's list: category, its department, and the share of persons on it. */
  record Group(String category, String department, double share, boolean wholeHousehold) {}

  /**
   * Special groups as shares of rural residents, rounded from public figures: 农村低保 about 4%
   * (some 40 million of the rural population, whole households), 特困 0.5%, certified disabled about 6%
   * of whom a third severe (grades 1-2), monitored for falling back into poverty (防返贫监测) about 2%,
   * priority care (重点优抚) 0.3%, orphans 0.02%.
   */
  static final List<Group> GROUPS = List.of(
      new Group("DIBAO", "民政", 0.040, true),
      new Group("TEKUN", "民政", 0.005, false),
      new Group("SEVERE_DISABLED", "残联", 0.020, false),
      new Group("DISABLED", "残联", 0.040, false),
      new Group("POVERTY", "乡村振兴", 0.020, true),
      new Group("PRIORITY_CARE", "退役军人", 0.003, false),
      new Group("ORPHAN", "民政", 0.0002, false));

  /** Share of persons whose hukou is elsewhere (non-local), and of those insured elsewhere already. */
  static final double NON_LOCAL = 0.04;
  static final double ENROLLED_ELSEWHERE = 0.01;

  record Region(String code, double weight, List<Map.Entry<String, Double>> townships) {}

  /**
   * The seed regions, weighted by their rough resident populations (河东 0.9M, 台儿庄 0.3M, 峄城 0.4M,
   * 冷水滩 0.55M, 如皋 1.2M); 冷水滩's townships weighted by the 2020 medical targets of notice 003 (附件2).
   */
  static final List<Region> REGIONS = List.of(
      new Region("371312", 0.9, even("九曲街道", "芝麻墩街道", "相公街道", "太平街道", "梅家埠街道", "郑旺镇", "汤头街道", "凤凰岭街道",
          "八湖镇", "朝阳街道")),
      new Region("370405", 0.3, even("运河街道", "邳庄镇", "张山子镇", "泥沟镇", "涧头集镇", "马兰屯镇")),
      new Region("370404", 0.4, even("坛山街道", "吴林街道", "古邵镇", "阴平镇", "底阁镇", "榴园镇", "峨山镇")),
      new Region("431103", 0.55, weighted("曲河街道", 13200, "梅湾街道", 24750, "凤凰街道", 14300, "杨家桥街道", 13200, "珊瑚街道", 7150,
          "肖家园街道", 10186, "梧桐街道", 15092, "岚角山街道", 29766, "菱角山街道", 19690, "伊塘镇", 23100, "牛角坝镇", 29920,
          "杨村甸乡", 22198, "蔡市镇", 20460, "高溪市镇", 18370, "花桥街镇", 19690, "普利桥镇", 48576, "黄阳司镇", 42988,
          "上岭桥镇", 47212, "仁湾镇", 32010)),
      new Region("320682", 1.2, even("如城街道", "城北街道", "城南街道", "东陈镇", "丁堰镇", "白蒲镇", "下原镇", "九华镇", "石庄镇",
          "长江镇", "吴窑镇", "江安镇", "搬经镇", "磨头镇")));

  static final int VILLAGES_PER_TOWNSHIP = 24;
  private static final String SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢";
  private static final String GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂建华玉文辉力国庆春梅海燕志红晓东金凤荣福德宝";
  private static final String PLACE_SUFFIX = "庄家屯营寨店湾岭坡桥塘湖沟集洼";

  /** What was written, for the run's log and for tests. */
  public record Summary(int persons, int households, Map<Integer, Integer> householdSizes, Map<String, Integer> byRegion,
      Map<String, Integer> byCategory, int minors, int elderly, int nonLocal) {
    public double meanHouseholdSize() {
      return (double) persons / households;
    }
  }

  private Population() {}

  public static void main(String[] args) {
    try {
      int persons = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : DEFAULT_PERSONS;
      Path dir = Path.of(args.length > 1 ? args[1] : "loadtest/target/population");
      long seed = args.length > 2 ? Long.parseLong(args[2]) : 20191215L;
      if (persons < 1) {
        throw new NumberFormatException("at least one person");
      }
      Summary s = write(persons, seed, dir);
      System.out.printf("population: %,d persons in %,d households (mean %.2f) under %s%n", s.persons(), s.households(),
          s.meanHouseholdSize(), dir);
      System.out.println("  by region:   " + s.byRegion());
      System.out.println("  household sizes: " + s.householdSizes());
      System.out.println("  special groups:  " + s.byCategory());
      System.out.printf("  minors %,d, aged 60 and over %,d, non-local %,d%n", s.minors(), s.elderly(), s.nonLocal());
    } catch (NumberFormatException e) {
      System.err.println("usage: Population [persons (default 1000000)] [dir] [seed] — " + e.getMessage());
      System.exit(2);
    } catch (IOException | IllegalStateException e) {
      System.err.println("population: cannot write the files: " + e);
      System.exit(1);
    }
  }

  /** Writes village-roster.csv, department-lists.csv and residents.csv into dir. */
  public static Summary write(int persons, long seed, Path dir) throws IOException {
    Files.createDirectories(dir);
    Random rnd = new Random(seed);
    // the last year of medical cover, drawn apart so that every other draw (and so the population) stays as it was
    Random cover = new Random(seed ^ 0x5EEDL);
    double totalWeight = REGIONS.stream().mapToDouble(Region::weight).sum();
    Map<Long, Integer> sequences = new HashMap<>();
    Map<Integer, Integer> sizes = new TreeMap<>();
    Map<String, Integer> byRegion = new LinkedHashMap<>();
    Map<String, Integer> byCategory = new LinkedHashMap<>();
    GROUPS.forEach(g -> byCategory.put(g.category(), 0));
    List<String> residents = new ArrayList<>();
    int written = 0;
    int households = 0;
    int minors = 0;
    int elderly = 0;
    int nonLocal = 0;
    LocalDate today = LocalDate.of(2019, 12, 1); // the seeds' collection window
    try (BufferedWriter roster = Files.newBufferedWriter(dir.resolve("village-roster.csv"), StandardCharsets.UTF_8);
        BufferedWriter lists = Files.newBufferedWriter(dir.resolve("department-lists.csv"), StandardCharsets.UTF_8)) {
      roster.write("region_code,township,village,household,id_number,name,local,guardian_id_number,guardian_name,guardian_phone,"
          + "enrolled_elsewhere,medical_last_year\n");
      lists.write("department,category,id_number,name,valid_from,valid_to\n");
      while (written < persons) {
        int size = Math.min(drawSize(rnd), persons - written);
        Region region = pick(REGIONS, r -> r.weight() / totalWeight, rnd);
        String township = pick(region.townships(), Map.Entry::getValue, rnd).getKey();
        String village = villageName(region.code(), township, rnd.nextInt(VILLAGES_PER_TOWNSHIP));
        String household = "LT" + region.code() + String.format("%08d", households);
        char surname = SURNAMES.charAt(rnd.nextInt(SURNAMES.length()));
        List<LocalDate> births = births(size, today, rnd);
        String[] first = null;
        List<Group> householdGroups = new ArrayList<>();
        for (Group g : GROUPS) {
          if (g.wholeHousehold() && rnd.nextDouble() < g.share()) {
            householdGroups.add(g);
          }
        }
        for (int i = 0; i < size; i++) {
          LocalDate birth = births.get(i);
          boolean male = i == 0 ? rnd.nextDouble() < 0.7 : rnd.nextBoolean();
          String id = idNumber(region.code(), birth, male, sequences, rnd);
          char familySurname = i == 1 && size > 1 && age(birth, today) >= 18 && age(births.get(0), today) >= 18
              ? SURNAMES.charAt(rnd.nextInt(SURNAMES.length())) : surname; // a spouse keeps their own surname
          String name = familySurname + "" + GIVEN.charAt(rnd.nextInt(GIVEN.length()))
              + (rnd.nextInt(4) == 0 ? "" : String.valueOf(GIVEN.charAt(rnd.nextInt(GIVEN.length()))));
          boolean minor = age(birth, today) < 18;
          boolean local = rnd.nextDouble() >= NON_LOCAL;
          String[] guardian = minor && first != null ? first : null;
          roster.write(String.join(",", region.code(), township, village, household, id, name, Boolean.toString(local),
              guardian == null ? "" : guardian[0], guardian == null ? "" : guardian[1],
              guardian == null ? "" : "13" + String.format("%09d", rnd.nextInt(1_000_000_000)),
              Boolean.toString(rnd.nextDouble() < ENROLLED_ELSEWHERE), lastCovered(cover, today.getYear())));
          roster.write('\n');
          if (first == null) {
            first = new String[] {id, name};
            residents.add(id + "," + name + "," + region.code());
          }
          List<Group> mine = new ArrayList<>(householdGroups);
          for (Group g : GROUPS) {
            if (!g.wholeHousehold() && groupApplies(g, birth, today) && rnd.nextDouble() < g.share()) {
              mine.add(g);
            }
          }
          for (Group g : mine) {
            lists.write(String.join(",", g.department(), g.category(), id, name, "2019-01-01", ""));
            lists.write('\n');
            byCategory.merge(g.category(), 1, Integer::sum);
          }
          minors += minor ? 1 : 0;
          elderly += age(birth, today) >= 60 ? 1 : 0;
          nonLocal += local ? 0 : 1;
          written++;
        }
        sizes.merge(size, 1, Integer::sum);
        byRegion.merge(region.code(), size, Integer::sum);
        households++;
      }
    }
    Collections.shuffle(residents, rnd);
    try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("residents.csv"), StandardCharsets.UTF_8)) {
      w.write("idNumber,name,region\n");
      for (String r : residents) {
        w.write(r);
        w.write('\n');
      }
    }
    return new Summary(written, households, sizes, byRegion, byCategory, minors, elderly, nonLocal);
  }

  /** Orphans are children; the others are drawn among everyone. */
  private static boolean groupApplies(Group g, LocalDate birth, LocalDate today) {
    return !g.category().equals("ORPHAN") || age(birth, today) < 18;
  }

  /**
   * 上次参保年度 as an agency's roster might give it: most covered the year before, some after a break of a year or a few,
   * and some of whom it says nothing.
   */
  static String lastCovered(Random rnd, int year) {
    double d = rnd.nextDouble();
    return d < 0.88 ? Integer.toString(year) : d < 0.92 ? Integer.toString(year - 1) : d < 0.95
        ? Integer.toString(year - 2 - rnd.nextInt(3)) : "";
  }

  static int drawSize(Random rnd) {
    double x = rnd.nextDouble();
    for (int size = 1; size < SIZE_SHARES.length; size++) {
      x -= SIZE_SHARES[size];
      if (x < 0) {
        return size;
      }
    }
    return SIZE_SHARES.length - 1;
  }

  /**
   * Birth dates for a household of this size, head first: one person alone is most often old, two are a
   * couple, three and four are parents with children, five and more add grandparents.
   */
  static List<LocalDate> births(int size, LocalDate today, Random rnd) {
    List<LocalDate> out = new ArrayList<>();
    int headAge = size <= 2 && rnd.nextDouble() < 0.55 ? 60 + rnd.nextInt(30) : 28 + rnd.nextInt(32);
    out.add(bornAt(headAge, today, rnd));
    if (size >= 2) {
      out.add(bornAt(Math.max(18, headAge - 3 + rnd.nextInt(7)), today, rnd));
    }
    int grandparents = size >= 5 ? Math.min(2, size - 3) : (size == 4 && rnd.nextInt(4) == 0 ? 1 : 0);
    int children = size - Math.min(size, 2) - grandparents;
    int oldestChild = Math.max(0, Math.min(headAge - 20, 25));
    for (int c = 0; c < children; c++) {
      out.add(bornAt(rnd.nextInt(oldestChild + 1), today, rnd));
    }
    for (int g = 0; g < grandparents; g++) {
      out.add(bornAt(Math.min(99, headAge + 24 + rnd.nextInt(10)), today, rnd));
    }
    return out;
  }

  private static LocalDate bornAt(int age, LocalDate today, Random rnd) {
    return today.minusYears(age).minusDays(1 + rnd.nextInt(364));
  }

  static int age(LocalDate birth, LocalDate today) {
    return java.time.Period.between(birth, today).getYears();
  }

  /** A valid 18-digit ID number, unique in this population: region, birth date, sequence (odd for men), check character. */
  static String idNumber(String region, LocalDate birth, boolean male, Map<Long, Integer> used, Random rnd) {
    long key = (Long.parseLong(region) * 100_000L + birth.toEpochDay() + 50_000L) * 2 + (male ? 1 : 0);
    int n = used.merge(key, 1, Integer::sum) - 1;
    if (n >= 500) {
      throw new IllegalStateException("more than 500 persons of one sex born on " + birth + " in " + region);
    }
    int offset = (int) Math.floorMod(key * 31L, 500L); // a different first sequence per date, as real ones differ
    int seq = ((offset + n) % 500) * 2 + (male ? 1 : 0);
    String body = region + birth.format(DateTimeFormatter.BASIC_ISO_DATE) + String.format("%03d", seq);
    return IdNumber.parse(body + IdNumber.checkCharacter(body)).value(); // parse fails loudly if a region or date is wrong
  }

  static String villageName(String region, String township, int index) {
    // unique within a township: each index picks a distinct (surname, suffix) pair
    int pair = Math.floorMod((region + township).hashCode() + index * 7, SURNAMES.length() * PLACE_SUFFIX.length());
    return SURNAMES.charAt(pair / PLACE_SUFFIX.length()) + "" + PLACE_SUFFIX.charAt(pair % PLACE_SUFFIX.length()) + "村";
  }

  private static <T> T pick(List<T> items, java.util.function.ToDoubleFunction<T> share, Random rnd) {
    double x = rnd.nextDouble();
    for (T t : items) {
      x -= share.applyAsDouble(t);
      if (x < 0) {
        return t;
      }
    }
    return items.get(items.size() - 1);
  }

  private static List<Map.Entry<String, Double>> even(String... townships) {
    List<Map.Entry<String, Double>> out = new ArrayList<>();
    for (String t : townships) {
      out.add(Map.entry(t, 1.0 / townships.length));
    }
    return out;
  }

  private static List<Map.Entry<String, Double>> weighted(Object... pairs) {
    double total = 0;
    for (int i = 0; i < pairs.length; i += 2) {
      total += (Integer) pairs[i + 1];
    }
    List<Map.Entry<String, Double>> out = new ArrayList<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.add(Map.entry((String) pairs[i], (Integer) pairs[i + 1] / total));
    }
    return out;
  }
}
