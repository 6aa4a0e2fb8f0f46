package cn.liangxian.gateway.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.policy.IdNumber;
import cn.liangxian.policy.Insurance;
import cn.liangxian.policy.PolicyBook;
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
  void aRefusalCarriesItsCodeAndChineseText() {
    Regions.Entry region = new Regions.Entry("371312", "示例县", book("example-features-2024.yaml"), null);
    HouseholdAssessor.Item item = HouseholdAssessor.assess(household("DIBAO_3_4"), region, LocalDate.of(2023, 10, 26),
        OffsetDateTime.parse("2023-10-26T10:00:00+08:00")).get(0);
    assertThat(item.status()).isEqualTo(HouseholdAssessor.Status.NOT_AVAILABLE);
    assertThat(item.why().code()).isEqualTo("policy.not-a-paying-day");
    assertThat(item.why().text()).contains("2023年11月1日");
  }
}
