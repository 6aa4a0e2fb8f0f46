package cn.liangxian.gateway.refund;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An order's refunds, each with what it gives back: one item whole or an item's difference (told apart by the
 * numbers {@link ItemRefund} gives them), a payment the order never took (its own {@code R} number, with a reason
 * code: the money of another payment, not the order's), or else the order's payment, not tied to one item.
 */
public final class OrderRefunds {
  /** What a refund gives back. */
  public enum Covers {
    /** One item, whole: it is no longer paid. */
    ITEM,
    /** Part of one item's personal amount (a category that arrived late); the item stays paid. */
    DIFFERENCE,
    /** A payment the order could not take (paid twice, too late, another channel, merchant or amount). */
    UNTAKEN_PAYMENT,
    /** The order's payment, not tied to one item. */
    ORDER
  }

  /**
   * A refund of the order. {@code memberRef} and {@code insurance} name the item of an {@link Covers#ITEM} or
   * {@link Covers#DIFFERENCE} refund (null otherwise); {@code updatedAt} is when a SUCCESS refund was confirmed;
   * {@code settledAt}, when finance paid a refund the channel refused back another way (null: it did not).
   */
  public record Refund(String outRefundNo, long amountFen, String reason, String state, Covers covers, String memberRef,
      String insurance, OffsetDateTime updatedAt, OffsetDateTime settledAt) {
    /**
     * The money went back: the channel confirmed it, or finance paid back another way one the channel refused.
     * PENDING and REQUESTED are under way; FAILED and not settled is owed still.
     */
    public boolean done() {
      return state.equals("SUCCESS") || settledElsewhere();
    }

    /** The channel refused it and finance paid it back another way (a bank transfer, cash). */
    public boolean settledElsewhere() {
      return settledAt != null;
    }

    /** When the money went back (null while it has not): settled by finance, else confirmed by the channel. */
    public OffsetDateTime backAt() {
      return settledAt != null ? settledAt : done() ? updatedAt : null;
    }

    /** It gives back part of the order's own payment (not another payment's money). */
    public boolean ofThePayment() {
      return covers != Covers.UNTAKEN_PAYMENT;
    }
  }

  /** The order's items, each with whether it is released (no longer held by the order: refunded whole, or undone). */
  static final String ITEMS = "select p.ref, i.person_id, i.insurance, not exists (select 1 from reservation r"
      + " where r.order_id = i.order_id and r.person_id = i.person_id and r.insurance = i.insurance) as released"
      + " from order_item i join person p on p.id = i.person_id where i.order_id = $1";
  static final String REFUNDS = "select out_refund_no, amount_fen, reason, state, reason_code, updated_at, settled_at from refund"
      + " where order_id = $1 order by id";

  /** The reasons of items' whole reversals ($1: their whole numbers), by the unique index of reversals' numbers. */
  static final String WHOLE_REVERSALS = "select refund_no, reason from handoff_record where kind = 'REVERSAL'"
      + " and refund_no = any($1)";

  /** Every statement above, checked against the schema when the gateway starts. */
  public static final List<String> STATEMENTS = List.of(ITEMS, REFUNDS, WHOLE_REVERSALS);

  private OrderRefunds() {}

  /** {@link #of}'s refunds, with a whole refund of none for each item undone without money. */
  private static Future<List<Refund>> undone(Pool pool, List<Refund> out, Map<String, Row> byNumber) {
    if (out.stream().anyMatch(f -> f.covers() == Covers.ORDER)) {
      return Future.succeededFuture(out); // the order's payment went back as such: its items with it, as the receipt says
    }
    Map<String, List<Refund>> differences = new HashMap<>();
    for (Map.Entry<String, Row> e : byNumber.entrySet()) {
      Row item = e.getValue();
      if (!item.getBoolean("released") || out.stream().anyMatch(f -> f.outRefundNo().equals(e.getKey()))) {
        continue;
      }
      List<Refund> ofItem = out.stream().filter(f -> f.covers() == Covers.DIFFERENCE
          && ItemRefund.itemNumber(f.outRefundNo()).equals(e.getKey())).toList();
      if (!ofItem.isEmpty()) {
        differences.put(e.getKey(), ofItem);
      }
    }
    if (differences.isEmpty()) {
      return Future.succeededFuture(out);
    }
    return pool.preparedQuery(WHOLE_REVERSALS).execute(Tuple.of(differences.keySet().toArray(String[]::new))).map(rows -> {
      Map<String, String> reasons = new HashMap<>();
      rows.forEach(r -> reasons.put(r.getString("refund_no"), r.getString("reason")));
      differences.forEach((no, ofItem) -> {
        Row item = byNumber.get(no);
        boolean back = ofItem.stream().allMatch(Refund::done);
        OffsetDateTime at = back ? ofItem.stream().map(Refund::backAt).max(java.util.Comparator.naturalOrder()).orElseThrow() : null;
        out.add(new Refund(no, 0, reasons.getOrDefault(no, "released"), back ? "SUCCESS" : "PENDING", Covers.ITEM,
            item.getUUID("ref").toString(), item.getString("insurance"), at, null));
      });
      return out;
    });
  }

  /**
   * The order's refunds in the order they were made, each with what it covers; then each item undone without money
   * ({@link ItemRefund#releaseWithoutMoney}: released, with no whole refund, after differences that gave back all it
   * paid) as a whole refund of none, with the reason of its whole reversal: done once its differences are (their
   * money back), under way until then.
   */
  public static Future<List<Refund>> of(Pool pool, UUID orderId) {
    return pool.preparedQuery(ITEMS).execute(Tuple.of(orderId)).compose(items -> {
      // an item's refund numbers, whole and difference, to the item they name
      Map<String, Row> byNumber = new HashMap<>();
      for (Row i : items) {
        byNumber.put(new ItemRefund(orderId, i.getLong("person_id"), i.getString("insurance"), true).wholeNumber(), i);
      }
      return pool.preparedQuery(REFUNDS).execute(Tuple.of(orderId)).map(rows -> {
        List<Refund> out = new ArrayList<>();
        for (Row r : rows) {
          String no = r.getString("out_refund_no");
          Row item = byNumber.get(no);
          Covers covers = Covers.ITEM;
          if (item == null && !ItemRefund.itemNumber(no).equals(no)) {
            item = byNumber.get(ItemRefund.itemNumber(no));
            covers = Covers.DIFFERENCE;
          }
          if (item == null) {
            // a payment the order could not take is refunded under the order's number, R and a letter (with its reason
            // code since V18; older rows have none)
            covers = r.getString("reason_code") != null || no.startsWith(cn.liangxian.gateway.order.OutTradeNo.of(orderId) + "R")
                ? Covers.UNTAKEN_PAYMENT : Covers.ORDER;
          }
          out.add(new Refund(no, r.getLong("amount_fen"), r.getString("reason"), r.getString("state"), covers,
              item == null ? null : item.getUUID("ref").toString(), item == null ? null : item.getString("insurance"),
              r.getOffsetDateTime("updated_at"), r.getOffsetDateTime("settled_at")));
        }
        return out;
      }).compose(out -> undone(pool, out, byNumber));
    });
  }
}
