package cn.liangxian.gateway.order;

import cn.liangxian.gateway.channel.PaymentChannel;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.lookup.Household;
import cn.liangxian.gateway.lookup.HouseholdAssessor;
import cn.liangxian.gateway.lookup.HouseholdStore;
import cn.liangxian.gateway.lookup.HouseholdView;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.privacy.Masking;
import cn.liangxian.policy.Assessment;
import cn.liangxian.policy.AssessmentException;
import cn.liangxian.policy.Insurance;
import cn.liangxian.policy.InsuranceTerms;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order lifecycle: create (idempotent, amounts recomputed, items reserved, whole-family rule),
 * prepay at the channel, paid exactly once, expired or cancelled with the items released, receipt.
 * Every state change is a conditional {@code UPDATE ... WHERE state = expected}.
 */
public final class OrderService {
  private static final Logger LOG = LoggerFactory.getLogger(OrderService.class);

  /** The answer to a create: the order, and whether this call made it (201) or found it (200). */
  public record Created(JsonObject order, boolean fresh) {}

  /** What a verified payment did to its order. */
  public enum PaymentOutcome { PAID, DUPLICATE, UNKNOWN_ORDER, AMOUNT_MISMATCH, REFUND_DUE }

  private final Pool pool;
  private final HouseholdStore store;
  private final Regions regions;
  private final Map<String, PaymentChannel> channels;
  private final Clock clock;
  private final Duration expiry;
  private final OrderMetrics metrics;

  public OrderService(Pool pool, HouseholdStore store, Regions regions, Map<String, PaymentChannel> channels, Clock clock,
      Duration expiry, OrderMetrics metrics) {
    this.pool = pool;
    this.store = store;
    this.regions = regions;
    this.channels = channels;
    this.clock = clock;
    this.expiry = expiry;
    this.metrics = metrics;
  }

  public Set<String> channelNames() {
    return channels.keySet();
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }

  // ------------------------------------------------------------------ create

  public Future<Created> create(String clientId, String idempotencyKey, OrderRequest req) {
    return existing(clientId, idempotencyKey, req.hash()).compose(found -> {
      if (found != null) {
        return get(found).map(o -> new Created(o, false));
      }
      return store.byRef(pool, req.householdRef()).compose(h -> {
        if (h.isEmpty()) {
          return Future.failedFuture(Problem.notFound("household-not-found", "No such household",
              "householdRef does not name a household; look the household up again"));
        }
        return create(clientId, idempotencyKey, req, h.get());
      });
    });
  }

