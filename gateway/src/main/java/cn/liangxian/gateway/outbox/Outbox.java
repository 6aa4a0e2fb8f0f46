package cn.liangxian.gateway.outbox;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * The hand-off outbox, written inside the caller's transaction: a CONTRIBUTION record for every item of
 * an order as it becomes paid, a REVERSAL record for an item as it is refunded. What is committed is
 * delivered later (the {@code handoff} package); what is rolled back was never written.
 */
public final class Outbox {
  static final String CONTRIBUTIONS = "insert into handoff_record (kind, order_id, person_id, region_code, township, village,"
      + " insurance, year, tier_yuan, personal_fen, government_fen, subsidy_fen, later_fen, rules, categories, channel,"
      + " channel_txn_id, paid_at, created_at, next_attempt_at)"
      + " select 'CONTRIBUTION', o.id, i.person_id, v.region_code, v.township, v.name, i.insurance, i.year, i.tier_yuan,"
      + " i.personal_fen, i.government_fen, i.subsidy_fen, i.later_fen, i.rules,"
      + " coalesce((select jsonb_agg(jsonb_build_object('category', c.category, 'department', c.department)"
      + " order by c.category, c.department) from person_category c where c.person_id = i.person_id"
      // as the lookup assessed it: a cross-check an operator resolved leaves only the category chosen
      + " and not exists (select 1 from cross_check x where x.person_id = c.person_id and x.resolved_category <> c.category)),"
      + " '[]'::jsonb),"
      + " o.channel, $2, $3, $3, $3 from orders o join order_item i on i.order_id = o.id"
      + " join household h on h.id = o.household_id join village v on v.id = h.village_id where o.id = $1"
      + " on conflict do nothing";
  // a reversal copies its contribution; a partial one (a category that arrived late) reverses only the refunded personal part
  static final String REVERSAL = "insert into handoff_record (kind, order_id, person_id, region_code, township, village,"
      + " insurance, year, tier_yuan, personal_fen, government_fen, subsidy_fen, later_fen, rules, categories, channel,"
      + " channel_txn_id, paid_at, reason, refund_no, created_at, next_attempt_at)"
      + " select 'REVERSAL', c.order_id, c.person_id, c.region_code, c.township, c.village, c.insurance, c.year, c.tier_yuan,"
      + " $4, case when $6 then c.government_fen else 0 end, case when $6 then c.subsidy_fen else 0 end,"
      + " case when $6 then c.later_fen else 0 end, c.rules, c.categories, c.channel, c.channel_txn_id, c.paid_at, $5, $7, $8, $8"
      + " from handoff_record c where c.kind = 'CONTRIBUTION' and c.order_id = $1 and c.person_id = $2 and c.insurance = $3"
      + " on conflict do nothing";

  /** Every statement above, prepared on each connection when it opens. */
  public static final List<String> STATEMENTS = List.of(CONTRIBUTIONS, REVERSAL);

  private Outbox() {}

  /**
   * One record per item of an order just marked paid, in the caller's transaction, dated the moment the payer paid:
   * its day's file (a further one when that day's is written) and its day's reconciliation are those of the payment,
   * however late the gateway heard of it.
   */
  public static Future<Void> contributions(SqlConnection conn, UUID orderId, String transactionId, OffsetDateTime paidAt) {
    return conn.preparedQuery(CONTRIBUTIONS).execute(Tuple.of(orderId, transactionId, paidAt)).mapEmpty();
  }

  /**
   * A refund of one item, in the refund's transaction: whole (the item is no longer paid) or part of its personal amount.
   * False when the item already has a reversal under that refund number.
   */
  public static Future<Boolean> reversal(SqlConnection conn, Reversal r) {
    return conn.preparedQuery(REVERSAL).execute(Tuple.from(new Object[] {r.orderId(), r.personId(), r.insurance(), r.amountFen(),
        r.reason(), r.whole(), r.refundNo(), r.at()})).map(rows -> rows.rowCount() > 0);
  }

  /** One item's refund as the outbox records it. */
  public record Reversal(UUID orderId, long personId, String insurance, long amountFen, String reason, boolean whole,
      String refundNo, OffsetDateTime at) {}
}
