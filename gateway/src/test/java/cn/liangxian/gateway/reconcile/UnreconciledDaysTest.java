package cn.liangxian.gateway.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.ChannelSandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A day whose bill could not be reconciled (not out, the channel down) is tried again by the schedule at the next days'
 * runs until it is done, within the look-back; the days left are counted per channel and merchant, and a merchant's
 * failed runs are its own.
 */
class UnreconciledDaysTest {
  static final LocalDate DEC_15 = LocalDate.parse("2019-12-15");

  static String row(TestGateway g, String merchant, String day) throws Exception {
    try (var c = g.db.connect(); var st = c.createStatement();
        var rs = st.executeQuery("select state || '/' || attempts from channel_reconciliation where channel = 'wechat'"
            + " and merchant = '" + merchant + "' and day = '" + day + "'")) {
      return rs.next() ? rs.getString(1) : "none";
    }
  }

  /** The reconciliation's series on the /metrics page. */
  static String reconciliationMetrics(TestGateway g) throws Exception {
    return String.join("\n", g.metrics().lines().filter(l -> l.startsWith("liangxian_reconciliation_")).toList());
  }

  @Test
  void aDayThatFailedIsTriedAgainAtTheNextRunUntilDoneAndNotOnceOlderThanTheLookBack() throws Exception {
    // every loop has a reconciliation of its own, the gauge one for them all
    try (TestGateway g = new TestGateway(TestGateway.onSeveralLoops(Map.of("GATEWAY_RECONCILIATION_LOOK_BACK_DAYS", "2")))) {
      ChannelSandbox sandbox = g.gateway.demo().sandbox();
      String mchid = g.gateway.channels().get("wechat").merchant();
      Map<String, String> wechat = Map.of("channel", "wechat", "merchant", mchid);
      Eventually.until("the 14th reconciled", () -> g.count("select count(*) from channel_reconciliation"
          + " where day = '2019-12-14' and state = 'DONE'") == ScheduledReconciliationTest.CHANNELS.size());
      // from the 15th on WeChat Pay's bills are not out
      sandbox.wechatBillNotOut((m, day) -> !day.isBefore(DEC_15));

      g.clock.advance(Duration.ofDays(1)); // 10:00 Beijing on the 16th: the 15th is due
      Eventually.until("the 15th failed", () -> row(g, mchid, "2019-12-15").equals("FAILED/1"));
      Eventually.until("one day open", () -> reconciliationMetrics(g), m -> value(m, "liangxian_reconciliation_days_open", wechat) == 1);

      g.clock.advance(Duration.ofDays(1)); // the 16th is due, and the 15th tried again with it
      Eventually.until("the 15th tried again, the 16th failed", () -> row(g, mchid, "2019-12-15").equals("FAILED/2")
          && row(g, mchid, "2019-12-16").equals("FAILED/1"));
      // the other channels' days are done (once their runs of the 16th are): their own figures, not WeChat Pay's
      String open = Eventually.until("two days open, at WeChat Pay only", () -> reconciliationMetrics(g),
          m -> value(m, "liangxian_reconciliation_days_open", wechat) == 2
              && value(m, "liangxian_reconciliation_days_open", Map.of("channel", "alipay")) == 0
              && value(m, "liangxian_reconciliation_days_open", Map.of("channel", "unionpay")) == 0);
      assertThat(value(open, "liangxian_reconciliation_open_oldest_seconds", wechat)).as("the 15th's bill was due a day ago")
          .isEqualTo(Duration.ofDays(1).toSeconds());

      // the bills are out again; the look-back of two days holds the 16th and the 17th, no longer the 15th
      sandbox.wechatBillNotOut((m, day) -> false);
      g.clock.advance(Duration.ofDays(1));
      Eventually.until("the 16th and the 17th reconciled", () -> row(g, mchid, "2019-12-16").equals("DONE/2")
          && row(g, mchid, "2019-12-17").equals("DONE/1"));
      String after = Eventually.until("no day open", () -> reconciliationMetrics(g), m -> value(m, "liangxian_reconciliation_days_open", wechat) == 0);
      assertThat(value(after, "liangxian_reconciliation_open_oldest_seconds", wechat)).isZero();
      assertThat(row(g, mchid, "2019-12-15")).as("older than the look-back: not tried again").isEqualTo("FAILED/2");
      assertThat(value(after, "liangxian_reconciliation_days_given_up", wechat)).as("but not forgotten").isEqualTo(1);
      assertThat(value(after, "liangxian_reconciliation_runs_total", Map.of("channel", "wechat", "merchant", mchid, "outcome", "failed")))
          .isEqualTo(3);

      // every instance down for three days: the 18th falls out of the look-back without ever being run
      g.clock.advance(Duration.ofDays(3));
      Eventually.until("the 19th and the 20th reconciled", () -> row(g, mchid, "2019-12-19").equals("DONE/1")
          && row(g, mchid, "2019-12-20").equals("DONE/1"));
      assertThat(row(g, mchid, "2019-12-18")).as("never run").isEqualTo("none");
      Eventually.until("the day never run counted as given up", () -> reconciliationMetrics(g),
          m -> value(m, "liangxian_reconciliation_days_given_up", wechat) == 2
              && value(m, "liangxian_reconciliation_days_given_up", Map.of("channel", "alipay")) == 1);
      // and listed for finance, the oldest first, with what is known of each
      var left = g.get("/api/v1/operator/reconciliation/days-left", "Authorization",
          "Bearer " + g.operatorToken(cn.liangxian.gateway.operator.Role.FINANCE, cn.liangxian.gateway.operator.Scope.ALL)).bodyAsJsonObject();
      assertThat(left.getString("lookBackFrom")).isEqualTo("2019-12-19");
      var wechatDays = left.getJsonArray("days").stream().map(o -> (io.vertx.core.json.JsonObject) o)
          .filter(d -> d.getString("merchant").equals(mchid)).toList();
      assertThat(wechatDays).extracting(d -> d.getString("date") + " " + d.getString("state") + " " + d.getBoolean("givenUp")
          + " " + d.getInteger("attempts")).containsExactly("2019-12-15 FAILED true 2", "2019-12-18 NOT_RUN true 0");
      assertThat(wechatDays.get(0).getString("lastError")).isNotBlank();
      assertThat(left.getJsonArray("days")).hasSize(2 + 2); // and the 18th of Alipay and UnionPay
    }
  }

