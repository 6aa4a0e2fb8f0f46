package cn.liangxian.gateway.order;

import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.privacy.PersonalDataCipher;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;

/**
 * The SQL of orders, their items, reservations and idempotency keys. Every state change is a
 * conditional {@code UPDATE ... WHERE state = expected}, so that two callers never both win.
 */
public final class OrderStore {
  /** The order a key names for a create: none once it was freed (its order given up). */
  static final String IDEMPOTENCY = "select request_hash, order_id from idempotency_key where client_id = $1 and key = $2"
      + " and freed_at is null";
  /** The order a key last named, freed or not: what became of a request whose answer was lost. */
  static final String BY_KEY = "select order_id from idempotency_key where client_id = $1 and key = $2";
  /** A key claimed for a new order: a fresh one, or one freed (taken over by one create only); else none is returned. */
  static final String CLAIM_KEY = "insert into idempotency_key (client_id, key, request_hash, order_id) values ($1, $2, $3, $4)"
      + " on conflict (client_id, key) do update set request_hash = excluded.request_hash, order_id = excluded.order_id,"
      + " created_at = now(), freed_at = null where idempotency_key.freed_at is not null returning order_id";
  static final String INSERT_ORDER = "insert into orders (id, household_id, region_code, channel, mode, state, total_fen, client_id,"
      + " created_at, expires_at, merchant) values ($1, $2, $3, $4, $5, 'PAYING', $6, $7, $8, $9, $10)";
  /**
   * All the order's items in one statement, a column an array (a family's order has several): the tier, amounts,
   * clauses and cover each was assessed with, what the item shows while held and once paid.
   */
  static final String INSERT_ITEMS = "insert into order_item (order_id, person_id, insurance, year, tier_yuan, personal_fen,"
      + " government_fen, subsidy_fen, later_fen, total_fen, rules, coverage_start, coverage_end)"
      + " select $1, p, ins, y, tier, pf, gf, sf, lf, tf, r::jsonb, cs, ce"
      + " from unnest($2::bigint[], $3::text[], $4::int[], $5::int[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[],"
      + " $10::bigint[], $11::text[], $12::date[], $13::date[]) as i(p, ins, y, tier, pf, gf, sf, lf, tf, r, cs, ce)";
  static final String RESERVE = "insert into reservation (person_id, insurance, year, order_id, held_until)"
      + " select p, ins, y, $4, $5 from unnest($1::bigint[], $2::text[], $3::int[]) as i(p, ins, y)"
      + " on conflict do nothing returning person_id";
  static final String RECORD_PREPAY = "update orders set payment = $2 where id = $1 and state = 'PAYING'";
  static final String FAIL = "update orders set state = 'FAILED', state_reason = 'channel unavailable' where id = $1 and state = 'PAYING'";
  static final String RELEASE = "delete from reservation where order_id = $1 and not paid";
  static final String FORGET_KEY = "update idempotency_key set freed_at = now() where order_id = $1 and freed_at is null";
  /**
   * An order whose call to its channel never came back here (the instance making it stopped, or the call outlived
   * any answer): failed like {@link #FAIL}, but only while it still has nothing to pay with and was made before $2.
   */
  static final String FAIL_STRANDED = "update orders set state = 'FAILED', state_reason = 'channel call not finished'"
      + " where id = $1 and state = 'PAYING' and payment is null and created_at < $2";
  /** The oldest hundred orders still without anything to pay with, made before $1 ({@link #FAIL_STRANDED}). */
  static final String STRANDED = "select id, channel, merchant from orders where state = 'PAYING' and payment is null and created_at < $1"
      + " order by created_at limit 100";
  static final String CANCEL = "update orders set state = 'CANCELLED', state_reason = 'cancelled by the payer'"
      + " where id = $1 and state = 'PAYING' returning channel";
  /**
   * Orders past their time, but not one whose closing at the channel failed a moment ago ({@link #EXPIRY_FAILED}),
   * claimed for two minutes (longer than a close and a query at the channel may take): a sweep due while the last is
   * still closing them, here or on an instance that took the lead meanwhile, leaves them alone.
   */
  static final String DUE = "update orders set expiry_retry_at = $1::timestamptz + interval '2 minutes'"
      + " where id in (select id from orders where state = 'PAYING' and expires_at < $1"
      + " and (expiry_retry_at is null or expiry_retry_at <= $1) order by expires_at limit 100 for update skip locked)"
      + " returning id, channel, merchant";
  /** An order the channel could not close yet is left alone a while, longer each time (15 s doubling, 10 minutes at most). */
  static final String EXPIRY_FAILED = "update orders set expiry_attempts = expiry_attempts + 1,"
      + " expiry_retry_at = $2::timestamptz + least(interval '10 minutes', interval '15 seconds' * power(2, least(expiry_attempts, 6)))"
      + " where id = $1 and state = 'PAYING'";
  static final String EXPIRE = "update orders set state = 'EXPIRED', state_reason = 'not paid in time' where id = $1 and state = 'PAYING'";
  static final String CLAIM_STUCK = "update orders set query_count = query_count + 1,"
      + " next_query_at = $1::timestamptz + least(interval '10 minutes', interval '15 seconds' * power(2, least(query_count, 6)))"
      + " where id in (select id from orders where state = 'PAYING' and created_at < $1::timestamptz - interval '30 seconds'"
      + " and (next_query_at is null or next_query_at <= $1::timestamptz) order by created_at limit 100 for update skip locked)"
      + " returning id";
  static final String CHANNEL_OF = "select channel, merchant from orders where id = $1";
  static final String LOCK = "select state, total_fen, channel, merchant, region_code from orders where id = $1 for update";
  static final String MARK_PAID = "update orders set state = 'PAID', paid_at = $2, channel_txn_id = $3, state_reason = null"
      + " where id = $1 and state = 'PAYING'";
  static final String HOLD_PAID = "update reservation set paid = true, held_until = null where order_id = $1";
  static final String MARK_REFUNDED = "update orders set state = 'REFUNDED' where id = $1 and state in ('EXPIRED', 'CANCELLED', 'FAILED')";
  /** Delivered at commit, to every gateway's {@link OrderWatch}: requests waiting on the order look again. */
  static final String NOTIFY = "select pg_notify('order_state', $1)";
  static final String NOTE = "update orders set state_reason = $2 where id = $1";
  static final String PAID_ITEM = "select o.state, o.channel, o.total_fen, o.household_id, o.paid_at, i.person_id, i.personal_fen, i.tier_yuan,"
      + " i.year, h.ref as household_ref, v.region_code, v.township, v.name as village from orders o join order_item i on i.order_id = o.id"
      + " join person p on p.id = i.person_id join household h on h.id = o.household_id join village v on v.id = h.village_id"
      + " where o.id = $1 and p.ref = $2 and i.insurance = $3";
  static final String FAIL_PAID_WRONG = "update orders set state = 'FAILED', state_reason = $2 where id = $1 and state = 'PAYING'";
  static final String RELEASE_ITEM = "delete from reservation where order_id = $1 and person_id = $2 and insurance = $3";
  /** All a held status request needs before it waits: the state, and whose order it is. */
  static final String STATE_OF = "select state, client_id from orders where id = $1";

