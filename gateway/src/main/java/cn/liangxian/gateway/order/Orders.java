package cn.liangxian.gateway.order;

import cn.liangxian.gateway.channel.Channels;
import cn.liangxian.gateway.channel.PaymentChannel;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.lookup.Household;
import cn.liangxian.gateway.lookup.HouseholdStore;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.http.Caller;
import cn.liangxian.policy.Insurance;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creating an order (idempotent, amounts recomputed, items reserved, then prepaid at the channel) and
 * reading it. Cancelling closes the trade at the channel first: see {@code recovery.Cancellation}.
 */
public final class Orders {
  private static final Logger LOG = LoggerFactory.getLogger(Orders.class);

  /** The answer to a create: the order, and whether this call made it (201) or found it (200). */
  public record Created(JsonObject order, boolean fresh) {}

  /** Seconds a repeat is told to wait while the first call with its key is still at the channel. */
  public static final int PREPARING_RETRY_SECONDS = 1;

  /**
   * How long an order may wait for its channel's answer before it is given up as stranded: far longer than a call to
   * a channel lasts here (a channel silent for 15 s, connecting or answering, fails it), so an order older than this
   * with nothing to pay with was left by an instance that stopped while making it. Its items are freed and its key
   * may be used again; the trade the channel may have opened for it was never shown to anyone and lapses at the
   * time it was given.
   */
  public static final Duration PREPARE_AT_MOST = Duration.ofMinutes(2);
  /**
   * How long before the order's end its code stops taking payment at the channel (WeChat Pay's and Alipay's
   * {@code time_expire}, UnionPay's {@code payTimeout}): the channel stops by its own clock and the order ends by ours, so
   * a code nobody scanned (whose items are freed at the order's end) is never paid after that, clocks a little apart.
   */
  static final Duration CODE_ENDS_BEFORE = Duration.ofSeconds(30);

  private final OrderStore store;
  private final HouseholdStore households;
  private final Regions regions;
  private final Channels channels;
  private final Clock clock;
  private final Duration expiry;
  /** The least time an order is given to be scanned and paid in; the channels take no shorter one either. */
  static final Duration LEAST_TIME_TO_PAY = Duration.ofMinutes(3);
  private final OrderMetrics metrics;

  public Orders(OrderStore store, HouseholdStore households, Regions regions, Channels channels, Clock clock,
      Duration expiry, OrderMetrics metrics) {
    this.store = store;
    this.households = households;
    this.regions = regions;
    this.channels = channels;
    this.clock = clock;
    this.expiry = expiry;
    this.metrics = metrics;
  }

  public Set<String> channelNames() {
    return channels.byName().keySet();
  }

  /** How the caller has the order's call to its channel made: {@code call} itself, made and perhaps timed. */
  public interface ChannelCall {
    Future<JsonObject> make(Supplier<Future<JsonObject>> call);
  }

  /**
   * An order for {@code caller}, who alone may see or cancel it. A mini-program order ({@code mode mini})
   * is paid by the logged-in resident, in the channel they logged in with.
   */
  public Future<Created> create(Caller caller, String idempotencyKey, OrderRequest req, ChannelCall channelCall) {
    String payer = null;
    if (req.mode().equals("mini")) {
      if (caller.kind() != Caller.Kind.RESIDENT || !caller.channel().equals(req.channel())) {
        return Future.failedFuture(Problem.invalidField("mode", "mode \"mini\" pays in the mini-program the resident logged in"
            + " with: log in with /api/v1/session/" + req.channel() + " first (a kiosk orders with mode \"qr\")"));
      }
      payer = caller.subject();
    }
    return create(caller.id(), idempotencyKey, req, payer, channelCall);
  }

  private Future<Created> create(String clientId, String idempotencyKey, OrderRequest req, String payer, ChannelCall channelCall) {
    return create(clientId, idempotencyKey, req, payer, channelCall, true);
  }

  private Future<Created> create(String clientId, String idempotencyKey, OrderRequest req, String payer, ChannelCall channelCall,
      boolean mayRedo) {
    // once given up, the key is free again: the same request makes a new order (once; a race gets the conflict)
    Supplier<Future<Created>> again = mayRedo ? () -> create(clientId, idempotencyKey, req, payer, channelCall, false) : null;
    return store.existing(clientId, idempotencyKey, req.hash()).compose(found -> {
      if (found != null) {
        return found(found, again);
      }
      return households.byRef(store.pool(), req.householdRef()).compose(h -> {
        if (h.isEmpty()) {
          return Future.failedFuture(Problem.notFound("household-not-found", "No such household",
              "householdRef does not name a household; look the household up again"));
        }
        return create(clientId, idempotencyKey, req, h.get(), payer, channelCall, again);
      });
    });
  }

