package cn.liangxian.gateway.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.policy.AppliedRule;
import cn.liangxian.policy.IdNumber;
import cn.liangxian.policy.Insurance;
import cn.liangxian.policy.PolicyBook;
import cn.liangxian.policy.RegionBooks;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What the lookup offers under books that declare categories and leave a value not given. */
class HouseholdAssessorTest {

  static PolicyBook book(String file) {
    Path dir = Path.of("config", "policies");
    return PolicyBook.load((Files.isDirectory(dir) ? dir : Path.of("..").resolve(dir)).resolve(file));
  }

  static Household household(String category) {
    IdNumber id = IdNumber.parse(TestGateway.id("371312", "1980-06-15", 123));
    Household.Member m = new Household.Member(1, UUID.randomUUID(), id, "张三", true, false,
        List.of(new Household.CategoryRow(category, null, null)), List.of(), List.of());
    return new Household(1, UUID.randomUUID(), "371312", "街道", "村", 0L, List.of(m));
  }

  /**
   * A book whose every pension tier is for hardship groups only: a member in none has nothing to choose, told why in
   * Chinese (what a screen shows where an item has no code's text), never in the words of a log.
   */
  @Test
  void aMemberNoTierIsForIsToldWhyInChinese() throws Exception {
    Path dir = Path.of("config", "policies");
    String text = Files.readString((Files.isDirectory(dir) ? dir : Path.of("..").resolve(dir)).resolve("hedong-2020.yaml"));
    // the 100 tier alone (the hardship groups'), and its subsidy alone
    String only100 = text.replace("yuan: [100, 300, 500, 600, 800, 1000, 1500, 2000, 2500, 3000, 4000, 5000]", "yuan: [100]")
        .replaceAll("\\n      - \\{tier: [1-9][0-9]*[0-9]0, yuan: [0-9]+\\}", "");
    assertThat(only100).isNotEqualTo(text);
    Regions.Entry hedong = new Regions.Entry("371312", "临沂市河东区", PolicyBook.parse("only-100.yaml", only100), null);
    HouseholdAssessor.Item pension = HouseholdAssessor.assess(household("ONLY_CHILD_PARENT"), hedong, LocalDate.of(2019, 12, 10),
        OffsetDateTime.parse("2019-12-10T10:00:00+08:00")).stream().filter(i -> i.insurance() == Insurance.PENSION).findFirst()
        .orElseThrow();
    assertThat(pension.status()).isEqualTo(HouseholdAssessor.Status.NOT_AVAILABLE);
    assertThat(pension.reason()).isEqualTo("本地的缴费档次都不适用于您，请到经办窗口咨询");
  }

  /**
   * 河东 (000 三(二)2) pays the medical contribution of those certified by 2019-12-31: the department list's valid_from
   * is when, and one certified later pays as anyone else; a list row that does not say counts.
   */
  @Test
  void theDistrictPaysForThoseCertifiedByItsDateOnly() {
    Regions.Entry hedong = new Regions.Entry("371312", "临沂市河东区", book("hedong-2020.yaml"), null);
    LocalDate late = LocalDate.of(2020, 2, 20);
    OffsetDateTime at = OffsetDateTime.parse("2020-02-20T10:00:00+08:00");
    for (Object[] c : new Object[][] {{LocalDate.of(2019, 6, 1), 0L}, {LocalDate.of(2020, 1, 10), 25000L}, {null, 0L}}) {
      IdNumber id = IdNumber.parse(TestGateway.id("371312", "1980-06-15", 123));
      Household.Member m = new Household.Member(1, UUID.randomUUID(), id, "张三", true, false,
          List.of(new Household.CategoryRow("DIBAO", (LocalDate) c[0], null)), List.of(), List.of());
      HouseholdAssessor.Item medical = HouseholdAssessor.assess(new Household(1, UUID.randomUUID(), "371312", "街道", "村", 0L,
          List.of(m)), hedong, late, at).stream().filter(i -> i.insurance() == Insurance.MEDICAL).findFirst().orElseThrow();
      assertThat(medical.assessment().personalFen()).as("certified " + c[0]).isEqualTo(c[1]);
    }
  }