  /** Every statement above, prepared on each connection when it opens. */
  public static final List<String> STATEMENTS = List.of(IDEMPOTENCY, BY_KEY, CLAIM_KEY, INSERT_ORDER, INSERT_ITEMS, RESERVE, RECORD_PREPAY,
      FAIL, FAIL_STRANDED, STRANDED, RELEASE, FORGET_KEY, CANCEL, DUE, EXPIRY_FAILED, EXPIRE, CLAIM_STUCK, CHANNEL_OF, LOCK, MARK_PAID, HOLD_PAID, MARK_REFUNDED, NOTE,
      PAID_ITEM, RELEASE_ITEM, NOTIFY, FAIL_PAID_WRONG, STATE_OF, OrderView.SQL);

  /** How a reservation went: the key was another call's, or every item is held (else {@link TakenElsewhere}). */
  public enum Reserved { KEY_TAKEN, HELD }

  /** An order being paid: its state, amount, channel and merchant (null: the default), locked for the caller's transaction. */
  public record Locked(String state, long totalFen, String channel, String merchant, String region) {}

  /** An order past its time (or stranded), to be closed at its channel and merchant (null: the default) or given up. */
  public record Due(UUID id, String channel, String merchant) {}

  /** Where an order is paid: its channel and merchant (null: the channel's default merchant). */
  public record PaidAt(String channel, String merchant) {}

