package cn.liangxian.kiosk.flow;

import cn.liangxian.kiosk.gateway.GatewayClient;
import cn.liangxian.kiosk.gateway.GatewayException;
import cn.liangxian.kiosk.journal.OrderJournal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * Asks the gateway for an order so that a kiosk killed at any moment can settle it on restart: the journal knows
 * the request before the gateway does ({@code INTENT}), and the order before its QR code is shown ({@code ORDER}).
 */
final class OrderPlacement {

  private final GatewayClient gateway;
  private final OrderJournal journal;
  private final JournalWrites writes;
  private volatile java.util.function.Consumer<OrderJournal.Entry> unsettled;

  OrderPlacement(GatewayClient gateway, OrderJournal journal, JournalWrites writes) {
    this.gateway = gateway;
    this.journal = journal;
    this.writes = writes;
  }

  /** Who settles an intent whose order the gateway may or may not have made (a request that timed out). */
  void unsettled(java.util.function.Consumer<OrderJournal.Entry> settle) {
    this.unsettled = settle;
  }

  /** The order, payable (a QR code to show) and journaled; or a failure whose words may be shown ({@link Refusal}). */
  Future<JsonObject> place(String key, JsonObject request) {
    return writes.write(() -> journal.intent(key, request))
        .recover(err -> Future.failedFuture(new Refusal("本机暂时不能收费，请联系工作人员", err)))
        .compose(v -> gateway.createOrder(key, request).recover(err -> {
          // an answer that did nothing closes the intent; a timeout may have made an order, which the recovery
          // finds again with the same Idempotency-Key and cancels
          if (!(err instanceof GatewayException g) || g.notCarriedOut()) {
            writes.closeQuietly(key, "not created");
          } else if (unsettled != null) {
            unsettled.accept(new OrderJournal.Entry(key, request, null, OrderJournal.Step.INTENT, null));
          }
          return Future.failedFuture(err);
        }))
        .compose(o -> {
          String url = o.getJsonObject("payment", new JsonObject()).getString("codeUrl");
          if (!"PAYING".equals(o.getString("state")) || url == null) {
            writes.closeQuietly(key, "not payable: " + o.getString("state"));
            return Future.failedFuture(new Refusal("订单暂时无法支付，请稍后再试", null));
          }
          return writes.write(() -> journal.order(key, o.getString("id"))).map(o).recover(err -> {
            gateway.cancel(o.getString("id"));
            return Future.failedFuture(new Refusal("本机暂时不能收费，请联系工作人员", err));
          });
        });
  }

  /**
   * How long the QR code is shown: the order's own life (expiresAt - createdAt, both the gateway's clock, so a
   * kiosk clock that is off does not matter), 15 minutes when the gateway does not say.
   */
  static Duration payWindow(JsonObject o) {
    try {
      Duration d = Duration.between(OffsetDateTime.parse(o.getString("createdAt")), OffsetDateTime.parse(o.getString("expiresAt")));
      return d.isNegative() || d.isZero() ? Duration.ofMinutes(15) : d;
    } catch (RuntimeException e) {
      return Duration.ofMinutes(15);
    }
  }
}
