package cn.liangxian.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A malformed or inconsistent book fails to load with the file, the line and the field. */
class BadBooksTest {

  /** A small valid book; each case replaces one line of it. */
  static final String GOOD = """
      id: test-book
      notice: "000"
      title: test
      regions:
        - {code: "371312", name: 河东区}
      medical:
        benefitYear: 2020
        source: 000 三(二)
        window: {start: 2019-12-08, end: 2019-12-31, source: 000 六(二)}
        ageReferenceDate: {date: 2019-12-31, source: 000 三(二)2}
        eligibility:
          nonLocal: {reductions: true, source: 000 三(二)1}
          enrolledElsewhere: {source: 000 三(二)1}
        personal: {yuan: 250, source: 000 三(二)2}
        governmentShare: {yuan: 550, source: 000 三(二)2}
        fullFinancing: {yuan: 800, source: 000 三(二)3}
        treatments:
          - id: special-groups
            categories: [DIBAO, WUBAO]
            exempt: true
            source: 000 三(二)2
          - id: age-70-plus
            minAge: 70
            exempt: true
            source: 000 三(二)2
        late:
          - {id: grace, from: 2020-01-01, amount: personal, reductions: true, waitingDays: 30, source: 000 三(二)3}
          - {id: full, from: 2020-03-01, amount: full, reductions: false, waitingDays: 30, source: 000 三(二)3}
      pension:
        benefitYear: 2020
        source: 000 三(一)
        window: {start: 2019-12-08, end: 2019-12-31, source: 000 六(二)}
        ageReferenceDate: {date: 2019-12-31, source: 000 三(一)1}
        eligibility:
          minAge: {years: 16, source: 000 三(一)1}
          localOnly: {source: 000 三(一)1}
          enrolledElsewhere: {source: 000 三(一)1}
        tiers: {yuan: [100, 300], source: 000 三(一)2(1)}
        subsidy:
          source: 000 三(一)2(3)
          byTier:
            - {tier: 100, yuan: 0}
            - {tier: 300, yuan: 30}
        late: {refuse: no rule, source: 000 三(一)2(6)}
      """;

  /** Why {@code yaml} does not load (the test fails when it does). */
  static String loadError(String yaml) {
    PolicyBookException e = org.assertj.core.api.Assertions.catchThrowableOfType(() -> PolicyBook.parse("bad.yaml", yaml),
        PolicyBookException.class);
    org.assertj.core.api.Assertions.assertThat(e).as("the book loads").isNotNull();
    return e.getMessage();
  }

  static String replace(String from, String to) {
    if (!GOOD.contains(from)) {
      throw new IllegalArgumentException("test book has no '" + from + "'");
    }
    return GOOD.replace(from, to);
  }

  static Stream<Arguments> badBooks() {
    return Stream.of(badMedicalTerms(), badPensionTerms(), badYaml()).flatMap(Function.identity());
  }