  /**
   * How long a member's break in medical cover was, for a book's continuity rule: the roster's last year, a later year
   * paid here, or one the agency says was insured or paid elsewhere; never a year at or after the one assessed (a family
   * paying two open years at once in one order would otherwise be told of a break by the order it paid them in).
   */
  @Test
  void theLastYearOfCoverBeforeTheYearAssessed() {
    IdNumber id = IdNumber.parse(TestGateway.id("371312", "1980-06-15", 123));
    Household.Hold paid2025 = new Household.Hold("medical", 2025, true, null, UUID.randomUUID(), OffsetDateTime.parse(
        "2024-09-05T10:00:00+08:00"), null);
    Household.Hold pension2024 = new Household.Hold("pension", 2024, true, null, UUID.randomUUID(), null, null);
    Household.Hold held2024 = new Household.Hold("medical", 2024, false, OffsetDateTime.parse("2024-09-05T10:15:00+08:00"),
        UUID.randomUUID(), null, null);
    AgencyNote elsewhere2023 = new AgencyNote("PAID_ELSEWHERE", "medical", 2023, "南京市");
    Household.Member m = new Household.Member(1, UUID.randomUUID(), id, "张三", true, false, List.of(),
        List.of(paid2025, pension2024, held2024), List.of(elsewhere2023), null, 2021);
    var known = book("hedong-2020.yaml").categories();
    LocalDate on = LocalDate.of(2024, 9, 5);
    assertThat(m.person(on, known, 2024).lastMedicalYear()).as("the agency's note of 2023 after the roster's 2021").isEqualTo(2023);
    assertThat(m.person(on, known, 2025).lastMedicalYear()).as("2025 paid says nothing of 2025's own break").isEqualTo(2023);
    assertThat(m.person(on, known, 2026).lastMedicalYear()).isEqualTo(2025);
    assertThat(m.person(on, known, 2021).lastMedicalYear()).as("nothing known before 2021").isNull();
  }

