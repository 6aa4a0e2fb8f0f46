package cn.liangxian.kiosk.flow;

import cn.liangxian.kiosk.gateway.GatewayClient;
import cn.liangxian.kiosk.gateway.GatewayException;
import cn.liangxian.kiosk.journal.OrderJournal;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles the orders the journal left open, at start-up and for orders the screen let go of:
 * <ul>
 * <li>{@code INTENT} (killed before the order came back; its QR code was never shown): the order is looked up by
 * its Idempotency-Key and cancelled if unpaid. Where the gateway knows no order by that key, the request may still
 * be on its way: the same request with the same key is sent again, and the order it makes or finds is cancelled.
 * Sent again first, a request whose order the gateway had given up as stranded would make a new order (a new
 * payment at the channel) only to cancel it;</li>
 * <li>{@code ORDER} (its QR code may have been shown): watched until paid or dead; never shown again, never
 * asked for again;</li>
 * <li>paid, or a print that the printer refused: the receipt is printed, unless the order was refunded since, or its
 * resident has waited more than {@link #UNATTENDED_AFTER} (gone; the receipt would wait in the tray, names and amounts
 * on it, for whoever comes next): then it is closed unprinted, counted for the heartbeat and logged. The wait is
 * measured by the {@link Ticker} from when the screen let go of the order; at a restart, from the payment by the
 * gateway's clock (its paidAt against the gateway's time) or from the journal's last word by the kiosk's: never the
 * kiosk's clock against the gateway's, which may be an hour apart. It is
 * printed only when the screen says it would reach its own resident ({@link Tray}), never another's hands; one the printer
 * refuses is tried again, as long as its resident may still be there;</li>
 * <li>{@code PRINTING} (killed mid-print): not printed again by itself, the receipt may be on the paper;
 * closed, and a reprint stays possible on request.</li>
 * </ul>
 */
public final class Recovery {

  private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
  private static final Set<String> DEAD = Set.of("EXPIRED", "CANCELLED", "FAILED", "REFUNDED");
  /**
   * How long after its payment (or the kiosk's last word on the order) a resident may still be standing at the kiosk
   * for the receipt. A receipt found unprinted at a restart later than this is not printed to nobody.
   */
  static final Duration UNATTENDED_AFTER = Duration.ofMinutes(10);
  /** The longest a Retry-After keeps a receipt its resident may be waiting for from being asked for again. */
  static final Duration MAX_WAITING_BACKOFF = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final GatewayClient gateway;
  private final OrderJournal journal;
  private final ReceiptService receipts;
  private final long pollMillis;
  private final JournalWrites writes;
  /** The wall clock: only against the journal's times, which it wrote. */
  private final Clock clock;
  private final Ticker ticker;
  private final AtomicInteger leftUnprinted = new AtomicInteger();
  private volatile Tray tray = FREE;

  /**
   * The screen's word on whether a receipt printed in the background would reach its own resident: not while another
   * resident's session is under way, nor just after one, whose hands it would fall into.
   */
  public interface Tray {
    /**
     * Whether the receipt of {@code key} may be printed now; true keeps every new session waiting until {@link #free}.
     * {@code left}: its resident left the screen before it was found paid (not one whose session a restart cut short).
     */
    boolean take(String key, boolean left);

    void free(String key);
  }

  /** No screen (the recovery alone): every receipt may be printed at once. */
  private static final Tray FREE = new Tray() {
    @Override
    public boolean take(String key, boolean left) {
      return true;
    }

    @Override
    public void free(String key) {
    }
  };

  public Recovery(Vertx vertx, GatewayClient gateway, OrderJournal journal, ReceiptService receipts, long pollMillis,
                  Clock clock, Ticker ticker) {
    this.vertx = vertx;
    this.ticker = ticker;
    this.gateway = gateway;
    this.journal = journal;
    this.receipts = receipts;
    this.pollMillis = pollMillis;
    this.clock = clock;
    this.writes = new JournalWrites(vertx, journal);
  }

  /** Who says when a receipt printed in the background would reach its own resident (the kiosk's screen). */
  public void tray(Tray t) {
    this.tray = t;
  }

  /** How many paid orders' receipts were closed unprinted since the agent started, nobody being there to take them. */
  public int receiptsLeftUnprinted() {
    return leftUnprinted.get();
  }

