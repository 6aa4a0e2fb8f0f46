package cn.liangxian.sandbox.fault;

import cn.liangxian.sandbox.Recent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Supplier;

/**
 * Delivers the channels' notifications as they do, retrying until the merchant says yes, and with the
 * faults in force: late, duplicated, reordered or dropped. Runs on the sandbox's context; the record of
 * attempts is read by tests from other threads.
 */
public final class Delivery {
  private static final int RETRIES = 5;
  /** How many of the most recent attempts are kept for tests to read. */
  public static final int KEPT_ATTEMPTS = 10_000;

  private final Vertx vertx;
  private final Faults faults;
  private final Recent<JsonObject> attempts = new Recent<>(KEPT_ATTEMPTS);

  public Delivery(Vertx vertx, Faults faults) {
    this.vertx = vertx;
    this.faults = faults;
  }

  /** @param send one attempt, resolving to the HTTP status the merchant answered (2xx: accepted) */
  public void deliver(String channel, String outTradeNo, String event, Supplier<Future<Integer>> send) {
    SandboxFaults f = faults.current();
    if (f.dropNotifications()) {
      record(channel, outTradeNo, event, -1);
      return;
    }
    int copies = 1 + f.duplicates();
    for (int i = 0; i < copies; i++) {
      long delay = Math.max(1, f.notifyDelayMs() * (f.reorder() ? copies - i : 1));
      vertx.setTimer(delay, x -> attempt(channel, outTradeNo, event, send, 0));
    }
  }

  /** Runs {@code action} after the notification delay in force. */
  public void afterNotifyDelay(Runnable action) {
    vertx.setTimer(Math.max(1, faults.current().notifyDelayMs()), x -> action.run());
  }

  /** The delivery attempts, the last {@link #KEPT_ATTEMPTS}: channel, outTradeNo, event, HTTP status answered (0: no answer, -1: dropped). */
  public List<JsonObject> attempts() {
    return attempts.list();
  }

  private void attempt(String channel, String outTradeNo, String event, Supplier<Future<Integer>> send, int tries) {
    send.get().onComplete(ar -> {
      int status = ar.succeeded() ? ar.result() : 0;
      record(channel, outTradeNo, event, status);
      if ((status < 200 || status > 299) && tries < RETRIES) {
        vertx.setTimer(200L << tries, x -> attempt(channel, outTradeNo, event, send, tries + 1));
      }
    });
  }

  private void record(String channel, String outTradeNo, String event, int status) {
    attempts.add(new JsonObject().put("channel", channel).put("outTradeNo", outTradeNo).put("event", event)
        .put("status", status));
  }
}
