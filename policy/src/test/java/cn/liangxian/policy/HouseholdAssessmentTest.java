package cn.liangxian.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HouseholdAssessmentTest {

  private static Person person(String id, Category... categories) {
    return Person.of(IdNumber.parse(id), Set.of(categories));
  }

  @Test
  void totalsTheEligibleMembersAndStatesTheWholeFamilyRule() {
    // 003 三(二): 以家庭为单位参保; DIBAO is collected in full and 30% given back later (003 三(六)).
    PolicyBook book = Books.get("lengshuitan-2020");
    List<HouseholdAssessment.Member> members = List.of(
        HouseholdAssessment.Member.of(person(Ids.man("431103", "1975-04-01"))),
        HouseholdAssessment.Member.of(person(Ids.woman("431103", "1977-09-09"), Category.DIBAO)),
        HouseholdAssessment.Member.of(person(Ids.man("431103", "2008-01-01"), Category.TEKUN)),
        HouseholdAssessment.Member.of(person(Ids.woman("431103", "1950-01-01"), Category.POVERTY)));
    HouseholdAssessment h = PolicyEngine.assessHousehold(members, Insurance.MEDICAL, book, LocalDate.of(2019, 11, 1));

    assertThat(h.wholeFamilyRequired()).isTrue();
    assertThat(h.wholeFamilySource()).isEqualTo("003 三(二); 六(二)");
    assertThat(h.lines()).hasSize(4).allSatisfy(l -> assertThat(l.error()).isNull());
    assertThat(h.personalFen()).isEqualTo(25000 + 25000 + 0 + 12500);
    assertThat(h.governmentFen()).isEqualTo(25000 + 12500);
    assertThat(h.laterSubsidyFen()).isEqualTo(7500);
    assertThat(h.totalFen()).isEqualTo(4 * 25000);
  }

  @Test
  void aMemberThatCannotBeAssessedIsReportedAndLeftOutOfTheTotals() {
    PolicyBook book = Books.get("hedong-2020");
    List<HouseholdAssessment.Member> members = List.of(
        new HouseholdAssessment.Member(person(Ids.man("371312", "1970-01-01")), 300, Set.of()),
        new HouseholdAssessment.Member(person(Ids.woman("371312", "1972-01-01")), 700, Set.of()),
        new HouseholdAssessment.Member(person(Ids.man("371312", "2010-01-01")), 300, Set.of()));
    HouseholdAssessment h = PolicyEngine.assessHousehold(members, Insurance.PENSION, book, LocalDate.of(2019, 12, 10));

    assertThat(h.lines().get(1).error()).contains("tier 700 is not offered");
    assertThat(h.lines().get(2).assessment().eligible()).isFalse();
    assertThat(h.totalFen()).isEqualTo(33000);
    assertThat(h.wholeFamilyRequired()).isFalse();
  }

  @Test
  void tierOptionsDependOnThePerson() {
    InsuranceTerms pension = Books.get("hedong-2020").terms(Insurance.PENSION).orElseThrow();
    assertThat(pension.tiersYuanFor(person(Ids.man("371312", "1970-01-01")))).doesNotContain(100).contains(300, 5000);
    assertThat(pension.tiersYuanFor(person(Ids.man("371312", "1970-01-01"), Category.DIBAO))).startsWith(100, 300);
  }
}