  /** Problems in the medical section: categories, sources, amounts, age bands, the window and late phases. */
  static Stream<Arguments> badMedicalTerms() {
    return Stream.of(
        Arguments.of("unknown category code", replace("[DIBAO, WUBAO]", "[DIBAO, DIBOA]"),
            19, "medical.treatments[0].categories[1]", "unknown category code 'DIBOA'"),
        Arguments.of("a rule without a source", replace("      minAge: 70\n      exempt: true\n      source: 000 三(二)2\n",
            "      minAge: 70\n      exempt: true\n"),
            22, "medical.treatments[1]", "missing field 'source'"),
        Arguments.of("a source from another notice", replace("personal: {yuan: 250, source: 000 三(二)2}",
            "personal: {yuan: 250, source: 003 二}"), 14, "medical.personal.source", "cites this book's notice"),
        Arguments.of("a negative amount", replace("personal: {yuan: 250,", "personal: {yuan: -250,"),
            14, "medical.personal.yuan", "must not be negative"),
        // an amount past any contribution (the sums of a household's items would overflow): refused, never a crash
        Arguments.of("an amount too large for a contribution", replace("personal: {yuan: 250,", "personal: {yuan: 99999999999999999,"),
            14, "medical.personal.yuan", "more than 100000 yuan"),
        Arguments.of("an amount written with a huge exponent", replace("personal: {yuan: 250,", "personal: {yuan: 1e9999,"),
            14, "medical.personal.yuan", "more than 100000 yuan"),
        Arguments.of("a tier too large", replace("tiers: {yuan: [100, 300],", "tiers: {yuan: [100, 300, 100001],"),
            38, "pension.tiers.yuan[2]", "more than 100000 yuan"),
        Arguments.of("fractions of a fen", replace("personal: {yuan: 250,", "personal: {yuan: 250.005,"),
            14, "medical.personal.yuan", "more than two decimals"),
        Arguments.of("overlapping age bands", replace("      source: 000 三(二)2\n  late:",
            "      source: 000 三(二)2\n    - id: sixty-up\n      minAge: 60\n      governmentPercent: 50\n      source: 000 三(二)2\n  late:"),
            26, "medical.treatments[2]", "overlaps rule 'age-70-plus'"),
        Arguments.of("late phases out of order", replace("from: 2020-03-01", "from: 2020-01-01"),
            28, "medical.late[1].from", "must not overlap"),
        Arguments.of("a gap after the window", replace("{id: grace, from: 2020-01-01", "{id: grace, from: 2020-01-05"),
            27, "medical.late[0].from", "day after the window ends (2020-01-01)"),
        Arguments.of("a government share the book does not configure",
            replace("  governmentShare: {yuan: 550, source: 000 三(二)2}\n", ""), 7, "medical",
            "missing field 'governmentShare'"),
        Arguments.of("amounts that do not add up", replace("governmentShare: {yuan: 550,", "governmentShare: {yuan: 580,"),
            16, "medical.fullFinancing.yuan", "not the personal amount plus the government share"),
        Arguments.of("a window that ends before it starts", replace("{start: 2019-12-08, end: 2019-12-31, source: 000 六(二)}\n  ageReferenceDate: {date: 2019-12-31, source: 000 三(二)2}",
            "{start: 2019-12-08, end: 2019-12-01, source: 000 六(二)}\n  ageReferenceDate: {date: 2019-12-31, source: 000 三(二)2}"),
            9, "medical.window.end", "before it starts"),
        Arguments.of("a percentage over 100", replace("      exempt: true\n      source: 000 三(二)2\n    - id: age-70-plus",
            "      governmentPercent: 120\n      source: 000 三(二)2\n    - id: age-70-plus"),
            20, "medical.treatments[0].governmentPercent", "between 1 and 100"),
        Arguments.of("a reduction marked as stacking", replace("      exempt: true\n      source: 000 三(二)2\n    - id: age-70-plus",
            "      exempt: true\n      stacks: true\n      source: 000 三(二)2\n    - id: age-70-plus"),
            21, "medical.treatments[0].stacks", "reductions never do"),
        Arguments.of("a certification date for an age band", replace("      minAge: 70\n      exempt: true",
            "      minAge: 70\n      certifiedBy: 2019-12-31\n      exempt: true"),
            24, "medical.treatments[1].certifiedBy", "needs 'categories'"));
  }

