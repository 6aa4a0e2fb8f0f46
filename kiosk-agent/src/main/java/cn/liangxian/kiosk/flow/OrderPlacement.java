package cn.liangxian.kiosk.flow;

import cn.liangxian.kiosk.gateway.GatewayClient;
import cn.liangxian.kiosk.gateway.GatewayException;
import cn.liangxian.kiosk.journal.OrderJournal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * Asks the gateway for an order so that a kiosk killed at any moment can settle it on restart: the journal knows
 * the request before the gateway does ({@code INTENT}), and the order before its QR code is shown ({@code ORDER}).
 */
final class OrderPlacement {

  private final GatewayClient gateway;
  private final OrderJournal journal;
  private final JournalWrites writes;
  private final Ticker ticker;
  private volatile java.util.function.Consumer<OrderJournal.Entry> unsettled;

  OrderPlacement(GatewayClient gateway, OrderJournal journal, JournalWrites writes, Ticker ticker) {
    this.gateway = gateway;
    this.journal = journal;
    this.writes = writes;
    this.ticker = ticker;
  }

  /**
   * A payable order and when its QR code's time is up, in {@link Ticker} nanoseconds: the gateway's answer plus
   * {@link #payWindow(JsonObject, Instant, Duration)} (the journal's write after it counts against it).
   */
  record Placed(JsonObject order, long endsAt) {
  }

  /** Who settles an intent whose order the gateway may or may not have made (a request that timed out). */
  void unsettled(java.util.function.Consumer<OrderJournal.Entry> settle) {
    this.unsettled = settle;
  }

  /** The order, payable (a QR code to show) and journaled; or a failure whose words may be shown ({@link Refusal}). */
  Future<Placed> place(String key, JsonObject request) {
    return writes.write(() -> journal.intent(key, request))
        .recover(err -> Future.failedFuture(new Refusal("本机暂时不能收费，请联系工作人员", err)))
        .compose(v -> {
          long sent = ticker.nanos();
          return gateway.createOrderDated(key, request).recover(err -> {
            // an answer that did nothing closes the intent; a timeout may have made an order, which the recovery
            // finds again with the same Idempotency-Key and cancels
            if (!(err instanceof GatewayException g) || g.notCarriedOut()) {
              writes.closeQuietly(key, "not created");
            } else if (unsettled != null) {
              unsettled.accept(new OrderJournal.Entry(key, request, null, OrderJournal.Step.INTENT, null));
            }
            return Future.failedFuture(err);
          }).map(d -> {
            long answered = ticker.nanos();
            return new Placed(d.body(), answered + payWindow(d.body(), d.date(), Duration.ofNanos(answered - sent)).toNanos());
          });
        })
        .compose(p -> {
          JsonObject o = p.order();
          String url = o.getJsonObject("payment", new JsonObject()).getString("codeUrl");
          if (!"PAYING".equals(o.getString("state")) || url == null) {
            writes.closeQuietly(key, "not payable: " + o.getString("state"));
            return Future.failedFuture(new Refusal("订单暂时无法支付，请稍后再试", null));
          }
          return writes.write(() -> journal.order(key, o.getString("id"))).map(p).recover(err -> {
            gateway.cancel(o.getString("id"));
            return Future.failedFuture(new Refusal("本机暂时不能收费，请联系工作人员", err));
          });
        });
  }

  /**
   * How long the QR code is shown, from the gateway's answer on: until the order's expiresAt by the gateway's clock,
   * never the kiosk's (one that is off does not matter). The gateway sets expiresAt when it starts the order, before it
   * asks the payment channel for the QR code (up to 15 s): counted from the answer, the order's whole life would outlast
   * the order by that long. {@code gatewayDate}: the gateway's time when it answered (its Date header), whole seconds, so
   * a second less is left; null where the answer gave none, then the order's life less the request's own round trip.
   */
  static Duration payWindow(JsonObject o, Instant gatewayDate, Duration roundTrip) {
    Duration life = payWindow(o);
    if (gatewayDate != null) {
      try {
        Duration left = Duration.between(gatewayDate.plusSeconds(1), OffsetDateTime.parse(o.getString("expiresAt")));
        if (left.compareTo(Duration.ZERO) > 0) {
          return left.compareTo(life) < 0 ? left : life; // never longer than the order's life, whatever the Date said
        }
      } catch (RuntimeException e) {
        // no expiresAt to read: its life, less the trip, below
      }
    }
    Duration left = life.minus(roundTrip);
    return left.isNegative() ? Duration.ZERO : left;
  }

  /**
   * The order's own life (expiresAt - createdAt, both the gateway's clock, so a kiosk clock that is off does not
   * matter), 15 minutes when the gateway does not say.
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