  private final Pool pool;
  private final PersonalDataCipher cipher;

  public OrderStore(Pool pool, PersonalDataCipher cipher) {
    this.pool = pool;
    this.cipher = cipher;
  }

  public Pool pool() {
    return pool;
  }

  /** The order an earlier call with this key made (null if none); 422 when the key came with another body. */
  public Future<UUID> existing(String clientId, String key, byte[] hash) {
    return pool.preparedQuery(IDEMPOTENCY).execute(Tuple.of(clientId, key)).map(rows -> {
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

  /** The order the caller's call with this key made last, given up since or not, whatever its body was (null if none). */
  public Future<UUID> byKey(String clientId, String key) {
    return pool.preparedQuery(BY_KEY).execute(Tuple.of(clientId, key))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID("order_id"));
  }

  /** In one transaction: the idempotency key, the order, its items and their reservations. */
  public Future<Reserved> reserve(OrderDraft.Order o) {
    return pool.withTransaction(conn -> conn.preparedQuery(CLAIM_KEY)
        .execute(Tuple.of(o.clientId(), o.key(), Buffer.buffer(o.requestHash()), o.id()))
        .compose(idem -> idem.size() == 0 ? Future.succeededFuture(Reserved.KEY_TAKEN) : insert(conn, o)));
  }

  private Future<Reserved> insert(SqlConnection conn, OrderDraft.Order o) {
    List<OrderDraft.Line> lines = o.lines();
    Items items = Items.of(lines);
    return conn.preparedQuery(INSERT_ORDER).execute(Tuple.from(new Object[] {o.id(), o.householdId(), o.regionCode(), o.channel(),
            o.mode(), o.totalFen(), o.clientId(), o.createdAt(), o.expiresAt(), o.merchant()}))
        .compose(x -> conn.preparedQuery(INSERT_ITEMS).execute(Tuple.from(new Object[] {o.id(), items.persons, items.insurances,
            items.years, items.tiers, items.personal, items.government, items.subsidy, items.later, items.total, items.rules,
            items.coverageStart, items.coverageEnd})))
        .compose(x -> conn.preparedQuery(RESERVE).execute(Tuple.of(items.persons, items.insurances, items.years, o.id(),
            o.expiresAt())))
        .compose(reserved -> reserved.size() == lines.size() ? Future.succeededFuture(Reserved.HELD)
            // fail inside the transaction, so that nothing of this order stays
            : Future.failedFuture(new TakenElsewhere()));
  }

  /** Thrown inside the reservation's transaction so that it rolls back; answered as a 409 by the caller. */
  public static final class TakenElsewhere extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TakenElsewhere() {
      super("a member of this order is held by another order", null, false, false);
    }
  }

  /** An order's items a column each, as the item insert and the reservation take them (tiers null where there are none). */
  private record Items(Long[] persons, String[] insurances, Integer[] years, Integer[] tiers, Long[] personal, Long[] government,
      Long[] subsidy, Long[] later, Long[] total, String[] rules, LocalDate[] coverageStart,
      LocalDate[] coverageEnd) {
    static Items of(List<OrderDraft.Line> lines) {
      int n = lines.size();
      Items c = new Items(new Long[n], new String[n], new Integer[n], new Integer[n], new Long[n], new Long[n], new Long[n],
          new Long[n], new Long[n], new String[n], new LocalDate[n], new LocalDate[n]);
      for (int i = 0; i < n; i++) {
        OrderDraft.Line l = lines.get(i);
        var a = l.assessment();
        c.persons[i] = l.member().id();
        c.insurances[i] = l.insurance().code();
        c.years[i] = l.year();
        c.tiers[i] = l.tier();
        c.personal[i] = a.personalFen();
        c.government[i] = a.governmentFen();
        c.subsidy[i] = a.subsidyFen();
        c.later[i] = a.laterSubsidyFen();
        c.total[i] = a.totalFen();
        c.rules[i] = cn.liangxian.gateway.lookup.HouseholdView.rules(a.rules()).encode();
        c.coverageStart[i] = a.coverageStart();
        c.coverageEnd[i] = a.coverageEnd();
      }
      return c;
    }
  }

  /** The channel's answer to the order's prepay; false when the order was no longer paying (given up meanwhile). */
  public Future<Boolean> recordPrepay(UUID id, JsonObject payment) {
    return pool.preparedQuery(RECORD_PREPAY).execute(Tuple.of(id, payment)).map(r -> r.rowCount() == 1);
  }

  /** The channel never took the order: it fails, its items are free again and its key may be used again. */
  public Future<Void> failPrepay(UUID id) {
    return pool.withTransaction(conn -> conn.preparedQuery(FAIL).execute(Tuple.of(id))
        .compose(x -> conn.preparedQuery(RELEASE).execute(Tuple.of(id)))
        .compose(x -> conn.preparedQuery(FORGET_KEY).execute(Tuple.of(id)))
        .compose(x -> notify(conn, id))).mapEmpty();
  }

  /**
   * Gives up an order made before {@code before} whose call to its channel never ended here ({@link #FAIL_STRANDED}):
   * it fails, its items are free again and its key may be used again. False when it had its payment after all, or
   * was no longer paying.
   */
  public Future<Boolean> failStranded(UUID id, OffsetDateTime before) {
    return pool.withTransaction(conn -> conn.preparedQuery(FAIL_STRANDED).execute(Tuple.of(id, before))
        .compose(u -> u.rowCount() == 0 ? Future.succeededFuture(false)
            : conn.preparedQuery(RELEASE).execute(Tuple.of(id))
                .compose(x -> conn.preparedQuery(FORGET_KEY).execute(Tuple.of(id)))
                .compose(x -> notify(conn, id)).map(true)));
  }

  /** The oldest hundred orders made before {@code before} and still without anything to pay with. */
  public Future<List<Due>> stranded(OffsetDateTime before) {
    return pool.preparedQuery(STRANDED).execute(Tuple.of(before)).map(rows -> StreamSupport.stream(rows.spliterator(), false)
        .map(r -> new Due(r.getUUID("id"), r.getString("channel"), r.getString("merchant"))).toList());
  }

  /** The order as the API shows it; 404 when there is none. */
  public Future<JsonObject> get(UUID id) {
    return get(id, null);
  }

  /**
   * The order as the API shows it to {@code owner}, the caller who created it; 404 when there is none
   * or it is another caller's, the same answer either way (an order id tells nobody else anything).
   */
  public Future<JsonObject> get(UUID id, String owner) {
    return pool.preparedQuery(OrderView.SQL).execute(Tuple.of(id)).map(rows -> OrderView.of(owned(rows, id, owner), cipher));
  }

  /**
   * Only the order's state, for {@code owner}: what a held status request reads before it waits (the whole
   * view, items and all, is read when it answers). 404 as {@link #get(UUID, String)}.
   */
  public Future<String> state(UUID id, String owner) {
    return pool.preparedQuery(STATE_OF).execute(Tuple.of(id)).map(rows -> owned(rows, id, owner).getString("state"));
  }

  /** The order's row if it is {@code owner}'s (any caller's when null); 404 otherwise, the same whether or not it exists. */
  private static Row owned(RowSet<Row> rows, UUID id, String owner) {
    Row r = rows.size() == 0 ? null : rows.iterator().next();
    if (r == null || owner != null && !owner.equals(r.getString("client_id"))) {
      throw notFound(id);
    }
    return r;
  }

  static Problem notFound(UUID id) {
    return Problem.notFound("order-not-found", "No such order", "no order " + id);
  }

  /** Cancels an order still paying and frees its items: its channel, or null when it was not paying. */
  public Future<String> cancel(UUID id) {
    return pool.withTransaction(conn -> conn.preparedQuery(CANCEL).execute(Tuple.of(id)).compose(rows -> rows.size() == 0
        ? Future.succeededFuture((String) null)
        : conn.preparedQuery(RELEASE).execute(Tuple.of(id)).compose(x -> notify(conn, id))
            .map(x -> rows.iterator().next().getString("channel"))));
  }

  /** The oldest hundred orders still paying past their time, claimed for this sweep ({@link #DUE}). */
  public Future<List<Due>> due(OffsetDateTime now) {
    return pool.preparedQuery(DUE).execute(Tuple.of(now)).map(rows -> StreamSupport.stream(rows.spliterator(), false)
        .map(r -> new Due(r.getUUID("id"), r.getString("channel"), r.getString("merchant"))).toList());
  }

  /** Expires an order still paying and frees its items; false when it was no longer paying. */
  public Future<Boolean> expire(UUID id) {
    return pool.withTransaction(conn -> conn.preparedQuery(EXPIRE).execute(Tuple.of(id))
        .compose(u -> u.rowCount() == 0 ? Future.succeededFuture(false)
            : conn.preparedQuery(RELEASE).execute(Tuple.of(id)).compose(x -> notify(conn, id)).map(true)));
  }

  /** The channel could not close the order: the next try waits (15 s, doubling, at most 10 minutes). */
  public Future<Void> expiryFailed(UUID id, OffsetDateTime now) {
    return pool.preparedQuery(EXPIRY_FAILED).execute(Tuple.of(id, now)).mapEmpty();
  }

  /** Orders still paying whose callback has not come, claimed for a query (30 s, then a doubling backoff up to 10 min). */
  public Future<List<UUID>> claimStuck(OffsetDateTime now) {
    return pool.preparedQuery(CLAIM_STUCK).execute(Tuple.of(now))
        .map(rows -> StreamSupport.stream(rows.spliterator(), false).map(r -> r.getUUID("id")).toList());
  }

  /** The order's channel and merchant, or null when there is no such order. */
  public Future<PaidAt> channelOf(UUID id) {
    return pool.preparedQuery(CHANNEL_OF).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row r = rows.iterator().next();
      return new PaidAt(r.getString("channel"), r.getString("merchant"));
    });
  }

  /** Locks the order for the caller's transaction; null when there is no such order. */
  public static Future<Locked> lock(SqlConnection conn, UUID id) {
    return conn.preparedQuery(LOCK).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row o = rows.iterator().next();
      return new Locked(o.getString("state"), o.getLong("total_fen"), o.getString("channel"), o.getString("merchant"),
          o.getString("region_code"));
    });
  }

  /** Marks a paying order paid and its reservations paid for good, in the caller's transaction. */
  public static Future<Void> markPaid(SqlConnection conn, UUID id, OffsetDateTime now, String transactionId) {
    return conn.preparedQuery(MARK_PAID).execute(Tuple.of(id, now, transactionId))
        .compose(x -> conn.preparedQuery(HOLD_PAID).execute(Tuple.of(id))).compose(x -> notify(conn, id));
  }

  /**
   * A paying order whose trade the channel settled with another amount can never be paid as it is: it
   * fails and frees its items, in the caller's transaction (the money is refunded beside it).
   */
  public static Future<Void> failPaidWrong(SqlConnection conn, UUID id, String reason) {
    return conn.preparedQuery(FAIL_PAID_WRONG).execute(Tuple.of(id, reason)).compose(u -> u.rowCount() == 0
        ? Future.succeededFuture() : conn.preparedQuery(RELEASE).execute(Tuple.of(id)).compose(x -> notify(conn, id)));
  }

  /** An order that never became paid, whose money went back entirely, is REFUNDED. */
  public static Future<Void> markRefunded(SqlConnection conn, UUID id) {
    return conn.preparedQuery(MARK_REFUNDED).execute(Tuple.of(id))
        .compose(u -> u.rowCount() == 0 ? Future.succeededFuture() : notify(conn, id));
  }

  /** Tells waiting requests, in the caller's transaction, that the order's state changed. */
  static Future<Void> notify(SqlConnection conn, UUID id) {
    return conn.preparedQuery(NOTIFY).execute(Tuple.of(id.toString())).mapEmpty();
  }

  /**
   * Frees one paid item (its payment is refunded, or it is undone), in the caller's transaction: whether it was still
   * held (false: released before).
   */
  public static Future<Boolean> releaseItem(SqlConnection conn, UUID id, long personId, String insurance) {
    return conn.preparedQuery(RELEASE_ITEM).execute(Tuple.of(id, personId, insurance)).map(rows -> rows.rowCount() > 0);
  }

  public Future<Void> note(UUID id, String reason) {
    return pool.preparedQuery(NOTE).execute(Tuple.of(id, reason)).mapEmpty();
  }

  /** A paid item of an order with where its household lives; null when the order has no such item. */
  public Future<Row> item(UUID id, UUID memberRef, String insurance) {
    return pool.preparedQuery(PAID_ITEM).execute(Tuple.of(id, memberRef, insurance))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }
}
