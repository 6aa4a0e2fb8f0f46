package cn.liangxian.gateway.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.operator.Scope;
import cn.liangxian.gateway.support.Eventually;
import cn.liangxian.gateway.support.TestGateway;
import cn.liangxian.sandbox.fault.HeldCall;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A run whose bill took so long that another run took its day over (the first looked abandoned: it renews its claim for
 * two hours at most) changes nothing when it finishes at last: the day's report and its audit record are the run that
 * holds the claim's, once.
 */
class TakenOverRunTest {
  static final String DAY = "2019-12-10";
  /** Past {@link Reconciliation#RENEWED_AT_MOST} and the ten minutes after which a claim no longer renewed looks abandoned. */
  static final Duration STUCK = Reconciliation.RENEWED_AT_MOST.plus(Reconciliation.ABANDONED).plusMinutes(1);

  static CompletableFuture<HttpResponse<Buffer>> rerun(TestGateway g, String token) {
    return g.http.post("/api/v1/operator/reconciliation/wechat/" + DAY).putHeader("Authorization", "Bearer " + token).send()
        .toCompletionStage().toCompletableFuture();
  }

  @Test
  void aRunTakenOverWritesNoAuditRecordWhenItFinishes() throws Exception {
    try (TestGateway g = new TestGateway()) {
      // the schedule's own runs of yesterday out of the way first
      Eventually.until("the 14th reconciled", () -> g.count("select count(*) from channel_reconciliation"
          + " where day = '2019-12-14' and state = 'DONE'") == ScheduledReconciliationTest.CHANNELS.size());
      HeldCall bill = g.gateway.demo().sandbox().holdNext("GET /v3/bill/tradebill");
      try {
        CompletableFuture<HttpResponse<Buffer>> slow = rerun(g, g.operatorToken(Role.FINANCE, Scope.ALL));
        bill.arrived().get(30, TimeUnit.SECONDS);
        // past the two hours a run renews its claim for, and ten minutes more: the first run looks abandoned (a live run
        // renews its claim until then), so an operator runs the day again and it is done
        g.clock.advance(STUCK);
        HttpResponse<Buffer> taken = rerun(g, g.operatorToken(Role.FINANCE, Scope.ALL)).get(30, TimeUnit.SECONDS);
        assertThat(taken.statusCode()).as(taken.bodyAsString()).isEqualTo(200);
        assertThat(taken.bodyAsJsonObject().getString("state")).isEqualTo("DONE");
        assertThat(taken.bodyAsJsonObject().getInteger("attempts")).isEqualTo(2);

        // the clock back to when the held call was signed, so that the channel takes it and the slow run gets its bill
        g.clock.advance(STUCK.negated());
        bill.release();
        HttpResponse<Buffer> late = slow.get(30, TimeUnit.SECONDS);
        assertThat(late.statusCode()).as(late.bodyAsString()).isEqualTo(200);
        assertThat(late.bodyAsJsonObject().getString("claimedAt")).isEqualTo(taken.bodyAsJsonObject().getString("claimedAt"));
        assertThat(g.count("select count(*) from audit_log where action = 'reconciliation.run' and subject like 'wechat/%/" + DAY + "'"))
            .as("one audit record: the run that holds the claim").isEqualTo(1);
      } finally {
        bill.release();
      }
    }
  }
}