  /**
   * A book whose newborns may pay the year of their birth after it ended ({@code newborn.afterYearEnd}): in January the
   * child born in November is offered the year before at its amount, covered from birth; the parent is not.
   */
  @Test
  void aNewbornOfTheYearBeforeIsOfferedThatYearWithinItsTime() throws Exception {
    Path dir = Path.of("config", "policies");
    String text = Files.readString((Files.isDirectory(dir) ? dir : Path.of("..").resolve(dir)).resolve("hedong-2020.yaml"));
    String newborn = "  newborn: {withinMonths: 6, source: 000 三(二)3}";
    assertThat(text).contains(newborn);
    PolicyBook hedong = PolicyBook.parse("hedong-2020.yaml", text.replace(newborn,
        "  newborn: {withinMonths: 6, afterYearEnd: true, source: 000 三(二)3}"));
    Regions.Entry region = new Regions.Entry("371312", "临沂市河东区", hedong, null);
    Household.Member parent = new Household.Member(1, UUID.randomUUID(), IdNumber.parse(TestGateway.id("371312", "1990-03-01", 21)),
        "赵一", true, false, List.of(), List.of(), List.of());
    Household.Member baby = new Household.Member(2, UUID.randomUUID(), IdNumber.parse(TestGateway.id("371312", "2020-11-20", 22)),
        "赵小", true, false, List.of(), List.of(), List.of());
    Household h = new Household(1, UUID.randomUUID(), "371312", "街道", "村", 0L, List.of(parent, baby));
    List<HouseholdAssessor.Item> medical = HouseholdAssessor.assess(h, region, LocalDate.of(2021, 1, 15),
        OffsetDateTime.parse("2021-01-15T10:00:00+08:00")).stream().filter(i -> i.insurance() == Insurance.MEDICAL).toList();
    HouseholdAssessor.Item forBaby = medical.stream().filter(i -> i.member() == baby).findFirst().orElseThrow();
    assertThat(forBaby.year()).isEqualTo(2020);
    assertThat(forBaby.status()).isEqualTo(HouseholdAssessor.Status.UNPAID);
    assertThat(forBaby.assessment().personalFen()).isEqualTo(25_000);
    assertThat(forBaby.assessment().coverageStart()).isEqualTo(LocalDate.of(2020, 11, 20));
    assertThat(medical.stream().filter(i -> i.member() == parent)).allSatisfy(i ->
        assertThat(i.status()).as("the year ended for the parent").isNotEqualTo(HouseholdAssessor.Status.UNPAID));
    assertThat(HouseholdAssessor.years(region.books(LocalDate.of(2021, 1, 15)), Insurance.MEDICAL, LocalDate.of(2021, 1, 15),
        LocalDate.of(2020, 11, 20))).containsExactly(2020);
    // with the next year's book, open (in its late phase): everyone is shown 2021, the child 2020 beside it
    PolicyBook next = PolicyBook.parse("hedong-2021.yaml", TestGateway.aYearLater(text));
    RegionBooks both = RegionBooks.examples("371312", List.of(hedong, next));
    LocalDate january = LocalDate.of(2021, 1, 15);
    assertThat(HouseholdAssessor.years(both, Insurance.MEDICAL, january, LocalDate.of(1990, 3, 1))).containsExactly(2021);
    assertThat(HouseholdAssessor.years(both, Insurance.MEDICAL, january, LocalDate.of(2020, 11, 20))).containsExactly(2020, 2021);
    assertThat(HouseholdAssessor.years(both, Insurance.MEDICAL, january, h)).as("the household's figures count the child's year")
        .containsExactly(2020, 2021);
  }

  @Test
  void aTierWhoseSubsidyIsNotGivenIsLeftOutWhileTheOthersAreOffered() {
    Regions.Entry region = new Regions.Entry("371312", "示例县", book("example-pension-tiers-2024.yaml"), null);
    HouseholdAssessor.Item item = HouseholdAssessor.assess(household("DIBAO"), region, LocalDate.of(2024, 3, 1),
        OffsetDateTime.parse("2024-03-01T10:00:00+08:00")).get(0);
    assertThat(item.insurance()).isEqualTo(Insurance.PENSION);
    assertThat(item.status()).isEqualTo(HouseholdAssessor.Status.UNPAID);
    assertThat(item.tiers()).extracting(HouseholdAssessor.TierOption::tierYuan).startsWith(300, 400).doesNotContain(200);
    assertThat(item.assessment().governmentFen()).isEqualTo(20000);
  }

  @Test
  void aCategoryTheBookDeclaresCountsAndOneItDoesNotIsIgnored() {
    Regions.Entry region = new Regions.Entry("371312", "示例县", book("example-features-2024.yaml"), null);
    LocalDate day = LocalDate.of(2023, 10, 10);
    OffsetDateTime now = OffsetDateTime.parse("2023-10-10T10:00:00+08:00");
    assertThat(HouseholdAssessor.assess(household("DIBAO_1_2"), region, day, now).get(0).status())
        .isEqualTo(HouseholdAssessor.Status.PAID_BY_GOVERNMENT);
    Regions.Entry hedong = new Regions.Entry("371312", "临沂市河东区", book("hedong-2020.yaml"), null);
    HouseholdAssessor.Item item = HouseholdAssessor.assess(household("DIBAO_1_2"), hedong, LocalDate.of(2019, 12, 10),
        now).get(0);
    assertThat(item.status()).as("a code 河东's book does not declare").isEqualTo(HouseholdAssessor.Status.UNPAID);
  }