  /** Problems in the pension section: tiers, their subsidies, the late rule and dates. */
  static Stream<Arguments> badPensionTerms() {
    return Stream.of(
        Arguments.of("a tier without a subsidy", replace("      - {tier: 100, yuan: 0}\n", ""),
            42, "pension.subsidy.byTier", "no subsidy configured for tier 100"),
        Arguments.of("a tier listed twice", replace("yuan: [100, 300]", "yuan: [100, 300, 300]"),
            38, "pension.tiers.yuan[2]", "listed twice"),
        Arguments.of("a tier in jiao", replace("yuan: [100, 300]", "yuan: [100, 300.5]"),
            38, "pension.tiers.yuan[1]", "not a whole number of yuan"),
        Arguments.of("a subsidy for a tier not offered", replace("{tier: 300, yuan: 30}", "{tier: 700, yuan: 30}"),
            43, "pension.subsidy.byTier[1].tier", "not offered"),
        Arguments.of("no late rule at all", replace("  late: {refuse: no rule, source: 000 三(一)2(6)}\n", ""),
            30, "pension", "missing field 'late'"),
        Arguments.of("a bad date", replace("date: 2019-12-31, source: 000 三(一)1", "date: 2019-02-30, source: 000 三(一)1"),
            33, "pension.ageReferenceDate.date", "must be a date"),
        Arguments.of("an age ceiling below the minimum age", replace("minAge: {years: 16, source: 000 三(一)1}",
            "minAge: {years: 16, source: 000 三(一)1}\n    maxAge: {years: 15, source: 000 三(一)1}"),
            36, "pension.eligibility.maxAge.years", "maxAge 15 is below minAge 16"),
        Arguments.of("a medical back-payment", replace("{id: full, from: 2020-03-01, amount: full, reductions: false, waitingDays: 30,",
            "{id: full, from: 2020-03-01, until: 2021-06-30, backPayment: true, amount: full, reductions: false, waitingDays: 30,"),
            28, "medical.late[1].backPayment", "only pension years are paid back"),
        Arguments.of("a back-payment without its end", replace("  late: {refuse: no rule, source: 000 三(一)2(6)}",
            "  late:\n    - {id: back, from: 2020-01-01, amount: personal, reductions: false, waitingDays: 0, backPayment: true,"
                + " source: 000 三(一)2(6)}"),
            45, "pension.late[0]", "needs its last day"),
        Arguments.of("a pension waiting time not given", replace("  late: {refuse: no rule, source: 000 三(一)2(6)}",
            "  late:\n    - {id: grace, from: 2020-01-01, amount: personal, reductions: true,"
                + " waitingDays: {notGiven: not said}, source: 000 三(一)2(6)}"),
            45, "pension.late[0].waitingDays", "write 'waitingDays: 0'"),
        Arguments.of("medical tiers whose lowest is not the personal amount", replace("  fullFinancing: {yuan: 800, source: 000 三(二)3}\n",
            "  fullFinancing: {yuan: 800, source: 000 三(二)3}\n  tiers: {yuan: [260, 400], source: 000 三(二)2}\n"),
            17, "medical.tiers.yuan", "lowest tier (260) is not the personal amount"),
        Arguments.of("a newborn rule in months and in days", replace("waitingDays: 30, source: 000 三(二)3}\npension:",
            "waitingDays: 30, source: 000 三(二)3}\n  newborn: {withinMonths: 6, withinDays: 90, source: 000 三(二)3}\npension:"),
            29, "medical.newborn.withinDays", "give only one of"));
  }

