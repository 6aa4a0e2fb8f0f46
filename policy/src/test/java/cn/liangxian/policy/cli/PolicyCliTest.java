package cn.liangxian.policy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  // valid numbers: 河东区, born 1980-01-01 (man) and 1949-12-31 (woman)
  private static final String ADULT = "371312198001011231";
  private static final String ELDER = "371312194912311229";

  record Result(int status, List<JsonNode> lines, String stdout, String stderr) {}

  static Path book(String name) {
    Path p = Path.of("config", "policies", name);
    return Files.exists(p) ? p : Path.of("..").resolve(p);
  }

  static Result run(String stdin, String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    int status = new PolicyCli().run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), out,
        new PrintWriter(err, true));
    String stdout = out.toString(StandardCharsets.UTF_8);
    List<JsonNode> lines = new ArrayList<>();
    if (args.length > 0 && (args[0].equals("assess") || args[0].equals("household"))) {
      for (String l : stdout.split("\n", -1)) {
        if (!l.isEmpty()) {
          lines.add(JSON.readTree(l));
        }
      }
    }
    return new Result(status, lines, stdout, err.toString());
  }

  @Test
  void oneLineOutPerLineInInOrderWithTheContractFields() throws Exception {
    Result r = run("""
        {"idNumber":"%s","insurance":"medical"}
        {"idNumber":"%s","insurance":"medical"}
        {"idNumber":"%s","insurance":"pension","tier":300,"payDate":"2019-12-20"}
        """.formatted(ADULT, ELDER, ADULT), "assess", "--book", book("hedong-2020.yaml").toString());

    assertThat(r.status()).isZero();
    assertThat(r.lines()).hasSize(3);
    JsonNode adult = r.lines().get(0);
    assertThat(adult.get("eligible").asBoolean()).isTrue();
    assertThat(adult.has("reason")).isFalse();
    assertThat(adult.get("personalFen").asLong()).isEqualTo(25000);
    assertThat(adult.get("governmentFen").asLong()).isZero();
    assertThat(adult.get("subsidyFen").asLong()).isZero();
    assertThat(adult.get("laterSubsidyFen").asLong()).isZero();
    assertThat(adult.get("totalFen").asLong()).isEqualTo(25000);
    assertThat(adult.get("coverageStart").asText()).isEqualTo("2020-01-01");
    assertThat(adult.get("coverageEnd").asText()).isEqualTo("2020-12-31");
    assertThat(adult.get("rules").get(1).get("id").asText()).isEqualTo("personal");
    assertThat(adult.get("rules").get(1).get("source").asText()).isEqualTo("000 三(二)2");
    List<String> fields = new ArrayList<>();
    adult.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("eligible", "personalFen", "governmentFen", "subsidyFen", "laterSubsidyFen",
        "totalFen", "coverageStart", "coverageEnd", "rules");

    assertThat(r.lines().get(1).get("governmentFen").asLong()).isEqualTo(25000);
    assertThat(r.lines().get(2).get("subsidyFen").asLong()).isEqualTo(3000);
    assertThat(r.lines().get(2).get("totalFen").asLong()).isEqualTo(33000);
  }

  @Test
  void aBadLineYieldsAnErrorOnItsLineAndTheRestGoOn() throws Exception {
    Result r = run(String.join("\n",
        "{\"idNumber\":\"" + ADULT + "\",\"insurance\":\"medical\"}",
        "this is not json",
        "{\"idNumber\":\"371312198001011232\",\"insurance\":\"medical\"}",
        "{\"idNumber\":\"" + ADULT + "\",\"insurance\":\"medical\",\"categories\":[\"DIBOA\"]}",
        "{\"idNumber\":\"" + ADULT + "\",\"insurance\":\"pension\",\"tier\":700}",
        "{\"idNumber\":\"" + ADULT + "\",\"insurance\":\"dental\"}",
        "{\"insurance\":\"medical\"}",
        "{\"idNumber\":\"" + ADULT + "\",\"insurance\":\"medical\",\"payDate\":\"2019-13-01\"}",
        "{\"idNumber\":\"" + ADULT + "\",\"insurance\":\"medical\",\"catgories\":[]}",
        "",
        "[1,2]",
        "{\"idNumber\":\"" + ADULT + "\",\"insurance\":\"medical\",\"addOns\":[\"COMMERCIAL_SUPPLEMENT\"]}",
        "{\"idNumber\":\"" + ELDER + "\",\"insurance\":\"medical\"}",
        "{\"idNumber\":\"" + ADULT + "\",\"insurance\":\"medical\"} trailing") + "\n",
        "assess", "--book", book("hedong-2020.yaml").toString());

    assertThat(r.status()).isEqualTo(1);
    assertThat(r.lines()).hasSize(14);
    assertThat(error(r, 13)).startsWith("not valid JSON"); // not assessed with the rest of the line dropped
    assertThat(r.lines().get(0).get("totalFen").asLong()).isEqualTo(25000);
    assertThat(error(r, 1)).startsWith("not valid JSON");
    assertThat(error(r, 2)).contains("check character is wrong");
    assertThat(error(r, 3)).contains("unknown category 'DIBOA'");
    assertThat(error(r, 4)).contains("tier 700 is not offered");
    assertThat(error(r, 5)).contains("insurance must be \"medical\" or \"pension\"");
    assertThat(error(r, 6)).isEqualTo("idNumber is required");
    assertThat(error(r, 7)).contains("payDate must be a real date");
    assertThat(error(r, 8)).contains("unknown field 'catgories'");
    assertThat(error(r, 9)).contains("empty line");
    assertThat(error(r, 10)).contains("must be a JSON object");
    assertThat(error(r, 11)).contains("add-on 'COMMERCIAL_SUPPLEMENT' is not offered");
    assertThat(r.lines().get(12).get("governmentFen").asLong()).isEqualTo(25000);
    assertThat(r.stdout()).doesNotContain(ADULT);
  }

  @Test
  void householdTotalsAndTheWholeFamilyRule() throws Exception {
    Result r = run("""
        {"insurance":"medical","payDate":"2019-11-01","members":[{"idNumber":"%s"},{"idNumber":"%s","categories":["DIBAO"]}]}
        """.formatted("431103198001011230", "431103198205050020"),
        "household", "--book", book("lengshuitan-2020.yaml").toString());
    assertThat(r.stderr()).isEmpty();
    JsonNode h = r.lines().get(0);
    assertThat(h.get("wholeFamilyRequired").asBoolean()).isTrue();
    assertThat(h.get("members")).hasSize(2);
    assertThat(h.get("members").get(0).get("idNumber").asText()).isEqualTo("4311**********1230");
    assertThat(h.get("totals").get("personalFen").asLong()).isEqualTo(50000);
    assertThat(h.get("totals").get("laterSubsidyFen").asLong()).isEqualTo(7500);
  }

  static Path sample(String name) {
    Path p = Path.of("config", "samples", name);
    return Files.exists(p) ? p : Path.of("..").resolve(p);
  }

  /** The README's two examples, each on the sample made for it: the same family, a line a person and a line a household. */
  @Test
  void theReadmesSamplesAssessAsTheReadmeShowsThem() throws Exception {
    Path book = book("hedong-2020.yaml");
    Result persons = run(Files.readString(sample("hedong-household.jsonl")), "assess", "--book", book.toString());
    assertThat(persons.status()).isZero();
    assertThat(persons.lines()).hasSize(8).allSatisfy(l -> assertThat(l.has("error")).isFalse());
    Result family = run(Files.readString(sample("hedong-family.jsonl")), "household", "--book", book.toString());
    assertThat(family.status()).as(family.stdout()).isZero();
    assertThat(family.lines()).hasSize(2);
    JsonNode medical = family.lines().get(0);
    assertThat(medical.get("wholeFamilyRequired").asBoolean()).isTrue();
    // 250 yuan each, the grandmother's paid by the government (低保)
    assertThat(medical.get("totals").get("personalFen").asLong()).isEqualTo(75000);
    assertThat(medical.get("totals").get("governmentFen").asLong()).isEqualTo(25000);
    JsonNode pension = family.lines().get(1);
    // the members' lines are the assess lines of the same people: the child of nine may not enrol
    for (int i = 0; i < 4; i++) {
      assertThat(pension.get("members").get(i).get("totalFen")).isEqualTo(persons.lines().get(4 + i).get("totalFen"));
    }
    assertThat(pension.get("members").get(3).get("reasonCode").asText()).isEqualTo("policy.min-age");
  }

  @Test
  void aHouseholdLineWithAMisspelledOrMisplacedFieldIsAnErrorNotADefault() throws Exception {
    String adult = "431103198001011230";
    Result r = run(String.join("\n",
        "{\"insurance\":\"medical\",\"paydate\":\"2020-03-15\",\"members\":[{\"idNumber\":\"" + adult + "\"}]}",
        "{\"insurance\":\"medical\",\"members\":[{\"idNumber\":\"" + adult + "\",\"payDate\":\"2020-03-15\"}]}",
        "{\"insurance\":\"medical\",\"members\":[{\"idNumber\":\"" + adult + "\",\"insurance\":\"pension\"}]}",
        "{\"insurance\":\"pension\",\"payDate\":\"2019-11-01\",\"members\":[{\"idNumber\":\"" + adult + "\",\"tier\":7000}]}",
        "{\"insurance\":\"medical\",\"payDate\":\"2019-11-01\",\"members\":[{\"idNumber\":\"" + adult + "\"}]}") + "\n",
        "household", "--book", book("lengshuitan-2020.yaml").toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(error(r, 0)).contains("unknown field 'paydate'");
    assertThat(error(r, 1)).isEqualTo("members[0]: payDate is the household's, not a member's: give it once, beside members");
    assertThat(error(r, 2)).startsWith("members[0]: insurance is the household's");
    // a line read whole, but a member of it not assessed: the run did not wholly succeed
    assertThat(r.lines().get(3).path("members").get(0).has("error")).as(r.lines().get(3).toString()).isTrue();
    assertThat(r.lines().get(4).get("totals").get("personalFen").asLong()).isPositive();
    Result memberOnly = run("{\"insurance\":\"pension\",\"payDate\":\"2019-11-01\",\"members\":[{\"idNumber\":\"" + adult
        + "\",\"tier\":7000}]}\n", "household", "--book", book("lengshuitan-2020.yaml").toString());
    assertThat(memberOnly.status()).isEqualTo(1);
  }

  @Test
  void helpExplainsTheContract() throws Exception {
    Result r = run("", "--help");
    assertThat(r.status()).isZero();
    assertThat(r.stdout()).contains("assess --book", "idNumber", "laterSubsidyFen", "Exit status");
  }

  @Test
  void usageErrorsExitTwo() throws Exception {
    assertThat(run("").status()).isEqualTo(2);
    assertThat(run("", "assess").stderr()).contains("assess needs --book");
    assertThat(run("", "frobnicate").status()).isEqualTo(2);
    Result missing = run("", "assess", "--book", "no-such-book.yaml");
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.stderr()).contains("no-such-book.yaml");
  }

  @Test
  void aBadBookDoesNotLoadAndSaysWhere(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("broken.yaml");
    Files.writeString(bad, "id: x\nnotice: \"000\"\ntitle: t\nregions: []\n");
    Result r = run("{}\n", "assess", "--book", bad.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.stderr()).contains("broken.yaml:4: regions: must list at least one region");
    assertThat(r.stdout()).isEmpty();

    Result check = run("", "check", book("rugao-2020.yaml").toString(), bad.toString());
    assertThat(check.status()).isEqualTo(1);
    assertThat(check.stdout()).contains("rugao-2020.yaml: ok");
    assertThat(check.stderr()).startsWith(bad + ":4: regions: must list at least one region");
  }

  private static String error(Result r, int line) {
    JsonNode n = r.lines().get(line);
    assertThat(n.has("error")).as("line %d is an error: %s", line, n).isTrue();
    return n.get("error").asText();
  }
}
