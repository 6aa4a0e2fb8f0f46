package cn.liangxian.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A region with this year's book and next year's live at once: the book by insurance and year, and the open years. */
class RegionBooksTest {

  /** 河东区's book moved one year on, as next year's notice would be (window 2020-12-08..12-31 for 2021). */
  static PolicyBook hedong2021() throws Exception {
    String text = Files.readString(Books.dir().resolve("hedong-2020.yaml"))
        .replace("id: hedong-2020", "id: hedong-2021")
        .replace("2021-", "2022-").replace("2020-", "2021-").replace("2019-", "2020-")
        .replace("benefitYear: 2020", "benefitYear: 2021").replace("1949-12-31", "1950-12-31");
    return PolicyBook.parse("hedong-2021.yaml", text);
  }

  @Test
  void nextYearsCollectionOpensWhileThisYearsLatePaymentsAreTaken() throws Exception {
    RegionBooks books = RegionBooks.of("371312", List.of(Books.get("hedong-2020"), hedong2021()));
    assertThat(books.openYears(Insurance.MEDICAL, LocalDate.of(2020, 1, 15))).containsExactly(2020);
    assertThat(books.openYears(Insurance.MEDICAL, LocalDate.of(2020, 12, 10))).containsExactly(2020, 2021);
    assertThat(books.openYears(Insurance.MEDICAL, LocalDate.of(2021, 1, 5))).containsExactly(2021);
    assertThat(books.book(Insurance.MEDICAL, 2021).map(PolicyBook::id)).contains("hedong-2021");
    assertThat(books.book(Insurance.PENSION, 2020).map(PolicyBook::id)).contains("hedong-2020");
    assertThat(books.book(Insurance.MEDICAL, 2019)).isEmpty();
  }

  @Test
  void aYearWithoutLateRulesClosesWithItsWindow() {
    RegionBooks books = RegionBooks.of("371312", List.of(Books.get("hedong-2020")));
    // 000's pension section takes back-payments after the window; lengshuitan-2020 refuses them
    assertThat(books.openYears(Insurance.PENSION, LocalDate.of(2020, 5, 1))).containsExactly(2020);
    RegionBooks lst = RegionBooks.of("431103", List.of(Books.get("lengshuitan-2020")));
    assertThat(lst.openYears(Insurance.PENSION, LocalDate.of(2019, 11, 5))).isEmpty();
    assertThat(lst.openYears(Insurance.PENSION, LocalDate.of(2019, 10, 5))).containsExactly(2019);
  }

  @Test
  void twoBooksForOneYearOrABookOfAnotherRegionAreRefused() throws Exception {
    assertThatThrownBy(() -> RegionBooks.of("371312", List.of(Books.get("hedong-2020"), Books.get("hedong-2020"))))
        .hasMessageContaining("two books for medical 2020");
    assertThatThrownBy(() -> RegionBooks.of("371312", List.of(Books.get("rugao-2020"))))
        .hasMessageContaining("does not cover region 371312");
    assertThatThrownBy(() -> RegionBooks.of("371312", List.of(Books.get("example-features-2024"))))
        .hasMessageContaining("not in service");
  }

  @Test
  void everyYearABookSetsIsListedAndAnExampleMayBeAssessedAsIfServed() throws Exception {
    RegionBooks books = RegionBooks.of("371312", List.of(hedong2021(), Books.get("hedong-2020")));
    assertThat(books.years(Insurance.PENSION)).containsExactly(2020, 2021);
    assertThat(books.books()).hasSize(2);
    RegionBooks example = RegionBooks.examples("371312", List.of(Books.get("example-features-2024")));
    assertThat(example.books()).hasSize(1);
    assertThatThrownBy(() -> RegionBooks.examples("371312", List.of(Books.get("hedong-2020"), Books.get("hedong-2020"))))
        .hasMessageContaining("two books for medical 2020");
  }
}
