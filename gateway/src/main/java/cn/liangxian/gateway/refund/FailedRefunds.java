package cn.liangxian.gateway.refund;

import cn.liangxian.gateway.audit.AuditLog;
import cn.liangxian.gateway.http.JsonBodies;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.Replies;
import cn.liangxian.gateway.operator.AuditTrail;
import cn.liangxian.gateway.operator.Operator;
import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.order.OrderStore;
import cn.liangxian.gateway.order.OutTradeNo;
import cn.liangxian.gateway.privacy.Masking;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import cn.liangxian.gateway.privacy.PersonalDataCipher;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Refunds the channel refused for good (FAILED), which finance pays back another way: {@code GET
 * /api/v1/operator/refunds/failed[?settled=true]} lists them inside the operator's scope (those still owed, or those
 * settled), {@code POST /api/v1/operator/refunds/{outRefundNo}/settled} {how, reference} records that one was paid back
 * (finance; audited with its before and after). A settled refund stays FAILED (no channel moved the money, no bill
 * lists it) but counts as given back: on the receipt (已退款（线下）), in the lookup, and no longer in
 * {@code liangxian_refunds_failed}. It is settled once: the same record again answers the same, another is 409.
 */
public final class FailedRefunds {
  static final Pattern NUMBER = Pattern.compile("[0-9A-Za-z_-]{1,64}");
  static final String PLACE = " from refund f join orders o on o.id = f.order_id join household h on h.id = o.household_id"
      + " join village v on v.id = h.village_id";
  /**
   * What a refund refused by the channel still owes the resident, in SQL, for the refund row {@code f}. An item's refund
   * ({@code <trade>-<person><M|P>} for the whole item, the same and {@code D}, {@code D2}... for differences; see {@link ItemRefund})
   * owes at most what the member paid for the item less what the item's other refund gave back or is giving back: a
   * whole refund decided after the difference was already less by it, and one decided before is owed the rest; the
   * difference is owed nothing once the whole item went back. Any other refund owes its amount. Without it finance would
   * pay back twice what another refund returned.
   */
  public static String owedFen(String f) {
    String item = "regexp_match(" + f + ".out_refund_no, '" + ItemRefund.NUMBER_TAIL + "')";
    return "case when " + f + ".out_refund_no ~ '" + ItemRefund.NUMBER_TAIL + "' then greatest(0, least(" + f + ".amount_fen,"
        + " coalesce((select i.personal_fen from order_item i where i.order_id = " + f + ".order_id and i.person_id = (" + item
        + ")[1]::bigint and i.insurance = case (" + item + ")[2] when 'M' then 'medical' else 'pension' end), " + f + ".amount_fen)"
        // the item's other refunds (its whole one, its differences), by the item's number they share
        + " - coalesce((select sum(w.amount_fen) from refund w where w.order_id = " + f + ".order_id and w.out_refund_no <> " + f
        + ".out_refund_no and regexp_replace(w.out_refund_no, 'D[0-9]*$', '') = regexp_replace(" + f + ".out_refund_no, 'D[0-9]*$', '')"
        + " and (w.state <> 'FAILED' or w.settled_at is not null)), 0))) else " + f + ".amount_fen end";
  }

  /**
   * The member an item's refund gives back to ({@code p}; none for a whole order's refund), joined after {@link #PLACE}:
   * finance finds whom to pay back by the masked name and ID number ({@link #person}).
   */
  static final String MEMBER = " left join person p on p.id = (regexp_match(f.out_refund_no, '" + ItemRefund.NUMBER_TAIL
      + "'))[1]::bigint and p.household_id = h.id";

  /** The member's masked name and ID number, where the refund is an item's ({@link #MEMBER}, columns name, id_masked, id_tail). */
  static JsonObject person(JsonObject out, Row r, PersonalDataCipher cipher) {
    if (r.getString("id_masked") != null) {
      out.put("name", Masking.name(r.getString("name"))).put("idNumber", cipher.masked(r.getString("id_masked"), r.getBuffer("id_tail")));
    }
    return out;
  }

