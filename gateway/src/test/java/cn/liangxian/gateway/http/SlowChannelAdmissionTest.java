package cn.liangxian.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.fault.SandboxFaults;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The limits that follow latency leave out the time a request waits for a channel's answer: a channel slow at
 * the deadline does not make this process turn its residents' logins and orders away, while the same requests
 * slow in this process itself still cut them ({@link AdmissionTest}).
 */
class SlowChannelAdmissionTest {
  // the product's target: a busy test machine seldom makes a request of its own take this long
  private static final int TARGET_MILLIS = 500;
  private static final int CHANNEL_LATE_MILLIS = 3 * TARGET_MILLIS;
  private static final String[] NAMES = {"赵甲", "钱乙", "孙丙", "李丁"};

  @Test
  void loginsAndOrdersWaitingOnASlowChannelAreNotTurnedAwayForIt() throws Exception {
    try (TestGateway g = Fixture.load(new TestGateway(Map.of("GATEWAY_ADMISSION_LATENCY_TARGET_MILLIS",
        Integer.toString(TARGET_MILLIS))))) {
      // four households of one adult each: one order to warm the path up, three to measure
      StringBuilder roster = new StringBuilder(
          "region_code,township,village,household,id_number,name,local,guardian_id_number,guardian_name,guardian_phone,enrolled_elsewhere\n");
      String[] ids = new String[NAMES.length];
      for (int i = 0; i < NAMES.length; i++) {
        ids[i] = TestGateway.id("371312", "1975-0" + (i + 1) + "-11", 201 + 2 * i);
        roster.append("371312,汤头街道,汤头村,SLOW").append(i).append(',').append(ids[i]).append(',').append(NAMES[i])
            .append(",true,,,,false\n");
      }
      g.importCsv("slow-channel.csv", roster.toString());
      // the paths compiled and their first statements prepared while the channel is quick
      g.residentToken("alipay", "warm-up");
      g.residentToken("wechat", "warm-up");
      assertThat(g.orderUnpaidMedical(g.lookup(ids[0], NAMES[0]), "wechat", "qr").statusCode()).isEqualTo(201);
      int logins = limit(g, "login");
      int orders = limit(g, "order-create");

      g.gateway.demo().sandbox().faults(new SandboxFaults(0, 0, false, 0, false, CHANNEL_LATE_MILLIS));
      // each waits three times the target for the channel: counted as this process's time, they would cut the
      // limits by a tenth each (to 0.9^6 of the logins' and 0.9^3 of the orders')
      for (int i = 0; i < 6; i++) {
        assertThat(g.residentToken(i % 2 == 0 ? "alipay" : "wechat", "slow-channel-" + i)).isNotBlank();
      }
      for (int i = 1; i < NAMES.length; i++) {
        assertThat(g.orderUnpaidMedical(g.lookup(ids[i], NAMES[i]), "wechat", "qr").statusCode()).isEqualTo(201);
      }

      // (room for one request slowed by the machine itself: a busy test machine is not a slow channel)
      assertThat(limit(g, "login")).isGreaterThanOrEqualTo((int) (logins * 0.9));
      assertThat(limit(g, "order-create")).isGreaterThanOrEqualTo((int) (orders * 0.9));
    }
  }

  private static int limit(TestGateway g, String routeClass) throws Exception {
    Matcher m = Pattern.compile("liangxian_admission_limit\\{class=\"" + routeClass + "\"[^}]*} ([0-9.E]+)").matcher(g.metrics());
    assertThat(m.find()).as("the " + routeClass + " class follows latency").isTrue();
    return (int) Double.parseDouble(m.group(1));
  }
}