  /** The order an earlier call with this key made; 422 when the key came with another body. */
  private Future<UUID> existing(String clientId, String key, byte[] hash) {
    return pool.preparedQuery("select request_hash, order_id from idempotency_key where client_id = $1 and key = $2")
        .execute(Tuple.of(clientId, key)).map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row r = rows.iterator().next();
          if (!Arrays.equals(r.getBuffer("request_hash").getBytes(), hash)) {
            throw Problem.unprocessable("idempotency-key-reused", "Idempotency-Key reused",
                "this Idempotency-Key was used for a different request; use a new key for a new order", null);
          }
          return r.getUUID("order_id");
        });
  }

  private record Line(Household.Member member, Insurance insurance, int year, Integer tier, Assessment assessment) {}

  private Future<Created> create(String clientId, String key, OrderRequest req, Household h) {
    Regions.Entry region = regions.get(h.regionCode()).orElseThrow();
    LocalDate payDate = regions.payDate(region);
    OffsetDateTime now = now();
    List<HouseholdAssessor.Item> status = HouseholdAssessor.assess(h, region, payDate, now);
    List<Line> lines = new ArrayList<>();
    for (OrderRequest.Item it : req.items()) {
      Household.Member m = h.member(it.memberRef());
      if (m == null) {
        throw Problem.unprocessable("unknown-member", "Unknown member", "memberRef " + it.memberRef()
            + " is not a member of this household", new JsonObject().put("memberRef", it.memberRef().toString()));
      }
      InsuranceTerms terms = region.book().terms(it.insurance()).orElseThrow(() -> Problem.unprocessable("not-offered",
          "Insurance not offered", it.insurance().code() + " is not collected in this region", null));
      if (it.year() != terms.benefitYear()) {
        throw Problem.unprocessable("wrong-year", "Wrong year", "collection here is for " + terms.benefitYear()
            + ", not " + it.year(), new JsonObject().put("memberRef", m.ref().toString()));
      }
      HouseholdAssessor.Item st = status.stream().filter(s -> s.member() == m && s.insurance() == it.insurance()).findFirst()
          .orElseThrow();
      JsonObject who = new JsonObject().put("memberRef", m.ref().toString()).put("insurance", it.insurance().code());
      switch (st.status()) {
        case PAID -> throw Problem.conflict("already-paid", "Already paid", Masking.name(m.name()) + "'s "
            + it.insurance().code() + " " + it.year() + " is already paid", who);
        case IN_PROGRESS -> throw Problem.conflict("being-paid-elsewhere", "Being paid elsewhere", Masking.name(m.name())
            + "'s " + it.insurance().code() + " is being paid in another order; wait for it to finish or expire", who);
        case NOT_ELIGIBLE, NOT_AVAILABLE -> throw Problem.unprocessable("not-payable", "Cannot be paid",
            st.reason(), who);
        case PAID_BY_GOVERNMENT -> {
          if (it.insurance() == Insurance.MEDICAL) {
            throw Problem.unprocessable("paid-by-government", "Nothing to pay",
                "the government pays " + Masking.name(m.name()) + "'s contribution", who);
          }
        }
        default -> { }
      }
      Assessment a;
      try {
        a = HouseholdAssessor.assessOne(m, it.insurance(), region, payDate, it.insurance() == Insurance.PENSION ? it.tier() : null);
      } catch (AssessmentException e) {
        throw Problem.unprocessable("not-payable", "Cannot be paid", e.getMessage(), who);
      }
      if (!a.eligible() || a.personalFen() == 0) {
        throw Problem.unprocessable("not-payable", "Cannot be paid", a.eligible() ? "nothing to pay at this tier" : a.reason(), who);
      }
      lines.add(new Line(m, it.insurance(), it.year(), it.insurance() == Insurance.PENSION ? it.tier() : null, a));
    }
    // the whole-family rule: everyone who still has to pay must be in the order (000 五2, 003 三(二))
    for (Insurance ins : Insurance.values()) {
      InsuranceTerms t = region.book().terms(ins).orElse(null);
      boolean ordered = lines.stream().anyMatch(l -> l.insurance() == ins);
      if (t == null || !t.wholeFamilyRequired() || !ordered) {
        continue;
      }
      List<String> missing = status.stream().filter(s -> s.insurance() == ins
              && (s.status() == HouseholdAssessor.Status.UNPAID || s.status() == HouseholdAssessor.Status.IN_PROGRESS))
          .filter(s -> lines.stream().noneMatch(l -> l.member() == s.member() && l.insurance() == ins))
          .map(s -> s.member().ref().toString()).toList();
      if (!missing.isEmpty()) {
        throw Problem.unprocessable("whole-family", "The whole family must enrol",
            ins.code() + " here is paid for the whole household (" + t.wholeFamilySource().orElse("") + "): add every member"
                + " who has not paid yet", new JsonObject().put("missingMemberRefs", new JsonArray(missing)));
      }
    }
    long total = lines.stream().mapToLong(l -> l.assessment().personalFen()).sum();
    UUID id = UUID.randomUUID();
    OffsetDateTime expires = now.plus(expiry);
    return pool.withTransaction(conn -> reserve(conn, clientId, key, req, h, region, lines, id, total, now, expires))
        .compose(fresh -> {
          if (!fresh) {
            // a concurrent call with the same key won: answer with its order
            return existing(clientId, key, req.hash()).compose(this::get).map(o -> new Created(o, false));
          }
          metrics.created(req.channel(), region.code());
          return prepay(id, req, total, lines, expires).map(o -> new Created(o, true));
        });
  }

  /** In one transaction: the idempotency key, the order, its items and their reservations. */
  private Future<Boolean> reserve(SqlConnection conn, String clientId, String key, OrderRequest req, Household h,
      Regions.Entry region, List<Line> lines, UUID id, long total, OffsetDateTime now, OffsetDateTime expires) {
    Long[] persons = lines.stream().map(l -> l.member().id()).toArray(Long[]::new);
    String[] insurances = lines.stream().map(l -> l.insurance().code()).toArray(String[]::new);
    Integer[] years = lines.stream().map(Line::year).toArray(Integer[]::new);
    return conn.preparedQuery("insert into idempotency_key (client_id, key, request_hash, order_id) values ($1, $2, $3, $4)"
            + " on conflict do nothing returning order_id")
        .execute(Tuple.of(clientId, key, Buffer.buffer(req.hash()), id))
        .compose(idem -> {
          if (idem.size() == 0) {
            return Future.succeededFuture(false);
          }
          return conn.preparedQuery("insert into orders (id, household_id, region_code, channel, mode, state, total_fen, client_id,"
                  + " created_at, expires_at) values ($1, $2, $3, $4, $5, 'PAYING', $6, $7, $8, $9)")
              .execute(Tuple.of(id, h.id(), region.code(), req.channel(), req.mode(), total, clientId, now, expires))
              .compose(x -> conn.preparedQuery("insert into order_item (order_id, person_id, insurance, year, tier_yuan, personal_fen,"
                      + " government_fen, subsidy_fen, later_fen, total_fen, rules) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
                  .executeBatch(lines.stream().map(l -> Tuple.tuple().addValue(id).addValue(l.member().id())
                      .addValue(l.insurance().code()).addValue(l.year()).addValue(l.tier())
                      .addValue(l.assessment().personalFen()).addValue(l.assessment().governmentFen())
                      .addValue(l.assessment().subsidyFen()).addValue(l.assessment().laterSubsidyFen())
                      .addValue(l.assessment().totalFen()).addValue(HouseholdView.rules(l.assessment().rules())))
                      .collect(Collectors.toList())))
              .compose(x -> conn.preparedQuery("insert into reservation (person_id, insurance, year, order_id, held_until)"
                      + " select p, ins, y, $4, $5 from unnest($1::bigint[], $2::text[], $3::int[]) as i(p, ins, y)"
                      + " on conflict do nothing returning person_id")
                  .execute(Tuple.of(persons, insurances, years, id, expires)))
              .compose(reserved -> {
                if (reserved.size() != lines.size()) {
                  metrics.conflict();
                  return Future.failedFuture(Problem.conflict("being-paid-elsewhere", "Being paid elsewhere",
                      "a member of this order is being paid in another order (perhaps on a phone); wait for it to finish or expire",
                      null));
                }
                return Future.succeededFuture(true);
              });
        });
  }

  private Future<JsonObject> prepay(UUID id, OrderRequest req, long total, List<Line> lines, OffsetDateTime expires) {
    PaymentChannel channel = channels.get(req.channel());
    String years = lines.stream().map(l -> Integer.toString(l.year())).distinct().collect(Collectors.joining("/"));
    String description = "城乡居民" + lines.stream().map(l -> l.insurance() == Insurance.MEDICAL ? "医保" : "养老").distinct()
        .collect(Collectors.joining("、")) + " " + years + " " + lines.size() + "项";
    return channel.prepay(new PaymentChannel.Prepay(outTradeNo(id), total, description, req.mode(), req.payerId(), expires))
        .compose(payment -> pool.preparedQuery("update orders set payment = $2 where id = $1 and state = 'PAYING'")
            .execute(Tuple.of(id, payment)).compose(x -> get(id)))
        .recover(e -> {
          LOG.warn("prepay for order {} failed at {}: {}", id, req.channel(), e.getMessage());
          // nothing was charged: give the items back and let the same key try again
          return pool.withTransaction(conn -> conn.preparedQuery("update orders set state = 'FAILED', state_reason = 'channel unavailable'"
                  + " where id = $1 and state = 'PAYING'").execute(Tuple.of(id))
              .compose(x -> conn.preparedQuery("delete from reservation where order_id = $1 and not paid").execute(Tuple.of(id)))
              .compose(x -> conn.preparedQuery("delete from idempotency_key where order_id = $1").execute(Tuple.of(id))))
              .compose(x -> Future.failedFuture(new Problem(503, "channel-unavailable", "Payment channel unavailable",
                  req.channel() + " did not answer; nothing was charged, please try again")));
        });
  }

  public static String outTradeNo(UUID id) {
    return id.toString().replace("-", "");
  }

  public static UUID orderId(String outTradeNo) {
    if (outTradeNo == null || outTradeNo.length() != 32) {
      return null;
    }
    try {
      return UUID.fromString(outTradeNo.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5"));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  // ------------------------------------------------------------------ read, cancel, receipt

  private static final String ORDER = "select o.*, (select json_agg(json_build_object('memberRef', p.ref, 'name', p.name,"
      + " 'idMasked', p.id_masked, 'insurance', i.insurance, 'year', i.year, 'tier', i.tier_yuan, 'personalFen', i.personal_fen,"
      + " 'governmentFen', i.government_fen, 'subsidyFen', i.subsidy_fen, 'laterSubsidyFen', i.later_fen, 'totalFen', i.total_fen,"
      + " 'rules', i.rules) order by p.birth_date, p.id, i.insurance) from order_item i join person p on p.id = i.person_id"
      + " where i.order_id = o.id) as items, (select json_agg(json_build_object('outRefundNo', f.out_refund_no, 'amountFen', f.amount_fen,"
      + " 'reason', f.reason, 'state', f.state) order by f.id) from refund f where f.order_id = o.id) as refunds,"
      + " r.name as region_name from orders o join region r on r.code = o.region_code where o.id = $1";

  public Future<JsonObject> get(UUID id) {
    return pool.preparedQuery(ORDER).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        throw Problem.notFound("order-not-found", "No such order", "no order " + id);
      }
      return view(rows.iterator().next());
    });
  }

  private static JsonObject view(Row r) {
    JsonArray items = new JsonArray();
    Object raw = r.getValue("items");
    JsonArray src = raw instanceof JsonArray a ? a : new JsonArray(String.valueOf(raw));
    for (Object o : src) {
      JsonObject i = ((JsonObject) o).copy();
      i.put("name", Masking.name(i.getString("name")));
      i.put("idNumber", i.remove("idMasked"));
      items.add(i);
    }
    JsonObject o = new JsonObject().put("id", r.getUUID("id").toString()).put("outTradeNo", outTradeNo(r.getUUID("id")))
        .put("state", r.getString("state")).put("channel", r.getString("channel")).put("mode", r.getString("mode"))
        .put("totalFen", r.getLong("total_fen")).put("region", r.getString("region_name"))
        .put("createdAt", r.getOffsetDateTime("created_at").toString())
        .put("expiresAt", r.getOffsetDateTime("expires_at").toString()).put("items", items);
    if (r.getOffsetDateTime("paid_at") != null) {
      o.put("paidAt", r.getOffsetDateTime("paid_at").toString()).put("transactionId", r.getString("channel_txn_id"));
    }
    if (r.getString("state_reason") != null) {
      o.put("stateReason", r.getString("state_reason"));
    }
    Object refunds = r.getValue("refunds");
    if (refunds != null) {
      o.put("refunds", refunds instanceof JsonArray a ? a : new JsonArray(refunds.toString()));
    }
    Object payment = r.getValue("payment");
    if (payment != null && r.getString("state").equals("PAYING")) {
      o.put("payment", payment instanceof JsonObject j ? j : new JsonObject(payment.toString()));
    }
    return o;
  }

  public Future<JsonObject> cancel(UUID id) {
    return pool.withTransaction(conn -> conn.preparedQuery("update orders set state = 'CANCELLED', state_reason = 'cancelled by the payer'"
            + " where id = $1 and state = 'PAYING' returning channel").execute(Tuple.of(id))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture((String) null);
          }
          return conn.preparedQuery("delete from reservation where order_id = $1 and not paid").execute(Tuple.of(id))
              .map(x -> rows.iterator().next().getString("channel"));
        }))
        .compose(channel -> {
          if (channel == null) {
            return get(id).compose(o -> Future.failedFuture(Problem.conflict("not-cancellable", "Order cannot be cancelled",
                "the order is " + o.getString("state"), new JsonObject().put("state", o.getString("state")))));
          }
          closeAtChannel(channel, id);
          return get(id);
        });
  }

  public Future<JsonObject> receipt(UUID id) {
    return get(id).map(o -> {
      if (!o.getString("state").equals("PAID")) {
        throw Problem.conflict("not-paid", "Not paid", "there is a receipt only for a paid order; this one is "
            + o.getString("state"), new JsonObject().put("state", o.getString("state")));
      }
      JsonArray years = new JsonArray(o.getJsonArray("items").stream().map(x -> ((JsonObject) x).getInteger("year"))
          .distinct().sorted().toList());
      return new JsonObject().put("receiptNo", o.getString("outTradeNo")).put("orderId", o.getString("id"))
          .put("title", "城乡居民基本医疗/养老保险缴费凭证").put("region", o.getString("region")).put("benefitYears", years)
          .put("items", new JsonArray(o.getJsonArray("items").stream().map(x -> {
            JsonObject i = (JsonObject) x;
            return new JsonObject().put("name", i.getString("name")).put("idNumber", i.getString("idNumber"))
                .put("insurance", i.getString("insurance")).put("year", i.getInteger("year")).put("tier", i.getInteger("tier"))
                .put("personalFen", i.getLong("personalFen")).put("governmentFen", i.getLong("governmentFen"))
                .put("subsidyFen", i.getLong("subsidyFen"));
          }).toList()))
          .put("totalFen", o.getLong("totalFen")).put("channel", o.getString("channel"))
          .put("transactionId", o.getString("transactionId")).put("paidAt", o.getString("paidAt"))
          .put("refunds", o.getJsonArray("refunds", new JsonArray()));
    });
  }

  // ------------------------------------------------------------------ expiry

  /**
   * Orders past their time are closed at the channel first, and only then expired with their items
   * released; an order the channel says is paid after all is applied as paid instead.
   */
  public Future<Integer> expireDue() {
    return pool.preparedQuery("select id, channel from orders where state = 'PAYING' and expires_at < $1 order by expires_at limit 100")
        .execute(Tuple.of(now())).compose(rows -> {
          List<Future<Boolean>> all = new ArrayList<>();
          for (Row r : rows) {
            all.add(expire(r.getUUID("id"), r.getString("channel")));
          }
          return Future.join(all).map(x -> (int) all.stream().filter(f -> f.succeeded() && f.result()).count());
        });
  }

  private Future<Boolean> expire(UUID id, String channel) {
    PaymentChannel c = channels.get(channel);
    return c.close(outTradeNo(id))
        .compose(closed -> pool.withTransaction(conn -> conn.preparedQuery("update orders set state = 'EXPIRED',"
                + " state_reason = 'not paid in time' where id = $1 and state = 'PAYING'").execute(Tuple.of(id))
            .compose(u -> u.rowCount() == 0 ? Future.succeededFuture(false)
                : conn.preparedQuery("delete from reservation where order_id = $1 and not paid").execute(Tuple.of(id)).map(true))))
        .onSuccess(expired -> {
          if (expired) {
            metrics.expired(channel);
          }
        })
        .recover(e -> {
          // the channel would not close it (perhaps it was paid at the last moment): ask what it is
          LOG.info("closing order {} at {} failed ({}); asking the channel", id, channel, e.getMessage());
          return reconcile(id).map(false);
        });
  }

  private void closeAtChannel(String channel, UUID id) {
    PaymentChannel c = channels.get(channel);
    if (c != null) {
      c.close(outTradeNo(id)).onFailure(e -> LOG.info("closing order {} at {} did not succeed now: {}", id, channel, e.getMessage()));
    }
  }

  // ------------------------------------------------------------------ payment

  /**
   * A verified payment (from a callback or an active query): applied exactly once. A duplicate is a
   * no-op; a payment for an order that is no longer payable is recorded and refunded.
   */
  public Future<PaymentOutcome> applyPayment(String channel, String outTradeNo, String transactionId, long amountFen, String source) {
    UUID id = orderId(outTradeNo);
    if (id == null) {
      return Future.succeededFuture(PaymentOutcome.UNKNOWN_ORDER);
    }
    OffsetDateTime now = now();
    return pool.withTransaction(conn -> conn.preparedQuery("select state, total_fen, channel from orders where id = $1 for update")
        .execute(Tuple.of(id)).compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(PaymentOutcome.UNKNOWN_ORDER);
          }
          Row o = rows.iterator().next();
          if (o.getLong("total_fen") != amountFen || !o.getString("channel").equals(channel)) {
            return Future.succeededFuture(PaymentOutcome.AMOUNT_MISMATCH);
          }
          return conn.preparedQuery("insert into payment (order_id, channel, channel_txn_id, amount_fen, source, received_at)"
                  + " values ($1, $2, $3, $4, $5, $6) on conflict (channel, channel_txn_id) do nothing returning id")
              .execute(Tuple.of(id, channel, transactionId, amountFen, source, now)).compose(ins -> {
                if (ins.size() == 0) {
                  return Future.succeededFuture(PaymentOutcome.DUPLICATE);
                }
                if (!o.getString("state").equals("PAYING")) {
                  return conn.preparedQuery("insert into refund (order_id, out_refund_no, amount_fen, reason, state, created_at, updated_at)"
                          + " values ($1, $2, $3, $4, 'PENDING', $5, $5) on conflict do nothing")
                      .execute(Tuple.of(id, outTradeNo + "R" + (o.getString("state").equals("PAID") ? "D" : "E"), amountFen,
                          o.getString("state").equals("PAID") ? "paid twice" : "paid after the order was " + o.getString("state").toLowerCase(),
                          now))
                      .map(x -> PaymentOutcome.REFUND_DUE);
                }
                return conn.preparedQuery("update orders set state = 'PAID', paid_at = $2, channel_txn_id = $3, state_reason = null"
                        + " where id = $1 and state = 'PAYING'").execute(Tuple.of(id, now, transactionId))
                    .compose(x -> conn.preparedQuery("update reservation set paid = true, held_until = null where order_id = $1")
                        .execute(Tuple.of(id)))
                    .map(x -> PaymentOutcome.PAID);
              });
        }))
        .onSuccess(outcome -> {
          metrics.payment(channel, outcome, amountFen);
          if (outcome == PaymentOutcome.REFUND_DUE) {
            refundPending(id);
          }
        });
  }

  /** Why an operator refunds a paid item (002 五(二)(三)(四)). */
  public static final java.util.Set<String> REFUND_REASONS =
      java.util.Set.of("duplicate", "death", "enrolled-elsewhere", "category-arrived");

  /**
   * An operator's refund of one paid person-item: the whole item (duplicate payment, death, enrolled
   * elsewhere: the item is no longer paid), or, when a special-group flag arrived after the person paid
   * in full, the difference to what they owe now. Idempotent: the same item and reason refund once.
   */
  public Future<JsonObject> operatorRefund(UUID orderId, UUID memberRef, String insurance, String reason, String operator,
      cn.liangxian.gateway.operator.Scope scope) {
    if (!REFUND_REASONS.contains(reason)) {
      return Future.failedFuture(Problem.invalidField("reason", "reason must be one of " + new java.util.TreeSet<>(REFUND_REASONS)));
    }
    return pool.preparedQuery("select o.state, o.channel, o.total_fen, o.household_id, i.person_id, i.personal_fen, i.tier_yuan, i.year,"
            + " h.ref as household_ref, v.region_code, v.township, v.name as village from orders o join order_item i on i.order_id = o.id"
            + " join person p on p.id = i.person_id join household h on h.id = o.household_id join village v on v.id = h.village_id"
            + " where o.id = $1 and p.ref = $2 and i.insurance = $3")
        .execute(Tuple.of(orderId, memberRef, insurance)).compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(Problem.notFound("item-not-found", "No such paid item",
                "order " + orderId + " has no " + insurance + " item for that member"));
          }
          Row r = rows.iterator().next();
          if (!scope.covers(r.getString("region_code"), r.getString("township"), r.getString("village"))) {
            return Future.failedFuture(new Problem(403, "operator-out-of-scope", "Outside your scope",
                "order " + orderId + " belongs to " + r.getString("region_code") + "/" + r.getString("township") + ", outside your scope ("
                    + scope + ")"));
          }
          if (!r.getString("state").equals("PAID")) {
            return Future.failedFuture(Problem.conflict("not-paid", "Not paid", "only a paid order's items can be refunded", null));
          }
          Future<Long> amount = reason.equals("category-arrived")
              ? store.byRef(pool, r.getUUID("household_ref")).map(h -> {
                Household.Member m = h.orElseThrow().member(memberRef);
                Regions.Entry region = regions.get(h.get().regionCode()).orElseThrow();
                Assessment now = HouseholdAssessor.assessOne(m, Insurance.ofCode(insurance).orElseThrow(), region,
                    regions.payDate(region), r.getInteger("tier_yuan"));
                return Math.max(0, r.getLong("personal_fen") - now.personalFen());
              })
              : Future.succeededFuture(r.getLong("personal_fen"));
          return amount.compose(fen -> {
            if (fen == 0) {
              return Future.failedFuture(Problem.unprocessable("nothing-to-refund", "Nothing to refund",
                  "with the categories on record now, this person owes what they paid", null));
            }
            String outRefundNo = outTradeNo(orderId) + "-" + r.getLong("person_id") + (insurance.equals("medical") ? "M" : "P");
            boolean whole = !reason.equals("category-arrived");
            return pool.withTransaction(conn -> conn.preparedQuery("insert into refund (order_id, out_refund_no, amount_fen, reason, state,"
                    + " created_at, updated_at) values ($1, $2, $3, $4, 'PENDING', $5, $5) on conflict (out_refund_no) do nothing returning id")
                .execute(Tuple.of(orderId, outRefundNo, fen, reason, now())).compose(ins -> {
                  if (ins.size() == 0) {
                    return Future.succeededFuture(false);
                  }
                  Future<?> release = whole
                      ? conn.preparedQuery("delete from reservation where order_id = $1 and person_id = $2 and insurance = $3")
                          .execute(Tuple.of(orderId, r.getLong("person_id"), insurance))
                      : Future.succeededFuture();
                  return release.compose(x -> conn.preparedQuery("insert into audit_log (actor, action, subject, before, after)"
                          + " values ($1, 'refund.request', $2, $3, $4)")
                      .execute(Tuple.of(operator, outRefundNo, new JsonObject().put("order", orderId.toString()).put("state", "PAID")
                          .put("insurance", insurance).put("itemPaid", true).put("personalFen", r.getLong("personal_fen")),
                          new JsonObject().put("order", orderId.toString())
                          .put("itemPaid", !whole)
                          .put("insurance", insurance).put("reason", reason).put("amountFen", fen))))
                      .map(true);
                }))
                .compose(fresh -> refundPending(orderId).recover(e -> Future.succeededFuture()))
                .compose(x -> pool.preparedQuery("select out_refund_no, amount_fen, reason, state from refund where out_refund_no = $1")
                    .execute(Tuple.of(outRefundNo)))
                .map(rs -> {
                  Row f = rs.iterator().next();
                  return new JsonObject().put("outRefundNo", f.getString("out_refund_no")).put("amountFen", f.getLong("amount_fen"))
                      .put("reason", f.getString("reason")).put("state", f.getString("state"));
                });
          });
        });
  }

  /** A refund the channel confirms: recorded, and an order whose payment went back entirely is REFUNDED. */
  public Future<Void> refundConfirmed(String outRefundNo) {
    return pool.withTransaction(conn -> conn.preparedQuery("update refund set state = 'SUCCESS', updated_at = now()"
            + " where out_refund_no = $1 and state <> 'SUCCESS' returning order_id").execute(Tuple.of(outRefundNo))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture()
            : conn.preparedQuery("update orders set state = 'REFUNDED' where id = $1 and state in ('EXPIRED', 'CANCELLED', 'FAILED')")
                .execute(Tuple.of(rows.iterator().next().getUUID("order_id"))).mapEmpty()));
  }

  /** Carries out the pending refunds of an order at its channel (idempotent on out_refund_no). */
  public Future<Void> refundPending(UUID id) {
    return pool.preparedQuery("select f.out_refund_no, f.amount_fen, f.reason, o.channel, o.total_fen from refund f"
            + " join orders o on o.id = f.order_id where f.order_id = $1 and f.state = 'PENDING'").execute(Tuple.of(id))
        .compose(rows -> {
          List<Future<?>> all = new ArrayList<>();
          for (Row r : rows) {
            PaymentChannel c = channels.get(r.getString("channel"));
            all.add(c.refund(outTradeNo(id), r.getString("out_refund_no"), r.getLong("amount_fen"), r.getLong("total_fen"),
                    r.getString("reason"))
                .compose(x -> pool.preparedQuery("update refund set state = 'REQUESTED', updated_at = now() where out_refund_no = $1"
                    + " and state = 'PENDING'").execute(Tuple.of(r.getString("out_refund_no"))))
                .compose(x -> pool.preparedQuery("update orders set state_reason = $2 where id = $1")
                    .execute(Tuple.of(id, "refunded: " + r.getString("reason"))))
                // Alipay refunds synchronously; WeChat Pay confirms with a REFUND.SUCCESS notification
                .compose(x -> r.getString("channel").equals("alipay") ? refundConfirmed(r.getString("out_refund_no"))
                    : Future.succeededFuture())
                .onFailure(e -> LOG.warn("refund {} not requested yet: {}", r.getString("out_refund_no"), e.getMessage())));
          }
          return Future.join(all).mapEmpty();
        });
  }

  /**
   * Orders still paying whose callback has not come are queried at the channel, after 30 s and then with
   * a doubling backoff up to 10 minutes.
   */
  public Future<Integer> queryStuck() {
    OffsetDateTime now = now();
    return pool.preparedQuery("update orders set query_count = query_count + 1,"
            + " next_query_at = $1::timestamptz + least(interval '10 minutes', interval '15 seconds' * power(2, query_count))"
            + " where id in (select id from orders where state = 'PAYING' and created_at < $1::timestamptz - interval '30 seconds'"
            + " and (next_query_at is null or next_query_at <= $1::timestamptz) order by created_at limit 100 for update skip locked)"
            + " returning id")
        .execute(Tuple.of(now)).compose(rows -> {
          List<Future<PaymentOutcome>> all = new ArrayList<>();
          for (Row r : rows) {
            all.add(reconcile(r.getUUID("id")));
          }
          return Future.join(all).map(x -> (int) all.stream().filter(f -> f.succeeded() && f.result() == PaymentOutcome.PAID).count());
        });
  }

  /** Asks the channel about an order still paying (a missing callback) and applies what it says. */
  public Future<PaymentOutcome> reconcile(UUID id) {
    return pool.preparedQuery("select channel from orders where id = $1").execute(Tuple.of(id)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(PaymentOutcome.UNKNOWN_ORDER);
      }
      String channel = rows.iterator().next().getString("channel");
      return channels.get(channel).query(outTradeNo(id)).compose(t -> t.state() == PaymentChannel.Trade.State.PAID
          ? applyPayment(channel, outTradeNo(id), t.transactionId(), t.amountFen(), "query")
          : Future.succeededFuture((PaymentOutcome) null));
    });
  }
}
