package cn.liangxian.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import cn.liangxian.policy.IdNumber;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PopulationTest {
  static final int PERSONS = 100_000;
  @TempDir static Path dir;
  static Population.Summary summary;
  static List<String> roster;
  static List<String> lists;
  static List<String> residents;

  @BeforeAll
  static void generate() throws Exception {
    summary = Population.write(PERSONS, 7L, dir);
    roster = Files.readAllLines(dir.resolve("village-roster.csv"), StandardCharsets.UTF_8);
    lists = Files.readAllLines(dir.resolve("department-lists.csv"), StandardCharsets.UTF_8);
    residents = Files.readAllLines(dir.resolve("residents.csv"), StandardCharsets.UTF_8);
  }

  @Test
  void exactlyNPersonsWithValidUniqueIdNumbersInTheSeedRegions() {
    assertThat(roster.get(0)).startsWith("region_code,township,village,household,id_number,name,local,guardian_id_number");
    assertThat(roster).hasSize(PERSONS + 1);
    Set<String> ids = new HashSet<>();
    for (String line : roster.subList(1, roster.size())) {
      String[] f = line.split(",", -1);
      assertThat(f).hasSize(12);
      // the last year of medical cover (上次参保年度): the year before the window's benefit year, an earlier one, or none
      assertThat(f[11]).matches("|20(1[0-9])");
      IdNumber id = IdNumber.parse(f[4]); // throws on a bad check character, region or date
      assertThat(id.regionCode()).isEqualTo(f[0]);
      assertThat(ids.add(f[4])).as("duplicate %s", f[4]).isTrue();
      assertThat(f[0]).isIn("371312", "370405", "370404", "431103", "320682");
      assertThat(f[5]).hasSizeBetween(2, 3);
    }
    assertThat(summary.persons()).isEqualTo(PERSONS);
  }

  @Test
  void householdSizesFollowTheCensus() {
    assertThat(summary.meanHouseholdSize()).isCloseTo(2.62, within(0.05));
    int households = summary.households();
    assertThat(summary.householdSizes().get(1) / (double) households).isCloseTo(0.254, within(0.01));
    assertThat(summary.householdSizes().get(2) / (double) households).isCloseTo(0.297, within(0.01));
    // every household lives in one village, and its rows agree with the summary
    Map<String, String> village = new HashMap<>();
    Map<String, Integer> size = new HashMap<>();
    for (String line : roster.subList(1, roster.size())) {
      String[] f = line.split(",", -1);
      String where = f[0] + "/" + f[1] + "/" + f[2];
      assertThat(village.computeIfAbsent(f[3], k -> where)).isEqualTo(where);
      size.merge(f[3], 1, Integer::sum);
    }
    assertThat(size).hasSize(households);
  }

  @Test
  void minorsHaveAGuardianFromTheirHousehold() {
    Map<String, String> firstOf = new HashMap<>();
    int minors = 0;
    for (String line : roster.subList(1, roster.size())) {
      String[] f = line.split(",", -1);
      firstOf.putIfAbsent(f[3], f[4]);
      if (IdNumber.parse(f[4]).ageOn(java.time.LocalDate.of(2019, 12, 1)) < 18) {
        minors++;
        assertThat(f[7]).isEqualTo(firstOf.get(f[3]));
        assertThat(f[9]).matches("13\\d{9}");
      } else {
        assertThat(f[7]).isEmpty();
      }
    }
    assertThat(minors).isEqualTo(summary.minors());
    assertThat(minors / (double) PERSONS).isBetween(0.10, 0.30);
    assertThat(summary.elderly() / (double) PERSONS).isBetween(0.15, 0.40);
  }

  @Test
  void specialGroupsInTheirPublishedProportions() {
    assertThat(lists.get(0)).isEqualTo("department,category,id_number,name,valid_from,valid_to");
    Map<String, Integer> byCategory = new HashMap<>();
    Map<String, String> nameOf = new HashMap<>();
    roster.subList(1, roster.size()).forEach(l -> {
      String[] f = l.split(",", -1);
      nameOf.put(f[4], f[5]);
    });
    for (String line : lists.subList(1, lists.size())) {
      String[] f = line.split(",", -1);
      assertThat(nameOf.get(f[2])).as("listed person is on the roster under the same name").isEqualTo(f[3]);
      byCategory.merge(f[1], 1, Integer::sum);
    }
    assertThat(byCategory).isEqualTo(summary.byCategory());
    assertThat(byCategory.get("DIBAO") / (double) PERSONS).isCloseTo(0.04, within(0.01));
    assertThat(byCategory.get("SEVERE_DISABLED") / (double) PERSONS).isCloseTo(0.02, within(0.005));
    assertThat(byCategory.get("TEKUN") / (double) PERSONS).isCloseTo(0.005, within(0.002));
  }

  @Test
  void residentsAreOnePerHouseholdShuffledAndOnTheRoster() {
    assertThat(residents.get(0)).isEqualTo("idNumber,name,region");
    assertThat(residents).hasSize(summary.households() + 1);
    Set<String> rosterPairs = new HashSet<>();
    roster.subList(1, roster.size()).forEach(l -> {
      String[] f = l.split(",", -1);
      rosterPairs.add(f[4] + "," + f[5] + "," + f[0]);
    });
    assertThat(residents.subList(1, residents.size()).stream().filter(r -> !rosterPairs.contains(r)).toList()).isEmpty();
    // shuffled: the first residents are not all of the first region written
    assertThat(residents.subList(1, 50).stream().map(r -> r.split(",")[2]).distinct().count()).isGreaterThan(1);
  }

  @Test
  void theSameSeedWritesTheSameFiles(@TempDir Path other) throws Exception {
    Population.write(2_000, 11L, other.resolve("a"));
    Population.write(2_000, 11L, other.resolve("b"));
    assertThat(Files.readAllBytes(other.resolve("a/village-roster.csv"))).isEqualTo(Files.readAllBytes(other.resolve("b/village-roster.csv")));
    assertThat(Files.readAllBytes(other.resolve("a/residents.csv"))).isEqualTo(Files.readAllBytes(other.resolve("b/residents.csv")));
  }
}
