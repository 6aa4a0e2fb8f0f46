package cn.liangxian.gateway.refund;

import cn.liangxian.gateway.audit.AuditLog;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.Replies;
import cn.liangxian.gateway.operator.AuditTrail;
import cn.liangxian.gateway.operator.Operator;
import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.order.OutTradeNo;
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

/**
 * Refunds that went back to the resident twice: the channel refused them, finance paid them back another way
 * ({@link FailedRefunds}), and then the channel confirmed them after all. {@code GET
 * /api/v1/operator/refunds/paid-back-twice[?recovered=true]} lists them inside the operator's scope (those not yet
 * recovered, or those recovered); {@code POST /api/v1/operator/refunds/{outRefundNo}/recovered} {how, reference} records
 * that finance recovered one of the two (the resident returned it, or it was written off): finance, audited, once. Until
 * then {@code liangxian_refunds_paid_back_twice} counts it, from the database, whichever instance heard the channel.
 */
public final class PaidBackTwice {
  /** A refund paid back twice: confirmed by the channel after finance recorded paying it back another way. */
  static final String TWICE = "f.state = 'SUCCESS' and f.settled_at is not null";
  static final String LIST = "select f.out_refund_no, f.order_id, f.amount_fen, coalesce(f.channel, o.channel) as channel,"
      + " f.updated_at, f.settled_at, f.settled_by, f.settled_how, f.settled_reference, f.recovered_at, f.recovered_by,"
      + " f.recovered_how, f.recovered_reference, v.region_code, v.township, v.name as village, p.name, p.id_masked, p.id_tail"
      + FailedRefunds.PLACE + FailedRefunds.MEMBER + " where " + TWICE + " and (f.recovered_at is not null) = $4 and ($1::text is null or v.region_code = $1)"
      + " and ($2::text is null or v.township = $2) and ($3::text is null or v.name = $3) order by f.id limit 500";
  static final String ONE = "select f.order_id, f.amount_fen, f.state, f.settled_at, f.recovered_at, f.recovered_by,"
      + " f.recovered_how, f.recovered_reference, v.region_code, v.township, v.name as village" + FailedRefunds.PLACE
      + " where f.out_refund_no = $1 for update of f";
  static final String RECOVER = "update refund f set recovered_at = $2, recovered_by = $3, recovered_how = $4,"
      + " recovered_reference = $5 where f.out_refund_no = $1 and " + TWICE + " and f.recovered_at is null";
  /** How many are not recovered yet: the gauge, read by the leader's sweep. */
  public static final String OPEN = "select count(*) from refund f where " + TWICE + " and f.recovered_at is null";

  /** Every statement above, checked against the schema when the gateway starts. */
  public static final java.util.List<String> STATEMENTS = java.util.List.of(LIST, ONE, RECOVER, OPEN);

  private final Pool pool;
  private final PersonalDataCipher cipher;
  private final Clock clock;

  public PaidBackTwice(Pool pool, Clock clock, PersonalDataCipher cipher) {
    this.pool = pool;
    this.cipher = cipher;
    this.clock = clock;
  }