  /**
   * Settles every open order, at start; completes when all are settled. A paid order's receipt is printed only if
   * its resident may still be there ({@link #UNATTENDED_AFTER}).
   */
  public Future<Void> resumeAll() {
    List<Future<Void>> all = new ArrayList<>();
    for (OrderJournal.Entry e : journal.open()) {
      LOG.info("resuming order {} at step {}", e.key(), e.step());
      all.add(switch (e.step()) {
        // the time of the kiosk's last word on it: what the resident last saw
        // one whose resident had left before the restart waits, as before it, for the kiosk to be left alone
        case ORDER, LET_GO, PAID, PRINT_FAILED -> {
          Waiting w = restarted(e.at(), e.left());
          yield loop(() -> watching(e.key(), e.orderId(), w));
        }
        default -> resume(e);
      });
    }
    return Future.join(all).mapEmpty();
  }

  /** Settles one open order from the step the journal has it at. */
  public Future<Void> resume(OrderJournal.Entry e) {
    return loop(() -> resuming(e));
  }

  /**
   * What is left to do after a try of a loop that may try for hours (a gateway down overnight), once that try's wait is
   * over; a try that ends its loop leaves null.
   */
  @FunctionalInterface
  private interface Next {
    Future<Next> run();
  }

  /**
   * Runs the tries of one order's loop one after the other. Never as a chain of futures, each completed by the next
   * try's: thousands of them held memory a try and overflowed the event loop's stack as the last one completed.
   */
  private static Future<Void> loop(Next first) {
    Promise<Void> done = Promise.promise();
    next(first, done);
    return done.future();
  }