  @Test
  void aBookWithMedicalTiersOffersThemLikePensionsTiers() {
    Regions.Entry region = new Regions.Entry("371312", "示例县", book("example-features-2024.yaml"), null);
    HouseholdAssessor.Item item = HouseholdAssessor.assess(household("DIBAO_3_4"), region, LocalDate.of(2023, 10, 10),
        OffsetDateTime.parse("2023-10-10T10:00:00+08:00")).get(0);
    assertThat(item.insurance()).isEqualTo(Insurance.MEDICAL);
    assertThat(item.status()).isEqualTo(HouseholdAssessor.Status.UNPAID);
    assertThat(item.tiers()).extracting(HouseholdAssessor.TierOption::tierYuan).containsExactly(380, 500);
    assertThat(item.tiers()).extracting(t -> t.assessment().personalFen()).containsExactly(11400L, 15000L);
    assertThat(item.assessment().personalFen()).as("shown at the first tier").isEqualTo(11400);
  }

  @Test
  void aRefusalCarriesItsCodeAndChineseText() {
    Regions.Entry region = new Regions.Entry("371312", "示例县", book("example-features-2024.yaml"), null);
    HouseholdAssessor.Item item = HouseholdAssessor.assess(household("DIBAO_3_4"), region, LocalDate.of(2023, 10, 26),
        OffsetDateTime.parse("2023-10-26T10:00:00+08:00")).get(0);
    assertThat(item.status()).isEqualTo(HouseholdAssessor.Status.NOT_AVAILABLE);
    assertThat(item.why().code()).isEqualTo("policy.not-a-paying-day");
    assertThat(item.why().text()).contains("2023年11月1日");
  }

  /**
   * The status in the resident's words is decided once, here, for every screen: an item not to be paid here need not be
   * paid at all where the person is covered otherwise (by the engine's codes, or an agency's note, which has none), and
   * cannot be yet otherwise.
   */
  @Test
  void anItemNotToBePaidHereSaysWhetherItNeedNotBePaidAtAllOrCannotBeYet() {
    Household.Member m = household("NONE").members().get(0);
    java.util.function.BiFunction<String, String, String> notEligible = (code, note) -> new HouseholdAssessor.Item(m,
        Insurance.MEDICAL, 2020, HouseholdAssessor.Status.NOT_ELIGIBLE, note, null, List.of(),
        code == null ? null : new cn.liangxian.policy.Reason(code, "某某", "detail")).statusText();
    assertThat(notEligible.apply(cn.liangxian.policy.ReasonCode.ENROLLED_ELSEWHERE.code(), "enrolled elsewhere")).isEqualTo("无需缴费");
    assertThat(notEligible.apply(cn.liangxian.policy.ReasonCode.EXCLUDED.code(), "excluded")).isEqualTo("无需缴费");
    // an agency's note, in whatever words: covered otherwise
    assertThat(notEligible.apply(null, "经办机构告知此人已参加职工医疗保险，不需要再缴居民医疗保险")).isEqualTo("无需缴费");
    assertThat(notEligible.apply(null, "此人2020年度的医疗保险已在湘潭市缴费，本地显示的金额不需要再缴，请勿重复缴费"))
        .isEqualTo("无需缴费");
    assertThat(notEligible.apply(cn.liangxian.policy.ReasonCode.MIN_AGE.code(), "too young")).isEqualTo("暂不能参保");
    assertThat(notEligible.apply(cn.liangxian.policy.ReasonCode.LOCAL_ONLY.code(), "not local")).isEqualTo("暂不能参保");
    java.util.Map<HouseholdAssessor.Status, String> words = new java.util.EnumMap<>(HouseholdAssessor.Status.class);
    for (HouseholdAssessor.Status s : HouseholdAssessor.Status.values()) {
      words.put(s, new HouseholdAssessor.Item(m, Insurance.PENSION, 2020, s, null, null, List.of()).statusText());
    }
    assertThat(words).containsEntry(HouseholdAssessor.Status.UNPAID, "未缴费").containsEntry(HouseholdAssessor.Status.PAID, "已缴费")
        .containsEntry(HouseholdAssessor.Status.PAID_BY_GOVERNMENT, "政府代缴")
        .containsEntry(HouseholdAssessor.Status.IN_PROGRESS, "付款未完成")
        .containsEntry(HouseholdAssessor.Status.NOT_AVAILABLE, "暂不能缴费");
  }