  public void list(RoutingContext ctx) {
    Operator op = Operator.of(ctx).require(Role.FINANCE);
    ctx.put(AuditTrail.ACTION, "refund.twice.read");
    boolean recovered = FailedRefunds.flag(ctx, "recovered");
    var s = op.scope();
    Replies.json(ctx, pool.preparedQuery(LIST).execute(Tuple.of(s.region(), s.township(), s.village(), recovered))
        .map(rows -> {
          JsonArray out = new JsonArray();
          for (Row r : rows) {
            JsonObject f = FailedRefunds.person(new JsonObject(), r, cipher).put("outRefundNo", r.getString("out_refund_no"))
                .put("orderId", r.getUUID("order_id").toString()).put("outTradeNo", OutTradeNo.of(r.getUUID("order_id")))
                .put("channel", r.getString("channel")).put("amountFen", r.getLong("amount_fen"))
                .put("confirmedAt", utc(r.getOffsetDateTime("updated_at")))
                .put("settledAt", utc(r.getOffsetDateTime("settled_at"))).put("settledBy", r.getString("settled_by"))
                .put("settledHow", r.getString("settled_how")).put("settledReference", r.getString("settled_reference"))
                .put("region", r.getString("region_code")).put("township", r.getString("township"))
                .put("village", r.getString("village")).put("recovered", r.getOffsetDateTime("recovered_at") != null);
            if (r.getOffsetDateTime("recovered_at") != null) {
              f.put("recoveredAt", utc(r.getOffsetDateTime("recovered_at"))).put("recoveredBy", r.getString("recovered_by"))
                  .put("how", r.getString("recovered_how")).put("reference", r.getString("recovered_reference"));
            }
            out.add(f);
          }
          return new JsonObject().put("refunds", out);
        }));
  }

  public void recover(RoutingContext ctx) {
    Operator op = Operator.of(ctx).require(Role.FINANCE);
    ctx.put(AuditTrail.ACTION, "refund.recover");
    String no = FailedRefunds.number(ctx);
    FailedRefunds.Voucher v = FailedRefunds.Voucher.of(ctx);
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    Replies.json(ctx, pool.withTransaction(conn -> conn.preparedQuery(ONE).execute(Tuple.of(no)).compose(rows -> {
      Row r = rows.size() == 0 ? null : rows.iterator().next();
      if (r == null) {
        return Future.failedFuture(Problem.notFound("refund-not-found", "No such refund", "no refund " + no));
      }
      op.requireScope(r.getString("region_code"), r.getString("township"), r.getString("village"));
      if (!r.getString("state").equals("SUCCESS") || r.getOffsetDateTime("settled_at") == null) {
        return Future.failedFuture(Problem.conflict("refund-not-paid-back-twice", "Not paid back twice",
            "only a refund paid back another way and then confirmed by the channel went back twice; this one is "
                + r.getString("state") + (r.getOffsetDateTime("settled_at") == null ? ", not paid back another way" : ""),
            new JsonObject().put("state", r.getString("state")).put("settled", r.getOffsetDateTime("settled_at") != null)));
      }
      if (r.getOffsetDateTime("recovered_at") != null) {
        FailedRefunds.Voucher was = new FailedRefunds.Voucher(r.getString("recovered_how"), r.getString("recovered_reference"));
        return v.again(was, answer(no, r.getLong("amount_fen"), r.getOffsetDateTime("recovered_at"), r.getString("recovered_by"), was),
            "refund-recovered-already", "Recovered already", "refund " + no + " was recorded as recovered already, by "
                + r.getString("recovered_by") + " at " + r.getOffsetDateTime("recovered_at") + "; a recovery is recorded once");
      }
      JsonObject after = answer(no, r.getLong("amount_fen"), now, op.username(), v);
      return conn.preparedQuery(RECOVER).execute(Tuple.of(no, now, op.username(), v.how(), v.reference()))
          .compose(x -> AuditLog.record(conn, new AuditLog.Change(op.username(), "refund.recover", no,
              new JsonObject().put("order", r.getUUID("order_id").toString()).put("state", "SUCCESS").put("settled", true)
                  .put("recovered", false).put("amountFen", r.getLong("amount_fen")),
              FailedRefunds.audited(after).put("order", r.getUUID("order_id").toString()))))
          .map(after);
    })));
  }

  private static JsonObject answer(String no, long fen, OffsetDateTime at, String by, FailedRefunds.Voucher v) {
    return new JsonObject().put("outRefundNo", no).put("amountFen", fen).put("state", "SUCCESS").put("settled", true)
        .put("recovered", true).put("recoveredAt", utc(at)).put("recoveredBy", by).put("how", v.how())
        .put("reference", v.reference());
  }

  private static String utc(OffsetDateTime t) {
    return cn.liangxian.gateway.time.UtcTime.iso(t);
  }
}
