package cn.liangxian.policy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code policy explain}: the book as the notice's tables, for the office that wrote it to proofread. */
class ExplainTest {

  @Test
  void hedongAsTextHasTheTiersAndSubsidiesOfNotice000() throws Exception {
    PolicyCliTest.Result r = PolicyCliTest.run("", "explain", "--book", PolicyCliTest.book("hedong-2020.yaml").toString());
    assertThat(r.status()).isZero();
    assertThat(r.stdout()).contains("河东区 2020 年度居民基本养老保险和医疗保险征缴工作实施方案 缴费标准一览表",
        "城乡居民基本养老保险 2020年度：缴费档次和缴费补贴（12档）", "集中缴费期 | 2019年12月8日 至 2019年12月31日",
        "个人缴费部分由政府全额代缴", "缴费之日起30日后（政府全额代缴者全年）", "通知未公布");
    assertThat(r.stdout()).containsPattern("300元 +\\| 30元 +\\| 所有参保人 +\\| 000 三\\(一\\)2\\(3\\)");
    assertThat(r.stdout()).containsPattern("100元 +\\| 0元 +\\| 仅限");
  }

  @Test
  void generatedTiersAreListedOneByOne() {
    PolicyCliTest.Result r = run("example-pension-tiers-2024.yaml");
    assertThat(r.stdout()).contains("（39档）", "示例，不在用", "（通知未规定开始日期）").containsPattern("4000元 +\\| 100元");
  }

  @Test
  void asPdfInTheStandardChineseFont(@TempDir Path dir) throws Exception {
    Path pdf = dir.resolve("book.pdf");
    PolicyCliTest.Result r = PolicyCliTest.run("", "explain", "--book",
        PolicyCliTest.book("example-features-2024.yaml").toString(), "--pdf", pdf.toString());
    assertThat(r.status()).isZero();
    try (PDDocument doc = Loader.loadPDF(Files.readAllBytes(pdf))) {
      String text = new PDFTextStripper().getText(doc);
      assertThat(text).contains("缴费标准一览表", "外出务工返乡人员", "缴费次月1日起", "不低于640元", "三、四类低保对象");
      assertThat(doc.getDocumentInformation().getTitle()).contains("缴费标准一览表");
    }
  }

  @Test
  void assessLinesCarryTheReasonsCodeAndChineseText() throws Exception {
    PolicyCliTest.Result r = PolicyCliTest.run("""
        {"idNumber": "371312198001011231", "insurance": "medical", "payDate": "2019-11-01"}
        {"idNumber": "371312198001011231", "insurance": "pension", "tier": 300, "categories": ["STUDENT"]}
        """, "assess", "--book", PolicyCliTest.book("hedong-2020.yaml").toString());
    assertThat(r.lines().get(0).get("reasonCode").asText()).isEqualTo("policy.window-not-open");
    assertThat(r.lines().get(0).get("reasonText").asText()).isEqualTo("2020年度城乡居民基本医疗保险从2019年12月8日开始缴费，现在还不能缴");
    assertThat(r.lines().get(1).get("eligible").asBoolean()).isFalse();
    assertThat(r.lines().get(1).get("reasonCode").asText()).isEqualTo("policy.excluded");
    assertThat(r.lines().get(1).get("reasonText").asText()).isEqualTo("在校学生不参加城乡居民基本养老保险");
  }

  @Test
  void aMissingPdfFileNameIsAUsageError() {
    assertThat(run("hedong-2020.yaml", "--pdf").status()).isEqualTo(PolicyCli.USAGE);
  }

  private static PolicyCliTest.Result run(String book, String... more) {
    String[] args = new String[3 + more.length];
    args[0] = "explain";
    args[1] = "--book";
    args[2] = PolicyCliTest.book(book).toString();
    System.arraycopy(more, 0, args, 3, more.length);
    try {
      return PolicyCliTest.run("", args);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
