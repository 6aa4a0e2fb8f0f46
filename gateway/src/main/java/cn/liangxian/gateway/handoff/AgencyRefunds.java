package cn.liangxian.gateway.handoff;

import cn.liangxian.gateway.audit.AuditLog;
import cn.liangxian.gateway.lookup.HouseholdStore;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.gateway.order.OrderStore;
import cn.liangxian.gateway.outbox.Outbox;
import cn.liangxian.gateway.refund.ItemRefund;
import cn.liangxian.gateway.refund.RefundStore;
import cn.liangxian.gateway.refund.Refunds;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refunds the agencies' news made due, carried out once their delay has passed and no operator stopped
 * them: the whole item (the person died, has employee insurance, is insured or paid elsewhere) or the
 * difference a category that arrived late makes, assessed again now. Each in one transaction with its
 * reversal record and audit row, claimed with SKIP LOCKED so that one instance does each; the refund
 * number is the one an operator's refund of the same item has, so that the two can never both happen.
 */
public final class AgencyRefunds {
  private static final Logger LOG = LoggerFactory.getLogger(AgencyRefunds.class);
  static final String CLAIM = "select a.id, a.order_id, a.person_id, a.insurance, a.amount_fen, a.whole, a.reason, a.change_id,"
      + " i.tier_yuan, i.year, o.paid_at, p.ref as member_ref, h.ref as household_ref from agency_refund a"
      + " join order_item i on i.order_id = a.order_id and i.person_id = a.person_id and i.insurance = a.insurance"
      + " join orders o on o.id = a.order_id"
      + " join person p on p.id = a.person_id join household h on h.id = p.household_id"
      + " where a.state = 'WAITING' and a.due_at <= $1 order by a.id limit 1 for update of a skip locked";
  static final String DONE = "update agency_refund set state = 'DONE' where id = $1";
  /** A refund that could not be carried out waits an hour, behind the others, instead of blocking them. */
  static final String LATER = "update agency_refund set due_at = $2::timestamptz + interval '1 hour' where id = $1 and state = 'WAITING'";

  private final Pool pool;
  private final Refunds refunds;
  private final HouseholdStore households;
  private final Regions regions;
  private final Clock clock;

  public AgencyRefunds(Pool pool, Refunds refunds, HouseholdStore households, Regions regions, Clock clock) {
    this.pool = pool;
    this.refunds = refunds;
    this.households = households;
    this.regions = regions;
    this.clock = clock;
  }

  /** Carries out due refunds one by one (at most {@code max} this round). */
  public Future<Void> runDue(int max) {
    if (max == 0) {
      return Future.succeededFuture();
    }
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    long[] claimed = {0};
    return pool.withTransaction(conn -> conn.preparedQuery(CLAIM).execute(Tuple.of(now)).compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(Optional.<UUID>empty());
          }
          Row a = rows.iterator().next();
          claimed[0] = a.getLong("id");
          return carryOut(conn, a, now).map(Optional::ofNullable);
        }))
        .recover(e -> {
          if (claimed[0] == 0) {
            return Future.failedFuture(e);
          }
          LOG.warn("agency refund {} not carried out, tried again in an hour: {}", claimed[0], e.toString());
          return pool.preparedQuery(LATER).execute(Tuple.of(claimed[0], now)).map(x -> Optional.<UUID>empty());
        })
        .compose(order -> {
          if (claimed[0] == 0) {
            return Future.succeededFuture();
          }
          Future<Void> request = order.isEmpty() ? Future.succeededFuture()
              : refunds.requestPending(order.get()).recover(e -> Future.succeededFuture());
          return request.compose(x -> runDue(max - 1));
        });
  }

  private Future<UUID> carryOut(SqlConnection conn, Row a, OffsetDateTime now) {
    UUID order = a.getUUID("order_id");
    long person = a.getLong("person_id");
    String ins = a.getString("insurance");
    boolean whole = a.getBoolean("whole");
    ItemRefund refund = new ItemRefund(order, person, ins, whole);
    Future<Long> asked = whole ? Future.succeededFuture(a.getLong("amount_fen")) : difference(conn, a);
    // what is left of the item to refund, and its number: a whole refund after differences gives back the rest, a later
    // category's difference what the earlier ones did not
    Future<ItemRefund.Decision> decided = asked.compose(fen -> fen <= 0
        ? Future.succeededFuture(new ItemRefund.Decision(0, null, refund.number())) : refund.decide(conn, fen));
    return decided.compose(d -> {
      long fen = d.existing() != null ? 0L : d.fen();
      String no = d.number();
      if (d.release()) {
        // every fen went back as differences: no money to move, but the item is undone at the agency all the same
        return refund.releaseWithoutMoney(conn, a.getString("reason"), now)
            .compose(fresh -> !fresh ? Future.<Void>succeededFuture() : AuditLog.record(conn, AuditLog.Change.of("agency",
                "agency.refund", no, new JsonObject().put("order", order.toString()).put("insurance", ins)
                    .put("reason", a.getString("reason")).put("amountFen", 0).put("givenBackBefore", d.existing())
                    .put("agencyRefund", a.getLong("id")))))
            .compose(x -> conn.preparedQuery(DONE).execute(Tuple.of(a.getLong("id")))).map(false);
      }
      return fen <= 0 ? conn.preparedQuery(DONE).execute(Tuple.of(a.getLong("id"))).map(x -> false)
        : RefundStore.insert(conn, order, no, fen, a.getString("reason"), now).compose(fresh -> !fresh
            ? conn.preparedQuery(DONE).execute(Tuple.of(a.getLong("id"))).map(x -> false)
            : (whole ? OrderStore.releaseItem(conn, order, person, ins) : Future.succeededFuture(false))
                .compose(x -> Outbox.reversal(conn, new Outbox.Reversal(order, person, ins, fen, a.getString("reason"), whole, no, now)))
                .compose(x -> conn.preparedQuery(DONE).execute(Tuple.of(a.getLong("id"))))
                .compose(x -> AuditLog.record(conn, AuditLog.Change.of("agency", "agency.refund", no, new JsonObject()
                    .put("order", order.toString()).put("insurance", ins).put("reason", a.getString("reason"))
                    // the planned refund by its row's number: the change's own id is the agency's text, which may hold
                    // an ID number
                    .put("amountFen", fen).put("agencyRefund", a.getLong("id")))))
                .map(true));
    }).map(refunded -> refunded ? order : null);
  }

  /** What the person paid beyond what they owe with the categories on record now. */
  private Future<Long> difference(SqlConnection conn, Row a) {
    return households.byRef(conn, a.getUUID("household_ref")).map(h -> ItemRefund.difference(h.orElseThrow(),
        a.getUUID("member_ref"), a.getString("insurance"), regions, a.getInteger("year"), a.getOffsetDateTime("paid_at"),
        a.getInteger("tier_yuan"), a.getLong("amount_fen")));
  }
}
