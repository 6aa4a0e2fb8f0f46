package cn.liangxian.gateway.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.policy.IdNumber;
import cn.liangxian.policy.Insurance;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The answer's bytes are those of {@link JsonObject#toBuffer()}, whatever the household holds. */
class HouseholdViewTest {

  @Test
  void theAnswersBytesAreTheJsonObjectsOwn() {
    String[][] cases = {
        {"example-pension-tiers-2024.yaml", "DIBAO", "2024-03-01"},
        {"example-features-2024.yaml", "DIBAO_1_2", "2023-10-10"},
        {"example-features-2024.yaml", "DIBAO_3_4", "2023-10-26"},
        {"hedong-2020.yaml", "DIBAO_1_2", "2019-12-10"},
        {"hedong-2020.yaml", "NONE", "2019-12-10"},
    };
    for (String[] c : cases) {
      Regions.Entry region = new Regions.Entry("371312", "示例县 \"河东\" \\ \u0001 𠀀", HouseholdAssessorTest.book(c[0]), null);
      LocalDate day = LocalDate.parse(c[2]);
      Household h = household(c[1], day.getYear());
      JsonObject answer = HouseholdView.render(h, region, day,
          HouseholdAssessor.assess(h, region, day, OffsetDateTime.parse(c[2] + "T10:00:00+08:00")));
      byte[] bytes = HouseholdView.bytes(answer);
      assertThat(new String(bytes, StandardCharsets.UTF_8)).as(c[0] + " " + c[1])
          .isEqualTo(new String(answer.toBuffer().getBytes(), StandardCharsets.UTF_8));
      assertThat(bytes).isEqualTo(answer.toBuffer().getBytes());
    }
  }

  private static Household household(String category, int year) {
    List<Household.Hold> holds = new java.util.ArrayList<>();
    for (Insurance i : Insurance.values()) {
      for (int y = year; y <= year + 1; y++) {
        holds.add(new Household.Hold(i.code(), y, true, null, UUID.randomUUID(), OffsetDateTime.parse(y - 1 + "-12-01T09:30:15.5Z")));
      }
    }
    Household.Member adult = new Household.Member(1, UUID.randomUUID(),
        IdNumber.parse(TestGateway.id("371312", "1980-06-15", 123)), "张三", true, false,
        List.of(new Household.CategoryRow(category, null, null)), holds, List.of());
    Household.Member child = new Household.Member(2, UUID.randomUUID(),
        IdNumber.parse(TestGateway.id("371312", "2015-01-20", 124)), "张小\"三\"", true, false, List.of(), List.of(), List.of());
    Household.Member elder = new Household.Member(3, UUID.randomUUID(),
        IdNumber.parse(TestGateway.id("371312", "1950-11-02", 125)), "李四", false, true, List.of(), List.of(), List.of());
    return new Household(1, UUID.randomUUID(), "371312", "街道\t一", "村\n二", 0L, List.of(adult, child, elder));
  }
}
