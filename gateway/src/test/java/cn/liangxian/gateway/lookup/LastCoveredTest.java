package cn.liangxian.gateway.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.policy.IdNumber;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The last year of medical cover before the year assessed, which a book's {@code continuity} rule reads for a break. */
class LastCoveredTest {

  static Household.Member member(Integer rosterYear, AgencyNote... notes) {
    return new Household.Member(1, UUID.randomUUID(), IdNumber.parse(TestGateway.id("371312", "1980-06-15", 123)), "张三", true,
        false, List.of(), List.of(), List.of(notes), null, rosterYear);
  }

  @Test
  void aYearOfEmployeeMedicalInsuranceIsCoverAsAYearInsuredElsewhereIs() {
    // 国办发〔2024〕38号: a resident back from the employees' scheme has had no break
    assertThat(member(2017, new AgencyNote("EMPLOYEE_INSURANCE", "medical", 2019, null)).lastCoveredBefore(2020)).isEqualTo(2019);
    assertThat(member(2017, new AgencyNote("INSURED_ELSEWHERE", "medical", 2019, "长沙市")).lastCoveredBefore(2020)).isEqualTo(2019);
    assertThat(member(2017, new AgencyNote("PAID_ELSEWHERE", "medical", 2019, null)).lastCoveredBefore(2020)).isEqualTo(2019);
    // a note naming no insurance settles both, medical among them (as the lookup reads it)
    AgencyNote both = new AgencyNote("EMPLOYEE_INSURANCE", null, 2019, null);
    assertThat(both.covers("medical", 2019)).isTrue();
    assertThat(member(2017, both).lastCoveredBefore(2020)).isEqualTo(2019);
  }

  @Test
  void notesThatSayNothingOfMedicalCoverBeforeTheYearAreNotCover() {
    // the employees' pension, a death, a category, a year not before the one assessed, a note without a year
    assertThat(member(2017, new AgencyNote("EMPLOYEE_INSURANCE", "pension", 2019, null),
        new AgencyNote("DIED", "medical", 2019, null), new AgencyNote("CATEGORY", "medical", 2019, null),
        new AgencyNote("EMPLOYEE_INSURANCE", "medical", 2020, null), new AgencyNote("EMPLOYEE_INSURANCE", "medical", null, null))
        .lastCoveredBefore(2020)).isEqualTo(2017);
    // an older year of employee cover never undoes the roster's later one
    assertThat(member(2018, new AgencyNote("EMPLOYEE_INSURANCE", "medical", 2016, null)).lastCoveredBefore(2020)).isEqualTo(2018);
    assertThat(member(null).lastCoveredBefore(2020)).isNull();
  }
}
