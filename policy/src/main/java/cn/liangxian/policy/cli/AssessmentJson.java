package cn.liangxian.policy.cli;

import cn.liangxian.policy.AppliedRule;
import cn.liangxian.policy.Assessment;
import cn.liangxian.policy.HouseholdAssessment;
import cn.liangxian.policy.Insurance;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;

/** The output lines of {@code policy assess} and {@code policy household}: a contract other tools read. */
final class AssessmentJson {
  private final ObjectMapper json;

  AssessmentJson(ObjectMapper json) {
    this.json = json;
  }

  ObjectNode assessment(Assessment a) {
    ObjectNode o = json.createObjectNode();
    o.put("eligible", a.eligible());
    if (!a.eligible()) {
      o.put("reason", a.reason());
      o.put("reasonCode", a.why().code());
      o.put("reasonText", a.why().text());
    }
    o.put("personalFen", a.personalFen());
    o.put("governmentFen", a.governmentFen());
    o.put("subsidyFen", a.subsidyFen());
    o.put("laterSubsidyFen", a.laterSubsidyFen());
    o.put("totalFen", a.totalFen());
    o.put("coverageStart", a.coverageStart() == null ? null : a.coverageStart().toString());
    o.put("coverageEnd", a.coverageEnd() == null ? null : a.coverageEnd().toString());
    ArrayNode rules = o.putArray("rules");
    for (AppliedRule r : a.rules()) {
      rules.addObject().put("id", r.id()).put("source", r.source());
    }
    return o;
  }

  /** Each member under their masked ID number, then the totals over the eligible members. */
  ObjectNode household(HouseholdAssessment h, Insurance insurance, LocalDate payDate) {
    ObjectNode o = json.createObjectNode();
    o.put("insurance", insurance.code());
    o.put("payDate", payDate.toString());
    o.put("wholeFamilyRequired", h.wholeFamilyRequired());
    if (h.wholeFamilySource() != null) {
      o.put("wholeFamilySource", h.wholeFamilySource());
    }
    ArrayNode out = o.putArray("members");
    for (HouseholdAssessment.Line l : h.lines()) {
      ObjectNode m = l.assessment() == null ? json.createObjectNode().put("error", l.error()) : assessment(l.assessment());
      ObjectNode line = json.createObjectNode().put("idNumber", l.person().id().masked());
      line.setAll(m);
      out.add(line);
    }
    ObjectNode totals = o.putObject("totals");
    totals.put("personalFen", h.personalFen());
    totals.put("governmentFen", h.governmentFen());
    totals.put("subsidyFen", h.subsidyFen());
    totals.put("laterSubsidyFen", h.laterSubsidyFen());
    totals.put("totalFen", h.totalFen());
    return o;
  }
}