  /** Every refund of the refund's order, locked: two settlements of one item's refunds wait for each other. */
  static final String LOCK_ORDER = "select 1 from refund where order_id = (select order_id from refund where out_refund_no = $1)"
      + " for update";
  static final String LIST = "select f.out_refund_no, f.order_id, f.amount_fen, f.reason, f.last_error, f.created_at, f.updated_at,"
      + " coalesce(f.channel, o.channel) as channel, v.region_code, v.township, v.name as village, f.settled_at, f.settled_by,"
      + " f.settled_how, f.settled_reference, p.name, p.id_masked, p.id_tail, " + owedFen("f") + " as owed_fen" + PLACE + MEMBER
      + " where f.state = 'FAILED' and (f.settled_at is not null) = $4 and ($1::text is null or v.region_code = $1)"
      + " and ($2::text is null or v.township = $2) and ($3::text is null or v.name = $3)"
      // still owed: one another refund of its item covered entirely is owed nothing
      + " and ($4 or " + owedFen("f") + " > 0) order by f.id limit 500";
  static final String ONE = "select f.order_id, f.amount_fen, f.state, f.settled_at, f.settled_by, f.settled_how, f.settled_reference,"
      + " v.region_code, v.township, v.name as village, " + owedFen("f") + " as owed_fen" + PLACE
      + " where f.out_refund_no = $1 for update of f";
  static final String SETTLE = "update refund set settled_at = $2, settled_by = $3, settled_how = $4, settled_reference = $5"
      + " where out_refund_no = $1 and state = 'FAILED' and settled_at is null";

  /** Every statement above, checked against the schema when the gateway starts. */
  public static final java.util.List<String> STATEMENTS = java.util.List.of(LIST, ONE, SETTLE, LOCK_ORDER);

  private final Pool pool;
  private final PersonalDataCipher cipher;
  private final Clock clock;

  public FailedRefunds(Pool pool, Clock clock, PersonalDataCipher cipher) {
    this.pool = pool;
    this.cipher = cipher;
    this.clock = clock;
  }