  @Test
  void tiersAreOfferedOnlyWithAnUnpaidItemAndOnlyTheTiersThePersonMayTake() {
    Regions.Entry hedong = new Regions.Entry("371312", "临沂市河东区", book("hedong-2020.yaml"), null);
    Household.Member adult = new Household.Member(1, UUID.randomUUID(), IdNumber.parse(TestGateway.id("371312", "1970-03-01", 11)),
        "张三", true, false, List.of(), List.of(), List.of());
    Household.Member child = new Household.Member(2, UUID.randomUUID(), IdNumber.parse(TestGateway.id("371312", "2010-05-01", 12)),
        "张小", true, false, List.of(), List.of(), List.of());
    Household.Member paid = new Household.Member(3, UUID.randomUUID(), IdNumber.parse(TestGateway.id("371312", "1968-07-01", 13)),
        "李四", true, false, List.of(), List.of(paidHold("pension", 2020, AT_500)), List.of());
    Household h = new Household(1, UUID.randomUUID(), "371312", "街道", "村", 0L, List.of(adult, child, paid));
    List<HouseholdAssessor.Item> pensions = HouseholdAssessor.assess(h, hedong, LocalDate.of(2019, 12, 10),
        OffsetDateTime.parse("2019-12-10T10:00:00+08:00")).stream().filter(i -> i.insurance() == Insurance.PENSION).toList();
    assertThat(pensions).extracting(i -> i.member().name(), HouseholdAssessor.Item::status).containsExactly(
        org.assertj.core.groups.Tuple.tuple("张三", HouseholdAssessor.Status.UNPAID),
        org.assertj.core.groups.Tuple.tuple("张小", HouseholdAssessor.Status.NOT_ELIGIBLE),
        org.assertj.core.groups.Tuple.tuple("李四", HouseholdAssessor.Status.PAID));
    assertThat(pensions.get(0).tiers()).extracting(HouseholdAssessor.TierOption::tierYuan).startsWith(300, 500).hasSize(11);
    assertThat(pensions.get(0).tiers()).allSatisfy(t -> assertThat(t.assessment().personalFen()).isEqualTo(t.tierYuan() * 100L));
    assertThat(pensions.get(1).tiers()).as("a child under 16 is offered no pension tier").isEmpty();
    assertThat(pensions.get(1).why().code()).isEqualTo("policy.min-age");
    assertThat(pensions.get(2).tiers()).as("a paid item offers nothing to choose").isEmpty();
    assertThat(pensions.get(2).assessment().personalFen()).as("as paid, at 500, not at the lowest tier").isEqualTo(50000);
  }

  /** Paid at the 500 tier under the 河东区 book: what the order recorded (ordered before orders recorded the cover). */
  static final Household.OrderItem AT_500 = new Household.OrderItem(500, 50000, 0, 6000, 0, 56000,
      List.of(new AppliedRule("pension-tiers", "000 三(一)2(1)"), new AppliedRule("pension-subsidy", "000 三(一)2(3)")), null, null, 0);

  /** 河东区 medical paid in its window: 250 yuan, covered for the whole of 2020, as the order recorded it. */
  static final Household.OrderItem MEDICAL_IN_THE_WINDOW = new Household.OrderItem(null, 25000, 0, 0, 0, 25000,
      List.of(new AppliedRule("medical-personal", "000 三(二)2")), LocalDate.of(2020, 1, 1), LocalDate.of(2020, 12, 31), 0);

