package cn.liangxian.gateway.lookup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.policy.Insurance;
import cn.liangxian.policy.PolicyBook;
import java.nio.file.Files;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which books a region has live on a day: its configured ones, replaced or joined by those published. */
class RegionsTest {
  static String hedong() throws Exception {
    return Files.readString(TestGateway.repo().resolve("config/policies/hedong-2020.yaml"));
  }

  static Regions.Entry entry(List<Regions.Published> published) throws Exception {
    return new Regions.Entry("371312", "临沂市河东区", List.of(PolicyBook.parse("hedong-2020.yaml", hedong())), published, null,
        Clock.systemUTC());
  }

  @Test
  void aPublishedBookReplacesTheBookOfItsYearsFromItsActivationDay() throws Exception {
    PolicyBook amended = PolicyBook.parse("hedong-2020-amended.yaml", hedong().replace("id: hedong-2020", "id: hedong-2020-amended"));
    Regions.Entry e = entry(List.of(new Regions.Published(1, amended, LocalDate.of(2019, 12, 20))));
    assertThat(e.books(LocalDate.of(2019, 12, 19)).book(Insurance.MEDICAL, 2020).orElseThrow().file()).isEqualTo("hedong-2020.yaml");
    assertThat(e.books(LocalDate.of(2019, 12, 20)).book(Insurance.MEDICAL, 2020).orElseThrow()).isSameAs(amended);
    assertThat(e.books(LocalDate.of(2019, 12, 20)).books()).hasSize(1);
    assertThat(e.books(LocalDate.of(2019, 12, 20))).as("the same books for the same day").isSameAs(e.books(LocalDate.of(2019, 12, 20)));
    assertThat(e.withPublished(e.published()).books(LocalDate.of(2019, 12, 20)))
        .as("another entry: answers kept for the old one are not served").isNotSameAs(e.books(LocalDate.of(2019, 12, 20)));
  }

  @Test
  void aBookOfAnotherYearJoinsTheOnesLiveAndTheNewestIsWhatProgressGoesBy() throws Exception {
    PolicyBook next = PolicyBook.parse("hedong-2021.yaml",
        TestGateway.aYearLater(hedong()));
    Regions.Entry e = entry(List.of(new Regions.Published(2, next, LocalDate.of(2020, 1, 1))));
    var books = e.books(LocalDate.of(2020, 12, 10));
    assertThat(books.years(Insurance.PENSION)).containsExactly(2020, 2021);
    assertThat(books.openYears(Insurance.PENSION, LocalDate.of(2020, 12, 10))).containsExactly(2020, 2021);
    assertThat(Regions.Entry.newest(books.books())).isSameAs(next);
  }

  @Test
  void aBookMustBeInServiceAndCoverTheRegion() throws Exception {
    PolicyBook example = PolicyBook.load(TestGateway.repo().resolve("config/policies/example-features-2024.yaml"));
    assertThatThrownBy(() -> Regions.check(example, "371312", "example-features-2024.yaml")).hasMessageContaining("not in service");
    PolicyBook hedong = PolicyBook.parse("hedong-2020.yaml", hedong());
    assertThatThrownBy(() -> Regions.check(hedong, "431103", "hedong-2020.yaml")).hasMessageContaining("does not cover region 431103");
  }
}