  /**
   * When the order must be paid by: its time, or the end of the day it was assessed on where the next day assesses it
   * otherwise (the collection window's last day, a late phase beginning, a book taking effect). A payment after that
   * midnight would be taken at the day before's amounts and cover, and the channel is told the order's end. Too little
   * of the day left to pay in: 409, to order again after midnight.
   */
  private OffsetDateTime expiresAt(Household h, Regions.Entry region, OrderRequest req, LocalDate payDate,
      List<OrderDraft.Line> lines, OffsetDateTime now) {
    OffsetDateTime full = now.plus(expiry);
    OffsetDateTime midnight = payDate.plusDays(1).atStartOfDay(Regions.CHINA).toOffsetDateTime().withOffsetSameInstant(ZoneOffset.UTC);
    if (region.pinnedPayDate() != null || !full.isAfter(midnight)) {
      return full;
    }
    boolean same;
    try {
      same = sameTerms(lines, new OrderDraft(h, region, payDate.plusDays(1), now).lines(req));
    } catch (RuntimeException refusedTomorrow) {
      same = false;
    }
    if (same) {
      return full;
    }
    if (Duration.between(now, midnight).compareTo(LEAST_TIME_TO_PAY) < 0) {
      throw Problem.conflict("pay-day-ending", "The pay day is ending", "what this order pays, or the cover it gives, changes at"
          + " midnight, Beijing time, and too little of today is left to pay it in; order again after midnight", null);
    }
    return midnight;
  }

  /**
   * Whether a payment tomorrow would be taken on today's terms: the same amounts and the same cover, but for a cover that
   * begins a day later where it waits a number of days from the payment (every night of a late phase); the clauses cited
   * may differ (a book taking effect that re-cites the same amounts).
   */
  static boolean sameTerms(List<OrderDraft.Line> today, List<OrderDraft.Line> tomorrow) {
    if (today.size() != tomorrow.size()) {
      return false;
    }
    for (int i = 0; i < today.size(); i++) {
      OrderDraft.Line a = today.get(i);
      OrderDraft.Line b = tomorrow.get(i);
      cn.liangxian.policy.Assessment x = a.assessment();
      cn.liangxian.policy.Assessment y = b.assessment();
      boolean startsAsToday = java.util.Objects.equals(x.coverageStart(), y.coverageStart())
          || x.coverageStart() != null && x.coverageStart().plusDays(1).equals(y.coverageStart());
      if (a.member().id() != b.member().id() || a.insurance() != b.insurance() || a.year() != b.year()
          || !java.util.Objects.equals(a.tier(), b.tier()) || x.eligible() != y.eligible() || x.personalFen() != y.personalFen()
          || x.governmentFen() != y.governmentFen() || x.subsidyFen() != y.subsidyFen() || x.laterSubsidyFen() != y.laterSubsidyFen()
          || x.totalFen() != y.totalFen() || !startsAsToday || !java.util.Objects.equals(x.coverageEnd(), y.coverageEnd())) {
        return false;
      }
    }
    return true;
  }

  private Future<Created> create(String clientId, String key, OrderRequest req, Household h, String payer, ChannelCall channelCall,
      Supplier<Future<Created>> again) {
    Regions.Entry region = regions.served(h.regionCode());
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    LocalDate payDate = regions.payDate(region);
    List<OrderDraft.Line> lines = new OrderDraft(h, region, payDate, now).lines(req);
    long total = lines.stream().mapToLong(l -> l.assessment().personalFen()).sum();
    OffsetDateTime expires = expiresAt(h, region, req, payDate, lines, now);
    // paid into the merchant of the region's collecting body (or the channel's default merchant)
    OrderDraft.Order order = new OrderDraft.Order(UUID.randomUUID(), clientId, key, req.hash(), h.id(), region.code(),
        req.channel(), req.mode(), lines, total, now, expires, channels.forRegion(req.channel(), region.code()).merchant());
    return store.reserve(order).recover(e -> {
      if (e instanceof OrderStore.TakenElsewhere) {
        metrics.conflict();
        return Future.failedFuture(Problem.conflict("being-paid-elsewhere", "Being paid elsewhere",
            "a member of this order is being paid in another order (perhaps on a phone); wait for it to finish or expire", null));
      }
      return Future.failedFuture(e);
    }).compose(reserved -> {
      if (reserved == OrderStore.Reserved.KEY_TAKEN) {
        // a concurrent call with the same key won: answer with its order (or, should it have been given up since and its
        // key freed, make the order again, as a repeat would)
        return store.existing(clientId, key, req.hash()).compose(id -> id != null ? found(id, again)
            : again != null ? again.get() : Future.failedFuture(beingPrepared()));
      }
      metrics.created(req.channel(), region.code());
      return prepay(order, payer, channelCall).map(o -> new Created(o, true));
    });
  }

  /**
   * The order an earlier call with the same key made. While that call is still at the channel the order has nothing to
   * pay with yet (no QR code, no mini-program parameters): the repeat is told to come back, not shown an order it cannot pay.
   * An order waiting longer than {@link #PREPARE_AT_MOST} was stranded by an instance that stopped: it is given up and
   * {@code redo} (when not null) makes the order again, so that the resident's repeat is not turned away until it expires.
   */
  private Future<Created> found(UUID id, Supplier<Future<Created>> redo) {
    return found(id, redo, redo != null);
  }