  @Test
  void aMerchantsFailureIsCountedUnderItsOwnLabelNotHiddenByAnothersSuccess() throws Exception {
    String body = "1900000002";
    Path config = TestGateway.configWithMerchants("""
            - name: rugao
              regions: ["320682"]
              wechat: {mchid: "%s", appId: wxrugao0000000002}
        """.formatted(body));
    try (TestGateway g = new TestGateway(Map.of("GATEWAY_CONFIG", config.toString()))) {
      String mchid = g.gateway.channels().get("wechat").merchant();
      assertThat(mchid).isNotEqualTo(body);
      // WeChat Pay twice (the default merchant and the body's), Alipay and UnionPay once each
      Eventually.until("every merchant's 14th reconciled", () -> g.count("select count(*) from channel_reconciliation"
          + " where day = '2019-12-14' and state = 'DONE'") == ScheduledReconciliationTest.CHANNELS.size() + 1);
      // the body's bill of the 15th is not out; the default merchant's is
      g.gateway.demo().sandbox().wechatBillNotOut((m, day) -> m.equals(body) && day.equals(java.time.LocalDate.parse("2019-12-15")));
      g.clock.advance(Duration.ofDays(1));
      Eventually.until("the body's 15th failed, the default's done", () -> row(g, body, "2019-12-15").equals("FAILED/1")
          && row(g, mchid, "2019-12-15").equals("DONE/1"));
      // the gauges are those the schedule read before its runs: the sweep after the default's 15th was done shows it so
      String m = Eventually.until("the body's day open, the default's none", () -> reconciliationMetrics(g),
          x -> value(x, "liangxian_reconciliation_days_open", Map.of("channel", "wechat", "merchant", body)) == 1
              && value(x, "liangxian_reconciliation_days_open", Map.of("channel", "wechat", "merchant", mchid)) == 0);
      assertThat(value(m, "liangxian_reconciliation_runs_total", Map.of("channel", "wechat", "merchant", body, "outcome", "failed")))
          .isEqualTo(1);
      assertThat(value(m, "liangxian_reconciliation_runs_total", Map.of("channel", "wechat", "merchant", mchid, "outcome", "failed")))
          .isZero();
      assertThat(value(m, "liangxian_reconciliation_runs_total", Map.of("channel", "wechat", "merchant", mchid, "outcome", "done")))
          // its 14th (no trade, so no bill: looked at once more a day after it was due), the 14th again, the 15th
          .isEqualTo(3);
      assertThat(value(m, "liangxian_reconciliation_differences_total", Map.of("channel", "wechat", "merchant", body))).isZero();
    }
  }

  private static final Pattern SERIES = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** The sum of the series of this name on the /metrics page whose labels include all of {@code labels}. */
  static double value(String metrics, String name, Map<String, String> labels) {
    double sum = 0;
    for (String line : metrics.lines().toList()) {
      Matcher m = SERIES.matcher(line);
      if (!m.matches() || !m.group(1).equals(name)) {
        continue;
      }
      Map<String, String> has = new LinkedHashMap<>();
      Matcher l = LABEL.matcher(m.group(3) == null ? "" : m.group(3));
      while (l.find()) {
        has.put(l.group(1), l.group(2));
      }
      if (has.entrySet().containsAll(labels.entrySet())) {
        sum += Double.parseDouble(m.group(4));
      }
    }
    return sum;
  }
}
