package cn.liangxian.gateway.refund;

import cn.liangxian.gateway.order.OrderStore;
import cn.liangxian.gateway.order.OutTradeNo;
import cn.liangxian.gateway.outbox.Outbox;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The refund of one paid item (a person's insurance in an order), by an operator or on an agency's word: the whole
 * item (death, employee insurance, insured or paid elsewhere) or the difference a category that arrived late makes.
 * Each has a number of its own, the same whoever asks, so neither can happen twice: the whole item's, and the
 * differences' ({@code D}, then {@code D2}, {@code D3} for a later category that lowers the amount further). A
 * difference gives back what the member paid beyond what they owe now less the differences given back before; the
 * whole refund after differences gives back the rest (none when they gave back all of it: it still releases the item
 * and undoes it at the agency), and a difference after the whole refund gives back nothing,
 * whether or not the channel refused the first: together they never give back more than the member paid for the item.
 */
public record ItemRefund(UUID orderId, long personId, String insurance, boolean whole) {
  static final String LOCK_ITEM = "select personal_fen from order_item where order_id = $1 and person_id = $2 and insurance = $3"
      + " for update";
  /**
   * The item's refunds made already, refused by the channel ones too: one refused is owed still (finance pays it back
   * another way, or the channel pays it after all, as a WeChat Pay refund ABNORMAL and handled since does), so the item's
   * other refund gives back only what it does not.
   */
  static final String REFUNDED = "select out_refund_no, amount_fen from refund where order_id = $1 and (out_refund_no = $2"
      + " or out_refund_no ~ ('^' || $2 || 'D[0-9]*$'))";
  /**
   * The order's whole payment given back on the channel's platform ({@link OutsideRefunds}): every item went back with
   * it, so no item of it is refunded again.
   */
  static final String ORDER_BACK = "select out_refund_no from refund where order_id = $1 and reason = '" + OutsideRefunds.REASON
      + "' and reason_code is null and state = 'SUCCESS' limit 1";

  /**
   * What to do, decided under the item's lock: refund {@code fen} under {@code number}, or nothing because
   * {@code existing} (a refund number) already covers it; {@code fen} 0 with no existing refund: nothing is owed.
   * {@code release}: a whole refund whose money the item's differences gave back already; the item is still to be
   * released and the agency told that it is undone ({@link #releaseWithoutMoney}).
   */
  public record Decision(long fen, String existing, String number, boolean release) {
    public Decision(long fen, String existing, String number) {
      this(fen, existing, number, false);
    }
  }

  /**
   * What a member paid for an item beyond what they owe with the categories on record now, assessed as at the payment
   * (the book of the year paid for, on the day it was paid): the difference a category that arrived late makes.
   */
  public static long difference(cn.liangxian.gateway.lookup.Household household, UUID memberRef, String insurance,
      cn.liangxian.gateway.lookup.Regions regions, int year, java.time.OffsetDateTime paidAt, Integer tier, long paidFen) {
    var region = regions.served(household.regionCode());
    var owed = cn.liangxian.gateway.lookup.HouseholdAssessor.assessAsPaid(household.member(memberRef),
        cn.liangxian.policy.Insurance.ofCode(insurance).orElseThrow(), region, year,
        cn.liangxian.gateway.channel.ChannelDays.beijingDay(paidAt), tier);
    return Math.max(0, paidFen - owed.personalFen());
  }

  /**
   * The end of an item refund's number, as a PostgreSQL regular expression: the person (group 1), M or P (group 2), and
   * "D" for a difference ({@link #number}). What reads a refund's item back from its number matches this.
   */
  public static final String NUMBER_TAIL = "-([0-9]+)([MP])(?:D[0-9]*)?$";

  /** The item's whole number of one of its refunds' numbers: a difference's without its {@code D} and count. */
  public static String itemNumber(String refundNumber) {
    return refundNumber.replaceFirst("D[0-9]*$", "");
  }

  /** The whole item's number: the order's trade number, the person and the insurance (M / P). */
  public String wholeNumber() {
    return OutTradeNo.of(orderId) + "-" + personId + (insurance.equals("medical") ? "M" : "P");
  }

  /** The refund's number: the whole item's, or for the item's first difference that number and "D" (see {@link #decide}). */
  public String number() {
    return whole ? wholeNumber() : differenceNumber(1);
  }

  /**
   * Locks the item in the caller's transaction and decides, against the refunds already made of it: a whole refund
   * gives back what a difference did not; a difference ({@code differenceFen}) is given back unless the whole item was.
   */
  public Future<Decision> decide(SqlConnection conn, long differenceFen) {
    String wholeNo = wholeNumber();
    return conn.preparedQuery(LOCK_ITEM).execute(Tuple.of(orderId, personId, insurance)).compose(item -> {
      if (item.size() == 0) {
        return Future.succeededFuture(new Decision(0, null, number()));
      }
      long paid = item.iterator().next().getLong("personal_fen");
      return conn.preparedQuery(ORDER_BACK).execute(Tuple.of(orderId)).compose(back -> back.size() > 0
          ? Future.succeededFuture(new Decision(0, back.iterator().next().getString("out_refund_no"), number()))
          : conn.preparedQuery(REFUNDED).execute(Tuple.of(orderId, wholeNo)).map(rows -> {
        long differences = 0;
        int count = 0;
        boolean wholeDone = false;
        for (Row r : rows) {
          if (r.getString("out_refund_no").equals(wholeNo)) {
            wholeDone = true;
          } else {
            differences += r.getLong("amount_fen");
            count++;
          }
        }
        // the differences are numbered in turn (D, D2, D3...): the last made is the count's
        String last = count == 0 ? null : differenceNumber(count);
        if (wholeDone) {
          return new Decision(0, wholeNo, wholeNo);
        }
        if (whole) {
          // differences that gave back every fen leave the item paid: the whole refund releases it all the same
          return paid - differences > 0 ? new Decision(paid - differences, null, wholeNo) : new Decision(0, last, wholeNo, count > 0);
        }
        long more = Math.min(differenceFen, paid) - differences;
        return more > 0 ? new Decision(more, null, differenceNumber(count + 1)) : new Decision(0, last, differenceNumber(count + 1));
      }));
    });
  }

  /**
   * A whole refund whose money the differences gave back already ({@link Decision#release}), in the caller's
   * transaction: the item released, and the agency's whole reversal under the whole item's number, with no personal
   * money in it and the government's parts undone (none where the item has no contribution record to undo). False when
   * an earlier whole refund of the item did both.
   */
  public Future<Boolean> releaseWithoutMoney(SqlConnection conn, String reason, OffsetDateTime at) {
    return OrderStore.releaseItem(conn, orderId, personId, insurance).compose(released -> Outbox.reversal(conn,
            new Outbox.Reversal(orderId, personId, insurance, 0, reason, true, wholeNumber(), at))
        .map(reversed -> released || reversed));
  }

  /** The item's {@code n}th difference's number: the whole item's and D, then D2, D3... */
  private String differenceNumber(int n) {
    return wholeNumber() + "D" + (n == 1 ? "" : Integer.toString(n));
  }
}