  static Household.Hold paidHold(String insurance, int year, Household.OrderItem item) {
    return new Household.Hold(insurance, year, true, null, UUID.randomUUID(), OffsetDateTime.parse("2019-12-01T10:00:00+08:00"),
        item);
  }

  @Test
  void aPaidItemShowsTheTierAndAmountsItsOrderRecordedEvenWhenTheBooksNoLongerAssessIt() {
    Regions.Entry hedong = new Regions.Entry("371312", "临沂市河东区", book("hedong-2020.yaml"), null);
    Household.Member paid = new Household.Member(3, UUID.randomUUID(), IdNumber.parse(TestGateway.id("371312", "1968-07-01", 13)),
        "李四", true, false, List.of(), List.of(paidHold("pension", 2020, AT_500)), List.of());
    // a student since the payment: the book excludes students from the pension, yet what was paid stays paid
    Household.Member student = new Household.Member(4, UUID.randomUUID(), IdNumber.parse(TestGateway.id("371312", "2001-07-01", 14)),
        "李小", true, false, List.of(new Household.CategoryRow("STUDENT", LocalDate.of(2019, 12, 5), null)),
        List.of(paidHold("pension", 2020, AT_500)), List.of());
    Household h = new Household(1, UUID.randomUUID(), "371312", "街道", "村", 0L, List.of(paid, student));
    for (LocalDate day : List.of(LocalDate.of(2019, 12, 10), LocalDate.of(2020, 1, 10))) { // in the window, and after it
      List<HouseholdAssessor.Item> items = HouseholdAssessor.assess(h, hedong, day, OffsetDateTime.parse(day + "T10:00:00+08:00"));
      JsonObject answer = new JsonObject(Buffer.buffer(HouseholdView.render(h, hedong, day, items)));
      for (int i = 0; i < 2; i++) {
        Household.Member m = h.members().get(i);
        String as = m.name() + " on " + day;
        HouseholdAssessor.Item pension = items.stream().filter(it -> it.member() == m && it.insurance() == Insurance.PENSION)
            .findFirst().orElseThrow();
        assertThat(pension.status()).as(as).isEqualTo(HouseholdAssessor.Status.PAID);
        assertThat(pension.reason()).as(as).isNull();
        assertThat(pension.assessment()).extracting(a -> a.personalFen(), a -> a.governmentFen(), a -> a.subsidyFen(),
            a -> a.laterSubsidyFen(), a -> a.totalFen(), a -> a.rules()).as(as)
            .containsExactly(50000L, 0L, 6000L, 0L, 56000L, AT_500.rules());

        JsonObject shown = answer.getJsonArray("members").getJsonObject(i).getJsonArray("insurances").stream()
            .map(o -> (JsonObject) o).filter(o -> o.getString("insurance").equals("pension")).findFirst().orElseThrow();
        assertThat(shown.getString("status")).as(as).isEqualTo("paid");
        assertThat(shown.getInteger("tier")).as(as).isEqualTo(500);
        assertThat(shown.getLong("personalFen")).as(as).isEqualTo(50000);
        assertThat(shown.getLong("subsidyFen")).as(as).isEqualTo(6000);
        assertThat(shown.getLong("totalFen")).as(as).isEqualTo(56000);
        assertThat(shown.getJsonArray("rules").getJsonObject(1).getString("source")).as(as).isEqualTo("000 三(一)2(3)");
        assertThat(shown.containsKey("tiers")).as(as).isFalse();
        assertThat(shown.containsKey("reasonCode")).as(as).isFalse();
        // the cover's dates are not on the order: given where the books still assess the member, left out where not
        assertThat(shown.getString("coverageStart")).as(as).isEqualTo(i == 0 ? "2020-01-01" : null);
      }
    }
  }