  private Future<Created> found(UUID id, Supplier<Future<Created>> redo, boolean mayGiveUp) {
    return get(id).compose(o -> {
      if (redo != null && "FAILED".equals(o.getString("state"))) {
        // given up after the key was read (the sweep found it stranded, or its channel call failed), its key freed
        // with it: the repeat makes the order again, as it would have a moment later
        return redo.get();
      }
      if (!"PAYING".equals(o.getString("state")) || o.getJsonObject("payment") != null) {
        return Future.succeededFuture(new Created(o, false));
      }
      if (mayGiveUp) {
        // given up only if it is still without its payment and older than PREPARE_AT_MOST (the statement's own test);
        // otherwise read again: its payment may have come meanwhile, the sweep may have given it up first, or the
        // first call is still at the channel
        return store.failStranded(id, OffsetDateTime.now(clock).minus(PREPARE_AT_MOST)).compose(failed -> {
          if (!failed) {
            return found(id, redo, false);
          }
          metrics.stranded(id, o.getString("channel"), true);
          return redo.get();
        });
      }
      return Future.failedFuture(beingPrepared());
    });
  }

  /**
   * What the payer's app lists the payment as, e.g. 城乡居民医保、养老 2020年、2021年 3项: Chinese punctuation only, since
   * Alipay's subject may hold none of its special characters (/ = &, among others).
   */
  static String description(java.util.List<OrderDraft.Line> lines) {
    String years = lines.stream().map(l -> l.year() + "年").distinct().collect(Collectors.joining("、"));
    return "城乡居民" + lines.stream().map(l -> l.insurance() == Insurance.MEDICAL ? "医保" : "养老").distinct()
        .collect(Collectors.joining("、")) + " " + years + " " + lines.size() + "项";
  }

  private static Problem beingPrepared() {
    return Problem.conflict("order-being-prepared", "Order being prepared", "the first request with this"
        + " Idempotency-Key is still waiting for the channel; send it again in a moment for the order with its payment", null);
  }

  private Future<JsonObject> prepay(OrderDraft.Order o, String payerId, ChannelCall channelCall) {
    return channelCall.make(() -> channels.of(o.channel(), o.merchant()).prepay(new PaymentChannel.Prepay(OutTradeNo.of(o.id()),
            o.totalFen(), description(o.lines()), o.mode(), payerId, o.expiresAt().minus(CODE_ENDS_BEFORE))))
        .recover(e -> {
          LOG.warn("prepay for order {} failed at {}: {}", o.id(), o.channel(), e.getMessage());
          // nothing was charged: give the items back and let the same key try again
          return store.failPrepay(o.id()).compose(x -> Future.failedFuture(new Problem(503, "channel-unavailable",
              "Payment channel unavailable", o.channel() + " did not answer; nothing was charged, please try again")));
        })
        // the channel created the payment request (its QR code or pay sheet). From here on a failure is the database's
        // (failing over): whether it was recorded is not known, and a repeat with the key may already have handed out its code, so the order is neither
        // failed nor its key freed. The repeat finds it (with its payment, or given up as stranded once PREPARE_AT_MOST has
        // passed, and made anew); a kiosk's recovery cancels it by its key
        .compose(payment -> store.recordPrepay(o.id(), payment)
            .recover(e -> Future.failedFuture(notConfirmed(o, e)))
            .compose(recorded -> recorded ? get(o.id()).recover(e -> get(o.id())).recover(e -> Future.failedFuture(notConfirmed(o, e)))
                // given up while the channel took its time ({@link #PREPARE_AT_MOST}): the same key now makes a new order
                : Future.failedFuture(new Problem(503, "channel-unavailable", "Payment channel unavailable",
                    o.channel() + " answered too late; nothing was charged, please try again"))));
  }

  /** The channel created the order's payment request, and it could not be recorded or read back here: the order stays. */
  private static Problem notConfirmed(OrderDraft.Order o, Throwable e) {
    LOG.warn("order {}: {} created its payment request, but it could not be recorded or read back here: {}; the order is left for the"
        + " repeat with its key, or the sweep", o.id(), o.channel(), e.toString());
    return new Problem(503, "order-not-confirmed", "Order not confirmed", "the payment request was created at " + o.channel()
        + " but could not be recorded here now; send the same request with the same Idempotency-Key again in a moment");
  }

  public Future<JsonObject> get(UUID id) {
    return store.get(id);
  }

  /** The order, to the caller who created it; 404 for anyone else. */
  public Future<JsonObject> get(UUID id, String owner) {
    return store.get(id, owner);
  }

  /**
   * The order the caller's request with this Idempotency-Key made, without making one: how a kiosk that stopped
   * while it asked finds what became of its request. 404 when the key made no order (or was freed since, with the
   * order given up), the same as for another caller's key.
   */
  public Future<JsonObject> byKey(String owner, String idempotencyKey) {
    return store.byKey(owner, idempotencyKey).compose(id -> id == null
        ? Future.failedFuture(Problem.notFound("order-not-found", "No such order", "no order of yours was made with this Idempotency-Key"))
        : get(id, owner));
  }

  /** Only the order's state, to the caller who created it; 404 for anyone else. */
  public Future<String> state(UUID id, String owner) {
    return store.state(id, owner);
  }
}