  private static void next(Next n, Promise<Void> done) {
    Future<Next> tried;
    try {
      tried = n.run();
    } catch (RuntimeException e) {
      done.fail(e);
      return;
    }
    tried.onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
      } else if (ar.result() == null) {
        done.complete();
      } else {
        next(ar.result(), done); // after a wait (a timer): a stack of its own
      }
    });
  }

  private Future<Next> resuming(OrderJournal.Entry e) {
    return switch (e.step()) {
      case INTENT -> gateway.orderByKey(e.key()).compose(o -> cancelFound(e, o), err -> {
        if (err instanceof GatewayException g && g.status() >= 400 && g.status() < 500 && g.status() != 429) {
          return repeat(e); // no order by that key (or a gateway that cannot look one up)
        }
        return retryLater(e, err);
      });
      case ORDER -> watching(e.key(), e.orderId(), Waiting.UNKNOWN);
      case LET_GO -> watching(e.key(), e.orderId(), new Waiting(null, false, true));
      // asked again first: a payment given back since (a refund while the printer had no paper) gets no receipt
      case PAID, PRINT_FAILED -> watching(e.key(), e.orderId(), Waiting.UNKNOWN);
      case PRINTING -> {
        // as a background print that went out and was not heard after: it may be on the paper, or lost; counted (the
        // heartbeat's receiptsLeftUnprinted), so that the operator hears of it
        leftUnprinted.incrementAndGet();
        LOG.warn("order {} was being printed when the kiosk stopped: not printed again without a request; counted as left"
            + " unprinted", e.key());
        yield close(e.key(), "print interrupted; reprint on request");
      }
      case PRINTED, CLOSED -> {
        yield close(e.key(), "printed");
      }
    };
  }

  /** The request of an {@code INTENT} sent again with its key: the order it makes or finds is cancelled if unpaid. */
  private Future<Next> repeat(OrderJournal.Entry e) {
    return gateway.createOrder(e.key(), e.request()).compose(o -> cancelFound(e, o), err -> {
      if (err instanceof GatewayException g && g.notCarriedOut() && g.status() < 500) {
        return close(e.key(), "never created: " + g.status());
      }
      return retryLater(e, err);
    });
  }

  private Future<Next> cancelFound(OrderJournal.Entry e, JsonObject o) {
    String id = o.getString("id");
    return write(() -> journal.order(e.key(), id)).compose(v -> settle(e.key(), id, o, true, Waiting.UNKNOWN));
  }

  /**
   * Until when a resident may be waiting at the kiosk for an order's receipt, in {@link Ticker} nanoseconds ({@code
   * ends}; null: not known, counted from when it is found paid), and whether the order was found open at a restart,
   * where the payment's own time may say a later end.
   */
  private record Waiting(Long ends, boolean restarted, boolean left) {
    static final Waiting UNKNOWN = new Waiting(null, false, false);
  }

  /**
   * An order found open at a restart, the journal's last word on it written at {@code lastWord} by this kiosk's clock:
   * the time since is read on the same clock (a clock set back since reads as nothing known).
   */
  private Waiting restarted(Instant lastWord, boolean left) {
    Duration ago = lastWord == null ? null : Duration.between(lastWord, clock.instant());
    return new Waiting(ago == null || ago.isNegative() ? null
        : ago.compareTo(UNATTENDED_AFTER) >= 0 ? ticker.nanos() - 1 : ticker.nanos() + UNATTENDED_AFTER.minus(ago).toNanos(),
        true, left);
  }

  /** Polls an order whose QR code may be in a resident's hands until it is paid (then prints) or dead. */
  public Future<Void> watch(String key, String orderId) {
    return loop(() -> watching(key, orderId, Waiting.UNKNOWN));
  }

  /**
   * As {@link #watch(String, String)}, for an order the screen let go of at {@code at} ({@link Ticker} nanoseconds), its
   * resident told the receipt would print by itself: paid, its receipt is printed only while that resident may still be
   * there ({@link #UNATTENDED_AFTER} from then by the {@link Ticker}, whatever the clocks say): a gateway back hours later
   * does not print it for the next person to pick up, it is left unprinted and counted.
   */
  public Future<Void> letGo(String key, String orderId, long at) {
    Waiting w = new Waiting(at + UNATTENDED_AFTER.toNanos(), false, true);
    return loop(() -> watching(key, orderId, w));
  }

  private Future<Next> watching(String key, String orderId, Waiting waiting) {
    return gateway.order(orderId).compose(o -> settle(key, orderId, o, false, waiting), err -> {
      if (err instanceof GatewayException g && g.status() == 404) {
        return close(key, "unknown to the gateway");
      }
      return after(delay(err, waiting.ends()), () -> watching(key, orderId, waiting));
    });
  }

  private Future<Next> settle(String key, String id, JsonObject o, boolean cancelIfPaying, Waiting waiting) {
    String state = state(o);
    if ("PAID".equals(state)) {
      long now = ticker.nanos();
      long ends = ends(waiting, o, now);
      if (now - ends > 0) {
        return leaveUnprinted(key, UNATTENDED_AFTER.plusNanos(now - ends), "paid long before it was found paid");
      }
      return write(() -> journal.step(key, OrderJournal.Step.PAID)).compose(v -> print(key, id, ends, waiting.left(), false, false));
    }
    if (dead(state)) {
      return close(key, state);
    }
    if (cancelIfPaying) {
      return gateway.cancel(id).compose(c -> close(key, "cancelled on restart"),
          err -> Future.succeededFuture(() -> watching(key, id, Waiting.UNKNOWN)));
    }
    return after(delay(null, waiting.ends()), () -> watching(key, id, waiting));
  }

  /**
   * Until when the resident of an order found paid may be waiting for its receipt ({@link Ticker} nanoseconds): as the
   * screen let it go, or, at a restart, the later of the journal's last word and the payment, this by the gateway's
   * paidAt against the gateway's time (its answers' Date), never against this kiosk's clock. Nothing known: from now.
   */
  private long ends(Waiting waiting, JsonObject o, long now) {
    Long ends = waiting.ends();
    Instant paid = waiting.restarted() ? paidAt(o) : null;
    if (paid != null) {
      Duration ago = Duration.between(paid, gateway.now());
      // paid longer ago than a resident waits (a date a gateway sends as "none", years back): already past, in nanoseconds
      // that cannot overflow
      long byPayment = ago.compareTo(UNATTENDED_AFTER) >= 0 ? now - 1
          : now + UNATTENDED_AFTER.minus(ago.isNegative() ? Duration.ZERO : ago).toNanos();
      ends = ends == null || byPayment - ends > 0 ? byPayment : ends;
    }
    return ends != null ? ends : now + UNATTENDED_AFTER.toNanos();
  }

  private static Instant paidAt(JsonObject o) {
    try {
      return o.getValue("paidAt") instanceof String s ? OffsetDateTime.parse(s).toInstant() : null;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * A paid order whose resident has long gone: its receipt is not printed for the next person to pick up. Closed as
   * left unprinted, counted for the heartbeat, and logged by its key alone (the receipt stays at the gateway).
   */
  private Future<Next> leaveUnprinted(String key, Duration ago, String why) {
    leftUnprinted.incrementAndGet();
    LOG.warn("order {}: paid, its receipt not printed, last seen {} min ago: not printed now, nobody being there to"
        + " take it ({}); closed as left unprinted", key, ago.toMinutes(), why);
    return close(key, "receipt left unprinted: " + why);
  }

  /**
   * A paid order whose receipt did not come out (or may have been cut off), whose resident has left the screen without a
   * reprint: closed now rather than at the next start, and counted for the heartbeat, so the operator hears of it the
   * same day. Its receipt stays at the gateway, to be reprinted by the village collector.
   */
  public Future<Void> leftUnprinted(String key) {
    leftUnprinted.incrementAndGet();
    LOG.warn("order {}: paid, its receipt not printed, and its resident left the screen: closed as left unprinted", key);
    return close(key, "receipt left unprinted: the resident left the screen").mapEmpty();
  }

  /** The order's state, or null where the answer names none (an empty body, a value that is not text). */
  static String state(JsonObject order) {
    return order.getValue("state") instanceof String s ? s : null;
  }

  /** A state the order never leaves: nothing more is taken for it. Unknown or missing is not dead: ask again. */
  static boolean dead(String state) {
    return state != null && DEAD.contains(state);
  }

  /**
   * Prints the receipt of a paid order no screen shows, once the screen says it would reach its own resident; one the printer
   * refused (no paper) is tried again. Both wait at most until {@code ends} ({@link Ticker} nanoseconds): then the
   * receipt is left unprinted and counted, as the screen does when its resident leaves a failed print. One that may be on
   * the paper (the line failed after the job went out) is not printed again without a request: closed, and counted.
   */
  private Future<Next> print(String key, String orderId, long ends, boolean left, boolean saidWaiting, boolean saidFailed) {
    long late = ticker.nanos() - ends;
    if (late > 0) {
      return leaveUnprinted(key, UNATTENDED_AFTER.plusNanos(late),
          "the kiosk could not print it while its resident may have waited");
    }
    if (!tray.take(key, left)) {
      if (!saidWaiting) {
        LOG.info("order {}: paid; its receipt is printed once the kiosk has been left alone a while", key);
      }
      return after(delay(null, ends), () -> print(key, orderId, ends, left, true, saidFailed));
    }
    return receipts.print(key, orderId).transform(ar -> {
      tray.free(key);
      if (ar.succeeded()) {
        LOG.info("order {}: receipt printed", key);
        return Future.succeededFuture((Next) null);
      }
      if (ar.cause() instanceof cn.liangxian.kiosk.device.printer.PrintException p && p.mayHavePrinted()) {
        leftUnprinted.incrementAndGet();
        LOG.warn("order {}: receipt sent, the printer not heard after it ({}): it may be on the paper, not printed again"
            + " without a request; counted as left unprinted", key, p.getMessage());
        return close(key, "print interrupted; reprint on request");
      }
      if (!saidFailed) {
        LOG.warn("receipt of order {} not printed: {}; tried again until it is", key, ar.cause().getMessage());
      }
      return after(delay(ar.cause(), ends), () -> print(key, orderId, ends, left, saidWaiting, true));
    });
  }

  private Future<Next> retryLater(OrderJournal.Entry e, Throwable err) {
    return after(delay(err, null), () -> resuming(e));
  }

  /** {@code next}, left for the loop to run once {@code wait} is over. */
  private static Future<Next> after(Future<Void> wait, Next next) {
    return wait.map(v -> next);
  }

  /**
   * The poll interval, or as long as a busy gateway asked (Retry-After), spread by up to a fifth so that kiosks
   * turned away together do not come back together. While a resident may be waiting for the receipt (until {@code
   * waitEnds}, {@link Ticker} nanoseconds; null: nobody known to wait), at most {@link #MAX_WAITING_BACKOFF} and never
   * past that end: a gateway asking for an hour would otherwise have the receipt given up unasked.
   */
  private Future<Void> delay(Throwable err, Long waitEnds) {
    long millis = pollMillis;
    if (err instanceof GatewayException g && g.retryAfterSeconds() > 0) {
      long asked = g.retryAfterSeconds() * 1000L;
      millis = Math.max(millis, asked + java.util.concurrent.ThreadLocalRandom.current().nextLong(asked / 5 + 1));
    }
    long left = waitEnds == null ? 0 : Duration.ofNanos(waitEnds - ticker.nanos()).toMillis();
    if (left > 0) {
      millis = Math.min(millis, Math.min(MAX_WAITING_BACKOFF.toMillis(), left));
    }
    Promise<Void> p = Promise.promise();
    vertx.setTimer(Math.max(1, millis), t -> p.complete());
    return p.future();
  }

  /** Closes the order in the journal: the end of its loop, whether or not the disk took the record. */
  private Future<Next> close(String key, String why) {
    return write(() -> journal.closed(key, why)).<Next>map(v -> null).recover(x -> {
      LOG.error("journal write failed: {}", x.toString());
      return Future.succeededFuture();
    });
  }

  private Future<Void> write(JournalWrites.JournalWrite w) {
    return writes.write(w);
  }
}