  static JsonObject shown(JsonObject answer, int member, String insurance) {
    return answer.getJsonArray("members").getJsonObject(member).getJsonArray("insurances").stream()
        .map(o -> (JsonObject) o).filter(o -> o.getString("insurance").equals(insurance)).findFirst().orElseThrow();
  }

  @Test
  void aPaidItemKeepsTheCoverItsOrderRecordedThroughTheLatePhaseAndWhenTheBooksNoLongerAssessIt() {
    Regions.Entry hedong = new Regions.Entry("371312", "临沂市河东区", book("hedong-2020.yaml"), null);
    Household.Member unpaid = new Household.Member(1, UUID.randomUUID(), IdNumber.parse(TestGateway.id("371312", "1970-03-01", 11)),
        "张三", true, false, List.of(), List.of(), List.of());
    Household.Member paid = new Household.Member(3, UUID.randomUUID(), IdNumber.parse(TestGateway.id("371312", "1968-07-01", 13)),
        "李四", true, false, List.of(), List.of(paidHold("medical", 2020, MEDICAL_IN_THE_WINDOW)), List.of());
    // insured elsewhere since the payment: the books no longer assess her here, yet what she paid for stays
    Household.Member elsewhere = new Household.Member(4, UUID.randomUUID(), IdNumber.parse(TestGateway.id("371312", "1972-07-01", 14)),
        "王五", true, true, List.of(), List.of(paidHold("medical", 2020, MEDICAL_IN_THE_WINDOW)), List.of());
    Household h = new Household(1, UUID.randomUUID(), "371312", "街道", "村", 0L, List.of(unpaid, paid, elsewhere));
    LocalDate late = LocalDate.of(2020, 1, 10);
    JsonObject answer = new JsonObject(Buffer.buffer(HouseholdView.render(h, hedong, late,
        HouseholdAssessor.assess(h, hedong, late, OffsetDateTime.parse("2020-01-10T10:00:00+08:00")))));
    // paying now, in the late phase, is covered only after thirty days
    assertThat(shown(answer, 0, "medical").getString("status")).isEqualTo("unpaid");
    assertThat(shown(answer, 0, "medical").getString("coverageStart")).isEqualTo("2020-02-09");
    for (int i = 1; i < 3; i++) {
      JsonObject medical = shown(answer, i, "medical");
      assertThat(medical.getString("status")).isEqualTo("paid");
      assertThat(medical.getString("coverageStart")).as(h.members().get(i).name()).isEqualTo("2020-01-01");
      assertThat(medical.getString("coverageEnd")).as(h.members().get(i).name()).isEqualTo("2020-12-31");
      assertThat(medical.getLong("personalFen")).isEqualTo(25000);
    }
  }