  public void list(RoutingContext ctx) {
    Operator op = Operator.of(ctx).require(Role.FINANCE);
    ctx.put(AuditTrail.ACTION, "refund.failed.read");
    boolean settled = flag(ctx, "settled");
    var s = op.scope();
    Replies.json(ctx, pool.preparedQuery(LIST).execute(Tuple.of(s.region(), s.township(), s.village(), settled)).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        JsonObject f = person(new JsonObject(), r, cipher).put("outRefundNo", r.getString("out_refund_no"))
            .put("orderId", r.getUUID("order_id").toString()).put("outTradeNo", OutTradeNo.of(r.getUUID("order_id")))
            .put("channel", r.getString("channel")).put("amountFen", r.getLong("amount_fen")).put("reason", r.getString("reason"))
            .put("lastError", r.getString("last_error")).put("requestedAt", cn.liangxian.gateway.time.UtcTime.iso(r.getOffsetDateTime("created_at")))
            .put("refusedAt", cn.liangxian.gateway.time.UtcTime.iso(r.getOffsetDateTime("updated_at")))
            .put("region", r.getString("region_code")).put("township", r.getString("township")).put("village", r.getString("village"))
            .put("owedFen", r.getLong("owed_fen")).put("settled", r.getOffsetDateTime("settled_at") != null);
        if (r.getOffsetDateTime("settled_at") != null) {
          f.put("settledAt", cn.liangxian.gateway.time.UtcTime.iso(r.getOffsetDateTime("settled_at"))).put("settledBy", r.getString("settled_by"))
              .put("how", r.getString("settled_how")).put("reference", r.getString("settled_reference"));
        }
        out.add(f);
      }
      return new JsonObject().put("refunds", out);
    }));
  }

  public void settle(RoutingContext ctx) {
    Operator op = Operator.of(ctx).require(Role.FINANCE);
    ctx.put(AuditTrail.ACTION, "refund.settle");
    String no = number(ctx);
    Voucher v = Voucher.of(ctx);
    String how = v.how();
    String reference = v.reference();
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    Replies.json(ctx, pool.withTransaction(conn -> conn.preparedQuery(LOCK_ORDER).execute(Tuple.of(no))
        .compose(locked -> conn.preparedQuery(ONE).execute(Tuple.of(no))).compose(rows -> {
      Row r = rows.size() == 0 ? null : rows.iterator().next();
      if (r == null) {
        return Future.failedFuture(Problem.notFound("refund-not-found", "No such refund", "no refund " + no));
      }
      op.requireScope(r.getString("region_code"), r.getString("township"), r.getString("village"));
      if (!r.getString("state").equals("FAILED")) {
        return Future.failedFuture(Problem.conflict("refund-not-failed", "Not refused by the channel",
            "only a refund the channel refused for good (FAILED) is paid back another way; this one is " + r.getString("state"),
            new JsonObject().put("state", r.getString("state"))));
      }
      if (r.getOffsetDateTime("settled_at") != null) {
        return v.again(new Voucher(r.getString("settled_how"), r.getString("settled_reference")),
            answer(no, r.getLong("amount_fen"), r.getOffsetDateTime("settled_at"), r.getString("settled_by"),
                r.getString("settled_how"), r.getString("settled_reference")),
            "refund-settled-already", "Settled already", "refund " + no + " was recorded as paid back another way already, by "
                + r.getString("settled_by") + " at " + r.getOffsetDateTime("settled_at") + "; a settlement is recorded once");
      }
      if (r.getLong("owed_fen") == 0) {
        return Future.failedFuture(Problem.conflict("refund-covered", "Given back by another refund",
            "the other refund of this item has given back all of refund " + no + "'s " + r.getLong("amount_fen")
                + " fen since: nothing is owed, so nothing is to be paid back another way", new JsonObject().put("owedFen", 0)));
      }
      JsonObject after = answer(no, r.getLong("amount_fen"), now, op.username(), how, reference)
          .put("owedFen", r.getLong("owed_fen"));
      return conn.preparedQuery(SETTLE).execute(Tuple.of(no, now, op.username(), how, reference))
          // an order that never took its payment, the payment now back, is refunded, as when the channel confirms
          .compose(x -> OrderStore.markRefunded(conn, r.getUUID("order_id")))
          .compose(x -> AuditLog.record(conn, new AuditLog.Change(op.username(), "refund.settle", no,
              new JsonObject().put("order", r.getUUID("order_id").toString()).put("state", "FAILED").put("settled", false)
                  .put("amountFen", r.getLong("amount_fen")),
              audited(after).put("order", r.getUUID("order_id").toString()))))
          .map(after);
    })));
  }

  /**
   * An answer as the audit log keeps it, which administrators read: how and with what voucher the money went, its long
   * digit runs (an account, a card, a phone number) masked; finance reads them whole on the refund itself.
   */
  static JsonObject audited(JsonObject answer) {
    JsonObject a = answer.copy();
    a.put("how", cn.liangxian.gateway.privacy.Masking.digitRuns(a.getString("how")));
    a.put("reference", cn.liangxian.gateway.privacy.Masking.digitRuns(a.getString("reference")));
    return a;
  }

  /** A query parameter true or false (absent: false); 400 for anything else. */
  static boolean flag(RoutingContext ctx, String name) {
    String v = ctx.queryParams().get(name);
    if (v != null && !v.equals("true") && !v.equals("false")) {
      throw Problem.invalidField(name, name + " is true or false");
    }
    return "true".equals(v);
  }

  /** The refund's number from the path: 400 for anything that cannot be one. */
  static String number(RoutingContext ctx) {
    String no = ctx.pathParam("outRefundNo");
    if (!NUMBER.matcher(no).matches()) {
      throw Problem.invalidField("outRefundNo", "outRefundNo is the refund's number (letters, digits, '-' and '_', at most 64)");
    }
    return no;
  }

  /** What finance records of money moved outside the channels: how, in its own words, and under which voucher. */
  record Voucher(String how, String reference) {
    /** From the request's body, which holds these two and nothing else: 400 otherwise. */
    static Voucher of(RoutingContext ctx) {
      JsonObject b = JsonBodies.object(ctx, Set.of("how", "reference"));
      return new Voucher(JsonBodies.requiredString(b, "how", 200), JsonBodies.requiredString(b, "reference", 100));
    }

    /**
     * This voucher sent where {@code recorded} was recorded already (such a record is made once): the same one again
     * (an answer lost on the way) gets the same answer and writes nothing; another is refused, 409 {@code type}.
     */
    Future<JsonObject> again(Voucher recorded, JsonObject answer, String type, String title, String detail) {
      return equals(recorded) ? Future.succeededFuture(answer) : Future.failedFuture(Problem.conflict(type, title, detail, answer));
    }
  }

  private static JsonObject answer(String no, long fen, OffsetDateTime at, String by, String how, String reference) {
    return new JsonObject().put("outRefundNo", no).put("amountFen", fen).put("state", "FAILED").put("settled", true)
        .put("settledAt", cn.liangxian.gateway.time.UtcTime.iso(Objects.requireNonNull(at))).put("settledBy", by)
        .put("how", how).put("reference", reference);
  }
}
