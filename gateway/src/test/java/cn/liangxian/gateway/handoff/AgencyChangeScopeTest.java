package cn.liangxian.gateway.handoff;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.operator.Scope;
import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Who may say what of whom: an agency speaks of its own region's people and its own insurance only, an
 * administrator's file of the people of the administrator's area; and the audit log's rows of the gateway's own
 * work stay out of reach of an account named after it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgencyChangeScopeTest {
  AgencyFixture f;

  @BeforeAll
  void start() throws Exception {
    f = new AgencyFixture();
  }

  @AfterAll
  void stop() throws Exception {
    f.close();
  }

  long planned(JsonObject order) throws Exception {
    return f.count("select count(*) from agency_refund where order_id = '" + order.getString("id") + "'");
  }

  String medicalStatus(String id, String name) throws Exception {
    return TestGateway.member(f.g.lookup(id, name), id).getJsonArray("insurances").stream().map(o -> (JsonObject) o)
        .filter(i -> i.getString("insurance").equals("medical")).findFirst().orElseThrow().getString("status");
  }

  static JsonObject died(String id, String insurance) {
    JsonObject c = new JsonObject().put("changeId", UUID.randomUUID().toString()).put("kind", "DIED").put("idNumber", id).put("year", 2020);
    return insurance == null ? c : c.put("insurance", insurance);
  }

  @Test
  void anAgencyOfAnotherRegionIsAnsweredAsIfTheResidentWereUnknownAndChangesNothing() throws Exception {
    String[] h = f.household("431103");
    JsonObject o = f.pay(h[0], "赵一", "wechat");
    // 如皋's medical agency (320682) reports a death in 冷水滩 (431103), with and without an insurance
    for (JsonObject change : new JsonObject[] {died(h[0], "medical"), died(h[0], null)}) {
      var r = f.changes("rg-medical", change);
      assertThat(r.getKey()).isEqualTo(200);
      assertThat(r.getValue().getJsonArray("results").getJsonObject(0).getString("answer")).isEqualTo("unknown-person");
    }
    assertThat(planned(o)).isZero();
    assertThat(medicalStatus(h[0], "赵一")).as("still paid, not made not-eligible by another region's agency").isEqualTo("paid");
    // the resident's own region's agency is heard
    var own = f.changes("ls-medical", died(h[0], "medical"));
    assertThat(own.getValue().getJsonArray("results").getJsonObject(0).getString("answer")).isEqualTo("applied");
    assertThat(planned(o)).as("the dead member's paid medical item").isEqualTo(1);
  }

  /** No answer tells an agency whether an ID number is registered outside its region, not even a change id used twice. */
  @Test
  void anotherRegionsResidentIsAnsweredAsANumberNobodyHasWhateverTheChangeId() throws Exception {
    String[] own = f.household("320682");
    String[] other = f.household("431103");
    String nobody = TestGateway.id("320682", "1981-05-05", 7);
    String changeId = UUID.randomUUID().toString();
    JsonObject first = died(own[0], "medical").put("changeId", changeId);
    assertThat(f.changes("rg-medical", first).getValue().getJsonArray("results").getJsonObject(0).getString("answer")).isEqualTo("applied");
    for (String id : new String[] {nobody, other[0], own[1]}) {
      JsonObject again = died(id, "medical").put("changeId", changeId);
      assertThat(f.changes("rg-medical", again).getValue().getJsonArray("results").getJsonObject(0).getString("answer"))
          .as("a change id seen before, naming " + id.substring(0, 6)).isEqualTo("duplicate");
    }
    for (String id : new String[] {nobody, other[0]}) {
      assertThat(f.changes("rg-medical", died(id, "medical")).getValue().getJsonArray("results").getJsonObject(0).getString("answer"))
          .isEqualTo("unknown-person");
    }
  }

  @Test
  void anAgencySpeaksOnlyForItsOwnInsurance() throws Exception {
    String[] h = f.household("431103");
    JsonObject o = f.pay(h[0], "赵一", "alipay");
    var pension = f.changes("ls-medical", died(h[0], "pension"));
    JsonObject answer = pension.getValue().getJsonArray("results").getJsonObject(0);
    assertThat(answer.getString("answer")).isEqualTo("refused");
    assertThat(answer.getString("reason")).contains("medical only");
    // said without an insurance: about the receiver's own, medical
    var unsaid = f.changes("ls-medical", died(h[1], null));
    assertThat(unsaid.getValue().getJsonArray("results").getJsonObject(0).getString("answer")).isEqualTo("applied");
    assertThat(f.count("select count(*) from agency_change where person_id = (select person_id from agency_refund where order_id = '"
        + o.getString("id") + "' limit 1) and insurance = 'medical'")).isEqualTo(1);
    assertThat(f.count("select count(*) from agency_refund where order_id = '" + o.getString("id") + "' and insurance <> 'medical'"))
        .isZero();
  }

  @Test
  void aDistrictsFileChangesNoOneOutsideTheDistrict() throws Exception {
    String[] h = f.household("431103");
    JsonObject o = f.pay(h[0], "赵一", "alipay");
    String district = f.g.operatorToken(Role.FINANCE, new Scope("320682", null, null));
    String csv = "change_id,kind,id_number,insurance,year,category,department,valid_from,place\n"
        + "X-" + h[0].hashCode() + ",DIED," + h[0] + ",medical,2020,,,,\n";
    var r = f.g.http.post("/api/v1/operator/handoff/agency-changes?file=x.csv")
        .putHeader("Authorization", "Bearer " + district).putHeader("Content-Type", "text/csv")
        .sendBuffer(Buffer.buffer(csv)).toCompletionStage().toCompletableFuture().get();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getJsonArray("results").getJsonObject(0).getString("answer")).isEqualTo("out-of-scope");
    assertThat(planned(o)).isZero();
    assertThat(medicalStatus(h[0], "赵一")).isEqualTo("paid");
  }

  @Test
  void noAccountMayBeNamedAfterTheGatewaysOwnWorkSoNoDistrictReadsItsAuditRows() throws Exception {
    String[] h = f.household("431103");
    JsonObject o = f.pay(h[0], "赵一", "wechat");
    f.changes("ls-medical", died(h[0], "medical"));
    f.g.clock.advance(Duration.ofMinutes(61));
    Eventually.until("the death refund carried out in 431103", () -> f.count(
        "select count(*) from audit_log where action = 'agency.refund' and after->>'order' = '" + o.getString("id") + "'") == 1);
    // the planned refund named by its row, not by the agency's own change id
    assertThat(f.count("select count(*) from audit_log where action = 'agency.refund' and after->>'order' = '" + o.getString("id")
        + "' and after->>'agencyRefund' is not null and after->'change' is null")).isEqualTo(1);
    String district = f.g.operatorToken(Role.ADMIN, new Scope("320682", null, null));
    for (String name : new String[] {"agency", "schedule", "cli", "bootstrap"}) {
      var created = f.g.http.post("/api/v1/operator/accounts").putHeader("Authorization", "Bearer " + district)
          .putHeader("Content-Type", "application/json").sendBuffer(new JsonObject().put("username", name).put("role", "village")
              .put("region", "320682").put("township", "如城街道").put("village", "大明社区").put("password", "a-long-enough-password")
              .toBuffer()).toCompletionStage().toCompletableFuture().get();
      assertThat(created.statusCode()).as(name + ": " + created.bodyAsString()).isEqualTo(400);
      assertThat(created.bodyAsJsonObject().getString("field")).isEqualTo("username");
    }
    var audit = f.g.http.get("/api/v1/operator/audit?actor=agency").putHeader("Authorization", "Bearer " + district).send()
        .toCompletionStage().toCompletableFuture().get().bodyAsJsonObject().getJsonArray("entries");
    assertThat(audit.encode()).doesNotContain(o.getString("id"));
  }
}