  @Test
  void aPaidItemShowsWhatWasPaidNetOfADifferenceGivenBack() {
    Regions.Entry hedong = new Regions.Entry("371312", "临沂市河东区", book("hedong-2020.yaml"), null);
    // paid at 800; on the minimum living allowance since, the district pays 100 yuan of it: 100 yuan given back
    Household.OrderItem at800 = new Household.OrderItem(800, 80000, 0, 8000, 0, 88000, AT_500.rules(), LocalDate.of(2020, 1, 1),
        LocalDate.of(2020, 12, 31), 10000);
    Household.Member m = new Household.Member(3, UUID.randomUUID(), IdNumber.parse(TestGateway.id("371312", "1968-07-01", 13)),
        "李四", true, false, List.of(new Household.CategoryRow("DIBAO", LocalDate.of(2019, 1, 1), null)),
        List.of(paidHold("pension", 2020, at800), paidHold("medical", 2020, MEDICAL_IN_THE_WINDOW)), List.of());
    Household h = new Household(1, UUID.randomUUID(), "371312", "街道", "村", 0L, List.of(m));
    LocalDate day = LocalDate.of(2019, 12, 20);
    List<HouseholdAssessor.Item> items = HouseholdAssessor.assess(h, hedong, day, OffsetDateTime.parse("2019-12-20T10:00:00+08:00"));
    HouseholdAssessor.Item pension = items.stream().filter(it -> it.insurance() == Insurance.PENSION).findFirst().orElseThrow();
    assertThat(pension.status()).isEqualTo(HouseholdAssessor.Status.PAID);
    assertThat(pension.assessment()).extracting(a -> a.personalFen(), a -> a.governmentFen(), a -> a.subsidyFen(),
        a -> a.totalFen()).containsExactly(70000L, 0L, 8000L, 78000L);

    JsonObject answer = new JsonObject(Buffer.buffer(HouseholdView.render(h, hedong, day, items)));
    JsonObject shown = shown(answer, 0, "pension");
    assertThat(shown.getString("status")).isEqualTo("paid");
    assertThat(shown.getInteger("tier")).isEqualTo(800);
    assertThat(shown.getLong("personalFen")).as("what the member paid, less what went back").isEqualTo(70000);
    assertThat(shown.getLong("refundedFen")).isEqualTo(10000);
    assertThat(shown.getLong("totalFen")).isEqualTo(78000);
    assertThat(shown(answer, 0, "medical").containsKey("refundedFen")).as("nothing given back of it").isFalse();
    assertThat(shown(answer, 0, "medical").getLong("personalFen")).isEqualTo(25000);
  }

  @Test
  void anItemBeingPaidShowsTheTierAndAmountsOfTheOrderHoldingIt() {
    Regions.Entry hedong = new Regions.Entry("371312", "临沂市河东区", book("hedong-2020.yaml"), null);
    Household.Hold held = new Household.Hold("pension", 2020, false, OffsetDateTime.parse("2019-12-10T10:15:00+08:00"),
        UUID.randomUUID(), null, AT_500);
    Household.Member m = new Household.Member(3, UUID.randomUUID(), IdNumber.parse(TestGateway.id("371312", "1968-07-01", 13)),
        "李四", true, false, List.of(), List.of(held), List.of());
    Household h = new Household(1, UUID.randomUUID(), "371312", "街道", "村", 0L, List.of(m));
    LocalDate day = LocalDate.of(2019, 12, 10);
    List<HouseholdAssessor.Item> items = HouseholdAssessor.assess(h, hedong, day, OffsetDateTime.parse("2019-12-10T10:00:00+08:00"));
    HouseholdAssessor.Item pension = items.stream().filter(it -> it.insurance() == Insurance.PENSION).findFirst().orElseThrow();
    assertThat(pension.status()).isEqualTo(HouseholdAssessor.Status.IN_PROGRESS);
    assertThat(pension.tiers()).isEmpty();
    assertThat(pension.assessment()).extracting(a -> a.personalFen(), a -> a.subsidyFen(), a -> a.totalFen())
        .as("the 500 tier its order holds, not the lowest (300)").containsExactly(50000L, 6000L, 56000L);

    JsonObject shown = shown(new JsonObject(Buffer.buffer(HouseholdView.render(h, hedong, day, items))), 0, "pension");
    assertThat(shown.getString("status")).isEqualTo("in-progress");
    assertThat(shown.getInteger("tier")).isEqualTo(500);
    assertThat(shown.getLong("personalFen")).isEqualTo(50000);
    assertThat(shown.getLong("subsidyFen")).isEqualTo(6000);
    assertThat(shown.getString("coverageStart")).as("an older order's: the books'").isEqualTo("2020-01-01");
    assertThat(shown.containsKey("paidAt")).isFalse();
    assertThat(shown.containsKey("tiers")).isFalse();
    assertThat(shown.getString("heldUntil")).as("its order's expiry, in Beijing time").isEqualTo("2019-12-10T10:15:00+08:00");
  }
}