  /** YAML that is not a book: misspelt fields, duplicate keys, broken syntax. */
  static Stream<Arguments> badYaml() {
    return Stream.of(
        Arguments.of("a misspelt field", replace("  personal: {yuan: 250,", "  personel: {yuan: 250,"),
            14, "medical.personel", "unknown field"),
        Arguments.of("a duplicate key", replace("  personal: {yuan: 250, source: 000 三(二)2}\n",
            "  personal: {yuan: 250, source: 000 三(二)2}\n  personal: {yuan: 260, source: 000 三(二)2}\n"),
            15, "medical.personal", "duplicate key"),
        Arguments.of("not YAML at all", replace("title: test", "title: [unclosed"), 4, "", "not valid YAML"),
        Arguments.of("a notice named in two words", replace("notice: \"000\"", "notice: \"泰医保发 12号\""), 2, "notice",
            "in one word"),
        Arguments.of("a guardian for adults", replace("title: test\n", "title: test\nroster:\n  guardian: {underAge: 20,"
            + " source: 000 三(二)1}\n"), 5, "roster.guardian.underAge", "from 1 to 18"),
        Arguments.of("a misspelt roster rule", replace("title: test\n", "title: test\nroster:\n  guardians: {underAge: 16,"
            + " source: 000 三(二)1}\n"), 5, "roster.guardians", "unknown field"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBooks")
  void failsToLoadNamingFileLineAndField(String what, String yaml, int line, String field, String problem) {
    PolicyBookException e = catchThrowableOfType(PolicyBookException.class, () -> PolicyBook.parse("bad.yaml", yaml));
    assertThat(e).as(what).isNotNull();
    assertThat(e.file()).isEqualTo("bad.yaml");
    assertThat(e.field()).isEqualTo(field);
    assertThat(e.getMessage()).contains(problem).startsWith("bad.yaml:" + e.line() + ": ");
    assertThat(e.line()).as("line of: " + e.getMessage()).isEqualTo(line);
  }

  /** The 1-based line of the first occurrence of {@code snippet} in {@code yaml}. */
  static int lineOf(String yaml, String snippet) {
    int at = yaml.indexOf(snippet);
    if (at < 0) {
      throw new IllegalArgumentException("no '" + snippet + "' in the book");
    }
    return (int) yaml.substring(0, at).chars().filter(ch -> ch == '\n').count() + 1;
  }

  static Arguments bad(String what, String from, String to, String lineOf, String field, String problem) {
    String yaml = replace(from, to);
    return Arguments.of(what, yaml, lineOf(yaml, lineOf), field, problem);
  }

  /**
   * One case per field books gained: declared categories, reasons, groups, amounts per group, paying days, extensions,
   * ranges, notGiven, a person's own part, a newborn's later rule.
   */
  static Stream<Arguments> badNewFields() {
    String cats = "regions:\n  - {code: \"371312\", name: 河东区}\n";
    return Stream.of(
        bad("a declared category redeclaring a national group", cats,
            cats + "categories:\n  - {code: DIBAO, name: 低保, department: 民政, source: 000 二}\n", "code: DIBAO",
            "categories[0].code", "national group"),
        bad("a declared category in an unknown group", cats,
            cats + "categories:\n  - {code: DIBAO_1_2, name: 一二类低保, department: 民政, group: DIBOA, source: 000 二}\n",
            "code: DIBAO_1_2", "categories[0].group", "unknown group 'DIBOA'"),
        bad("a declared category without its department", cats,
            cats + "categories:\n  - {code: DIBAO_1_2, name: 一二类低保, group: DIBAO, source: 000 二}\n", "code: DIBAO_1_2",
            "categories[0]", "missing field 'department'"),
        bad("a reason the engine does not give", cats,
            cats + "reasons:\n  - {code: TIER_GONE, text: 不设此档, source: 000 二}\n", "code: TIER_GONE",
            "reasons[0].code", "unknown reason 'TIER_GONE'"),
        bad("a reason's text not in Chinese", cats,
            cats + "reasons:\n  - {code: TIER_MISSING, text: choose a tier, source: 000 二}\n", "code: TIER_MISSING",
            "reasons[0].text", "in Chinese"),
        bad("a reason's text using a value the reason does not give", cats,
            cats + "reasons:\n  - {code: TIER_MISSING, text: '请选择{3}', source: 000 二}\n", "code: TIER_MISSING",
            "reasons[0].text", "gives only 1"),
        bad("inService that is not true or false", "title: test\n", "title: test\ninService: maybe\n", "inService",
            "inService", "true or false"),
        bad("an amount for a group whose every member an earlier group takes", "  personal: {yuan: 250, source: 000 三(二)2}",
            "  groups:\n    - {id: elderly, name: 老年, minAge: 60, source: 000 三(二)2}\n    - {id: seniors, name: 高龄, minAge: 70,"
                + " source: 000 三(二)2}\n    - {id: others, name: 其他, source: 000 三(二)2}\n  personal:\n    source: 000 三(二)2\n"
                + "    byGroup:\n      - {group: elderly, yuan: 200}\n      - {group: seniors, yuan: 100}\n      - {group: others, yuan: 250}",
            "{group: seniors", "medical.personal.byGroup[1].group", "group 'elderly' above takes every member of 'seniors' first"),
        bad("a group without an amount", "  personal: {yuan: 250, source: 000 三(二)2}",
            "  groups:\n    - {id: elderly, name: 老年, minAge: 60, source: 000 三(二)2}\n    - {id: others, name: 其他, source: 000 三(二)2}\n"
                + "  personal:\n    source: 000 三(二)2\n    byGroup:\n      - {group: others, yuan: 250}",
            "- {group: others, yuan: 250}", "medical.personal.byGroup", "group 'elderly' has no amount, so its members could not pay"),
        bad("groups that leave some persons in none", "  personal: {yuan: 250, source: 000 三(二)2}",
            "  groups:\n    - {id: elderly, name: 老年, minAge: 60, source: 000 三(二)2}\n"
                + "  personal:\n    source: 000 三(二)2\n    byGroup:\n      - {group: elderly, yuan: 200}",
            "- {group: elderly, yuan: 200}", "medical.personal.byGroup", "a person in none of the groups could not pay"),
        bad("a certification date after the benefit year (a mistyped year)", "      categories: [DIBAO, WUBAO]\n      exempt: true\n",
            "      categories: [DIBAO, WUBAO]\n      exempt: true\n      certifiedBy: 2091-12-31\n", "certifiedBy", "medical.treatments[0].certifiedBy",
            "after the benefit year 2020"),
        bad("cover from a day outside the benefit year", "{id: grace, from: 2020-01-01, amount: personal, reductions: true, waitingDays: 30,",
            "{id: grace, from: 2020-01-01, amount: personal, reductions: true, coverage: {from: 1999-01-01},", "{id: grace",
            "medical.late[0].coverage.from", "outside the benefit year 2020"),
        bad("ages counted on a day decades away (a mistyped year)", "ageReferenceDate: {date: 2019-12-31,",
            "ageReferenceDate: {date: 2091-12-31,", "date: 2091-12-31", "medical.ageReferenceDate.date",
            "neither in the benefit year 2020 nor in the year before it"),
        bad("a window that opens ten years before its benefit year", "window: {start: 2019-12-08,",
            "window: {start: 2009-12-08,", "start: 2009-12-08", "medical.window.start",
            "neither in the benefit year 2020 nor in the year before it"),
        bad("a window without a start that ends ten years before its benefit year", "window: {start: 2019-12-08, end: 2019-12-31,",
            "window: {start: {notGiven: 通知未写}, end: 2009-12-31,", "end: 2009-12-31", "medical.window.end",
            "neither in the benefit year 2020 nor in the year before it"),
        bad("a group after the group of everyone else", "  personal: {yuan: 250,",
            "  groups:\n    - {id: others, name: 其他, source: 000 三(二)2}\n    - {id: elderly, name: 老年, minAge: 60, source: 000 三(二)2}\n  personal: {yuan: 250,",
            "{id: elderly", "medical.groups[1]", "would never be reached"),
        bad("an amount for a group not declared", "  personal: {yuan: 250, source: 000 三(二)2}",
            "  personal:\n    source: 000 三(二)2\n    byGroup:\n      - {group: elderly, yuan: 380}", "{group: elderly",
            "medical.personal.byGroup[0].group", "unknown group 'elderly'"),
        bad("a full amount below the personal amount plus the floor", "governmentShare: {yuan: 550,",
            "governmentShare: {floorYuan: 640,", "fullFinancing", "medical.fullFinancing.yuan", "floor of the government share"),
        bad("a paying day that is not a day of the month", "  personal: {yuan: 250,",
            "  payingDays: {daysOfMonth: {from: 1, to: 32}, source: 000 六(二)}\n  personal: {yuan: 250,", "payingDays",
            "medical.payingDays.daysOfMonth.to", "between 1 and 31"),
        bad("a closed period that ends before it starts", "  personal: {yuan: 250,",
            "  payingDays:\n    closed: [{from: 2019-12-20, to: 2019-12-10}]\n    source: 000 六(二)\n  personal: {yuan: 250,",
            "closed:", "medical.payingDays.closed[0].to", "before it starts"),
        bad("an extension for a group not declared", "{id: full, from: 2020-03-01,",
            "{id: back, group: returning, from: 2020-01-01, until: 2020-02-28, amount: personal, reductions: true, waitingDays: 0, source: 000 三(二)3}\n    - {id: full, from: 2020-03-01,",
            "{id: back", "medical.late[1].group", "unknown group 'returning'"),
        bad("a late phase that ends before it starts", "{id: grace, from: 2020-01-01,",
            "{id: grace, until: 2019-12-31, from: 2020-01-01,", "{id: grace", "medical.late[0].until", "before it starts"),
        bad("a phase after one that ends", "{id: grace, from: 2020-01-01,", "{id: grace, until: 2020-02-01, from: 2020-01-01,",
            "{id: full", "medical.late[1].from", "no phase for everyone may follow it"),
        bad("both waitingDays and a coverage rule", "waitingDays: 30, source: 000 三(二)3}\n    - {id: full",
            "waitingDays: 30, coverage: {nextMonth: true}, source: 000 三(二)3}\n    - {id: full", "{id: grace",
            "medical.late[0].coverage", "give only one of"),
        bad("a coverage rule for pension", "  late: {refuse: no rule, source: 000 三(一)2(6)}",
            "  late:\n    - {id: back, from: 2020-01-01, amount: personal, reductions: false, coverage: {nextMonth: true}, source: 000 三(一)2(6)}",
            "coverage: {nextMonth", "pension.late[0].coverage", "not cover"),
        bad("a tier range whose steps miss its end", "tiers: {yuan: [100, 300], source: 000 三(一)2(1)}",
            "tiers: {yuan: [100], ranges: [{from: 300, to: 1050, step: 100}], source: 000 三(一)2(1)}", "ranges", "pension.tiers.ranges[0].step",
            "do not reach 1050"),
        bad("a tier range in jiao", "tiers: {yuan: [100, 300], source: 000 三(一)2(1)}",
            "tiers: {yuan: [100], ranges: [{from: 300.5, to: 500.5, step: 100}], source: 000 三(一)2(1)}", "ranges",
            "pension.tiers.ranges", "not a whole number of yuan"),
        bad("a back-payment for one group", "  late: {refuse: no rule, source: 000 三(一)2(6)}",
            "  late:\n    - {id: back, group: students, from: 2020-01-01, until: 2024-12-31, amount: personal, reductions: false,"
                + " waitingDays: 0, backPayment: true, source: 000 三(一)2(6)}",
            "backPayment: true", "pension.late[0].group", "for everyone"),
        bad("a subsidy band with no tier in it", "      - {tier: 300, yuan: 30}\n",
            "      - {tier: 300, yuan: 30}\n    byBand: [{from: 5000, yuan: 80}]\n", "byBand", "pension.subsidy.byBand[0]",
            "no tier offered"),
        bad("a value the engine needs written as notGiven", "personal: {yuan: 250, source: 000 三(二)2}",
            "personal: {yuan: {notGiven: not in the notice}, source: 000 三(二)2}", "personal:", "medical.personal.yuan",
            "'notGiven' is not allowed here"),
        bad("a misspelt personalYuan", "      categories: [DIBAO, WUBAO]\n      exempt: true\n",
            "      categories: [DIBAO, WUBAO]\n      personalYaun: 30\n", "personalYaun", "medical.treatments[0].personalYaun",
            "unknown field (allowed here: id, categories, unless, minAge, maxAge, ageOf, exempt, governmentPercent,"
                + " governmentYuan, extraSubsidyYuan, laterSubsidyPercent, personalYuan,"),
        bad("a person left to pay the whole amount", "      categories: [DIBAO, WUBAO]\n      exempt: true\n",
            "      categories: [DIBAO, WUBAO]\n      personalYuan: 250\n", "personalYuan", "medical.treatments[0].personalYuan",
            "no less than the amount itself (250元)"),
        bad("a person's part given beside an exemption", "      categories: [DIBAO, WUBAO]\n      exempt: true\n",
            "      categories: [DIBAO, WUBAO]\n      exempt: true\n      personalYuan: 30\n", "personalYuan",
            "medical.treatments[0].personalYuan", "give only one of"),
        bad("a misspelt key in a newborn's later rule", "waitingDays: 30, source: 000 三(二)3}\npension:",
            "waitingDays: 30, source: 000 三(二)3}\n  newborn:\n    withinDays: 90\n    source: 000 三(二)3\n    later: {coverage:"
                + " {nextMonth: true}, withinDay: 180, source: 000 三(二)3}\npension:", "later:", "medical.newborn.later.withinDay",
            "unknown field (allowed here: withinMonths, withinDays, waitingDays, coverage, source, note)"),
        bad("a newborn's later rule ending within the newborn time", "waitingDays: 30, source: 000 三(二)3}\npension:",
            "waitingDays: 30, source: 000 三(二)3}\n  newborn:\n    withinDays: 90\n    source: 000 三(二)3\n    later: {withinDays:"
                + " 60, waitingDays: 0, source: 000 三(二)3}\npension:", "later:", "medical.newborn.later.withinDays",
            "would never apply"),
        bad("a newborn's later rule without its cover", "waitingDays: 30, source: 000 三(二)3}\npension:",
            "waitingDays: 30, source: 000 三(二)3}\n  newborn:\n    withinDays: 90\n    source: 000 三(二)3\n    later: {withinDays:"
                + " 180, source: 000 三(二)3}\npension:", "later:", "medical.newborn.later", "needs one of [waitingDays, coverage]"),
        bad("a waiting time of no months", "waitingDays: 30, source: 000 三(二)3}\n    - {id: full",
            "coverage: {afterMonths: 0}, source: 000 三(二)3}\n    - {id: full", "{id: grace", "medical.late[0].coverage.afterMonths",
            "1-12 months"),
        bad("a waiting time longer than the year", "waitingDays: 30, source: 000 三(二)3}\n    - {id: full",
            "coverage: {afterMonths: 13}, source: 000 三(二)3}\n    - {id: full", "{id: grace", "medical.late[0].coverage.afterMonths",
            "1-12 months"),
        bad("a misspelt waiting time in months", "waitingDays: 30, source: 000 三(二)3}\n    - {id: full",
            "coverage: {afterMonth: 3}, source: 000 三(二)3}\n    - {id: full", "{id: grace", "medical.late[0].coverage.afterMonth",
            "unknown field"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badNewFields")
  void newFieldsFailToLoadNamingFileLineAndField(String what, String yaml, int line, String field, String problem) {
    failsToLoadNamingFileLineAndField(what, yaml, line, field, problem);
  }

  @Test
  void aNoteMayGoOnAnyField() {
    PolicyBook book = PolicyBook.parse("notes.yaml", replace("window: {start: 2019-12-08, end: 2019-12-31, source: 000 六(二)}\n  ageReferenceDate: {date: 2019-12-31, source: 000 三(二)2}",
        "window: {start: {value: 2019-12-08, note: 通知未写开始日期，按发文日}, end: 2019-12-31, source: 000 六(二), note: 见通知}\n  ageReferenceDate: {date: 2019-12-31, source: 000 三(二)2}"));
    assertThat(book.terms(Insurance.MEDICAL).orElseThrow().windowStart()).isEqualTo(java.time.LocalDate.of(2019, 12, 8));
  }

  @Test
  void theTestBookItselfLoads() {
    PolicyBook book = PolicyBook.parse("good.yaml", GOOD);
    assertThat(book.terms(Insurance.MEDICAL)).isPresent();
    assertThat(book.terms(Insurance.PENSION)).isPresent();
  }

  @Test
  void anotherCitysNoticeIsNamedByItsDocumentNumber() {
    PolicyBook book = PolicyBook.parse("taian.yaml", GOOD.replace("000", "泰医保发〔2025〕12号"));
    assertThat(book.notice()).isEqualTo("泰医保发〔2025〕12号");
    assertThat(book.terms(Insurance.MEDICAL).orElseThrow().windowStart()).isEqualTo(java.time.LocalDate.of(2019, 12, 8));
  }

  @Test
  void everyShippedBookLoads() throws Exception {
    try (Stream<Path> files = Files.list(Books.dir())) {
      assertThat(files.filter(p -> p.toString().endsWith(".yaml")).map(PolicyBook::load).map(PolicyBook::id))
          .containsExactlyInAnyOrder("hedong-2020", "zhangshanzi-2020", "yicheng-2022", "lengshuitan-2020", "rugao-2020",
              "example-features-2024", "example-pension-tiers-2024");
    }
  }

  /** Two extensions for one group on the same days: the reader took the last, and its amount and cover, silently. */
  @Test
  void twoExtensionsForOneGroupOnTheSameDaysAreRefused() throws Exception {
    String shipped = Files.readString(Books.dir().resolve("example-features-2024.yaml"));
    String april = "    - id: late-returners-in-april\n      group: returning-workers\n      from: 2024-04-01\n";
    assertThat(shipped).contains(april);
    String yaml = shipped.replace(april, april.replace("2024-04-01", "2024-02-01"));
    failsToLoadNamingFileLineAndField("an extension from 2-01 beside one until 2-28", yaml, lineOf(yaml, "from: 2024-02-01"),
        "medical.late[2].from", "overlaps its extension 'returning-workers-until-2-28'");
    // one that follows the other is two extensions, each with its days
    assertThat(PolicyBook.parse("bad.yaml", shipped.replace(april, april.replace("2024-04-01", "2024-03-01")))
        .terms(Insurance.MEDICAL)).isPresent();
    // one without an end is followed by the next, as the phases for everyone are
    String open = shipped.replace("      until: 2024-02-28\n", "");
    assertThat(open).isNotEqualTo(shipped);
    assertThat(PolicyBook.parse("open.yaml", open).terms(Insurance.MEDICAL)).isPresent();
    // but listed in the order they start
    String january = "    - id: returning-workers-until-2-28\n      group: returning-workers\n      from: 2024-01-01\n";
    assertThat(shipped).contains(january);
    String swapped = open.replace(january, january.replace("2024-01-01", "2024-04-15"));
    PolicyBookException e = catchThrowableOfType(PolicyBookException.class, () -> PolicyBook.parse("bad.yaml", swapped));
    assertThat(e).isNotNull();
    assertThat(e.getMessage()).contains("does not start after its extension 'returning-workers-until-2-28' above");
  }

  /** The older group above the wider one is the way to give it its own amount: it loads. */
  @Test
  void aNarrowerGroupAboveAWiderOneKeepsItsAmount() {
    PolicyBook book = PolicyBook.parse("groups.yaml", replace("  personal: {yuan: 250, source: 000 三(二)2}",
        "  groups:\n    - {id: seniors, name: 高龄, minAge: 70, source: 000 三(二)2}\n    - {id: elderly, name: 老年, minAge: 60,"
            + " source: 000 三(二)2}\n    - {id: others, name: 其他, source: 000 三(二)2}\n  personal:\n    source: 000 三(二)2\n"
            + "    byGroup:\n      - {group: elderly, yuan: 200}\n      - {group: seniors, yuan: 100}\n      - {group: others, yuan: 250}"));
    assertThat(book.terms(Insurance.MEDICAL)).isPresent();
  }

  /**
   * Groups by age that take everyone between them ("学生儿童 … 成年居民 …") need no group for everyone else, and one after
   * them (for an extension, say) needs no amount: nobody's group is it.
   */
  @Test
  void groupsByAgeThatTakeEveryoneBetweenThemLoad() {
    String groups = "  groups:\n    - {id: minors, name: 学生儿童, maxAge: 17, source: 000 三(二)2}\n"
        + "    - {id: adults, name: 成年居民, minAge: 18, source: 000 三(二)2}\n";
    String amounts = "  personal:\n    source: 000 三(二)2\n    byGroup:\n      - {group: minors, yuan: 200}\n      - {group: adults, yuan: 250}";
    assertThat(PolicyBook.parse("ages.yaml", replace("  personal: {yuan: 250, source: 000 三(二)2}", groups + amounts))
        .terms(Insurance.MEDICAL)).isPresent();
    assertThat(PolicyBook.parse("ages.yaml", replace("  personal: {yuan: 250, source: 000 三(二)2}",
        groups + "    - {id: others, name: 其他, source: 000 三(二)2}\n" + amounts)).terms(Insurance.MEDICAL)).isPresent();
    assertThat(PolicyBook.parse("ages.yaml", replace("  personal: {yuan: 250, source: 000 三(二)2}",
        "  groups:\n    - {id: all, name: 全体, minAge: 0, source: 000 三(二)2}\n"
            + "  personal:\n    source: 000 三(二)2\n    byGroup:\n      - {group: all, yuan: 250}")).terms(Insurance.MEDICAL)).isPresent();
    // an amount for the group after them would never apply
    PolicyBookException e = catchThrowableOfType(PolicyBookException.class, () -> PolicyBook.parse("bad.yaml",
        replace("  personal: {yuan: 250, source: 000 三(二)2}", groups + "    - {id: others, name: 其他, source: 000 三(二)2}\n"
            + amounts + "\n      - {group: others, yuan: 300}")));
    assertThat(e).isNotNull();
    assertThat(e.getMessage()).contains("groups 'minors' and 'adults' above take every member of 'others' first");
  }

  @Test
  void anEmptyBook() {
    assertThatThrownBy(() -> PolicyBook.parse("empty.yaml", "")).hasMessage("empty.yaml:1: the book is empty");
  }
}
