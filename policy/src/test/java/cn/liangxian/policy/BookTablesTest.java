package cn.liangxian.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tables a book prints for the office that wrote its notice say every condition the engine applies to a treatment:
 * a row that left one out would tell the office that people the engine turns away are helped.
 */
class BookTablesTest {
  @Test
  void aTreatmentForThoseCertifiedByADateSaysTheDate() {
    assertThat(treatmentRow("hedong-2020", "000 三(二)2", "").get(0))
        .startsWith("2019年12月31日前（含当日）认定的").contains("城乡最低生活保障对象");
  }

  @Test
  void aTreatmentThatLooksAtTheWifesAgeSaysSo() {
    assertThat(treatmentRow("yicheng-2022", "002 四(一)", "独生子女").get(0)).contains("女方50周岁以上");
  }

  @Test
  void aTreatmentWithoutSuchConditionsReadsAsBefore() {
    assertThat(treatmentRow("hedong-2020", "000 三(一)2(5)", "").get(0)).isEqualTo("独生子女户、双女绝育户父母，49周岁以上");
  }

  /** The first row of the book's treatment tables whose clause is this one, and whom it is for names this. */
  private static List<String> treatmentRow(String book, String clause, String naming) {
    return BookTables.of(Books.get(book)).stream().filter(t -> t.title().contains("资助和减免")).flatMap(t -> t.rows().stream())
        .filter(r -> r.get(r.size() - 1).equals(clause) && r.get(0).contains(naming)).findFirst().orElseThrow(() -> new AssertionError("no row of " + clause));
  }
}
