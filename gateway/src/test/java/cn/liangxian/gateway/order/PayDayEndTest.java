package cn.liangxian.gateway.order;

import static cn.liangxian.gateway.support.TestGateway.ref;
import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.support.Fixture;
import cn.liangxian.gateway.support.TestGateway;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An order made late in the evening is assessed on today's terms: where tomorrow's differ (河东's window ends on 31
 * December, and from 1 January a payment waits 30 days for its cover), it must be paid by midnight, and one with too
 * little of the day left is not made at all. On an ordinary evening, and on one of the late phase (whose cover begins a
 * day later each night), it keeps its whole time. 河东's pay date follows the
 * clock here (the shipped configuration pins it for the demo).
 */
class PayDayEndTest {
  TestGateway g;
  @TempDir
  Path dir;

  @BeforeEach
  void start() throws Exception {
    g = Fixture.hedongOnTheClock(dir);
  }

  @AfterEach
  void stop() throws Exception {
    g.close();
  }

  private void at(String beijing) {
    g.clock.advance(Duration.between(g.clock.instant(), OffsetDateTime.parse(beijing).toInstant()));
  }

  private HttpResponse<Buffer> orderMedical() throws Exception {
    JsonObject h = g.lookup(Fixture.ZHANG, "张三");
    JsonArray items = new JsonArray();
    for (String id : new String[] {Fixture.ZHANG, Fixture.LI, Fixture.CHILD}) {
      items.add(new JsonObject().put("memberRef", ref(h, id)).put("insurance", "medical").put("year", 2020));
    }
    return g.post("/api/v1/orders", new JsonObject().put("householdRef", h.getJsonObject("household").getString("ref"))
        .put("channel", "wechat").put("mode", "qr").put("items", items), "Idempotency-Key", UUID.randomUUID().toString());
  }

  @Test
  void anOrderOnAnOrdinaryEveningKeepsItsWholeTime() throws Exception {
    at("2019-12-15T23:55:00+08:00");
    HttpResponse<Buffer> r = orderMedical();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    assertThat(r.bodyAsJsonObject().getString("expiresAt")).isEqualTo("2019-12-16T00:10:00+08:00");
  }

  /** Each night of the late phase the cover (30 days from the payment) begins a day later: no change, the whole time. */
  @Test
  void anOrderOnALatePhasesEveningKeepsItsWholeTime() throws Exception {
    at("2020-01-15T23:55:00+08:00");
    HttpResponse<Buffer> r = orderMedical();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    assertThat(r.bodyAsJsonObject().getString("expiresAt")).isEqualTo("2020-01-16T00:10:00+08:00");
  }

  @Test
  void anOrderOnTheWindowsLastEveningMustBePaidByMidnight() throws Exception {
    at("2019-12-31T23:50:00+08:00");
    HttpResponse<Buffer> r = orderMedical();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    JsonObject o = r.bodyAsJsonObject();
    assertThat(o.getString("expiresAt")).as("not into the late phase, whose cover waits 30 days")
        .isEqualTo("2020-01-01T00:00:00+08:00");
    // the channel is told the same end: its trade closes at midnight
    assertThat(g.count("select count(*) from orders where id = '" + o.getString("id") + "' and expires_at = '2019-12-31T16:00:00Z'"))
        .isEqualTo(1);
  }

  @Test
  void tooLittleOfTheWindowsLastDayLeftToPayInIsSaidInPlainChineseAndNothingIsHeld() throws Exception {
    at("2019-12-31T23:58:30+08:00");
    HttpResponse<Buffer> r = orderMedical();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(409);
    JsonObject p = r.bodyAsJsonObject();
    assertThat(p.getString("type")).endsWith("/pay-day-ending");
    assertThat(p.getString("detail")).contains("24点以后重新缴费");
    assertThat(g.count("select count(*) from orders")).as("no order made, nothing held").isZero();
  }
}
