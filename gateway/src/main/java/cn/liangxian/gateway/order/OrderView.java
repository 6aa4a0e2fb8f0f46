package cn.liangxian.gateway.order;

import cn.liangxian.gateway.privacy.Masking;
import cn.liangxian.gateway.privacy.PersonalDataCipher;
import cn.liangxian.gateway.time.BeijingTime;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

/** An order as the API shows it: items with masked names and ID numbers, refunds, the pay data while paying. */
final class OrderView {
  // the columns it shows named, never o.*: a statement prepared on an instance still running while a later version adds
  // a column would otherwise fail on every connection that had it prepared ("cached plan must not change result type")
  static final String SQL = "select o.id, o.state, o.channel, o.mode, o.total_fen, o.created_at, o.expires_at, o.paid_at,"
      + " o.channel_txn_id, o.state_reason, o.payment, o.client_id, (select json_agg(json_build_object('memberRef', p.ref, 'name', p.name,"
      + " 'idMasked', p.id_masked, 'idTail', encode(p.id_tail, 'base64'), 'insurance', i.insurance, 'year', i.year, 'tier', i.tier_yuan, 'personalFen', i.personal_fen,"
      + " 'governmentFen', i.government_fen, 'subsidyFen', i.subsidy_fen, 'laterSubsidyFen', i.later_fen, 'totalFen', i.total_fen,"
      + " 'rules', i.rules) order by p.birth_date, p.id, i.insurance) from order_item i join person p on p.id = i.person_id"
      + " where i.order_id = o.id) as items, (select json_agg(json_build_object('outRefundNo', f.out_refund_no, 'amountFen', f.amount_fen,"
      + " 'reason', f.reason, 'state', f.state, 'settledElsewhere', f.settled_at is not null) order by f.id) from refund f"
      + " where f.order_id = o.id) as refunds,"
      + " r.name as region_name from orders o join region r on r.code = o.region_code where o.id = $1";


  private OrderView() {}

  static JsonObject of(Row r, PersonalDataCipher cipher) {
    JsonObject o = new JsonObject().put("id", r.getUUID("id").toString()).put("outTradeNo", OutTradeNo.of(r.getUUID("id")))
        .put("state", r.getString("state")).put("channel", r.getString("channel")).put("mode", r.getString("mode"))
        .put("totalFen", r.getLong("total_fen")).put("region", r.getString("region_name"))
        .put("createdAt", BeijingTime.iso(r.getOffsetDateTime("created_at")))
        .put("expiresAt", BeijingTime.iso(r.getOffsetDateTime("expires_at"))).put("items", items(r, cipher));
    if (r.getOffsetDateTime("paid_at") != null) {
      // Beijing time with its offset, to the second, as residents' apps show it
      o.put("paidAt", BeijingTime.iso(r.getOffsetDateTime("paid_at"))).put("transactionId", r.getString("channel_txn_id"));
    }
    if (r.getString("state_reason") != null) {
      o.put("stateReason", r.getString("state_reason"));
    }
    Object refunds = r.getValue("refunds");
    if (refunds != null) {
      JsonArray all = refunds instanceof JsonArray a ? a : new JsonArray(refunds.toString());
      o.put("refunds", all);
      o.put("moneyBack", moneyBack(r.getString("state"), all));
    }
    Object payment = r.getValue("payment");
    if (payment != null && r.getString("state").equals("PAYING")) {
      o.put("payment", payment instanceof JsonObject j ? j : new JsonObject(payment.toString()));
    }
    return o;
  }

  /**
   * Where the money the refunds give back is, in the resident's words, decided here once for every screen (款项…): gone
   * back the way it came, given back another way by finance (cash, a bank transfer), still going back the way it came,
   * or refused by the channel and to be given back by the staff.
   */
  static String moneyBack(String orderState, JsonArray refunds) {
    boolean owedByStaff = false;
    boolean underWay = false;
    boolean otherWay = false;
    for (Object x : refunds) {
      JsonObject f = x instanceof JsonObject j ? j : new JsonObject();
      boolean settled = Boolean.TRUE.equals(f.getBoolean("settledElsewhere"));
      otherWay |= settled;
      if ("FAILED".equals(f.getString("state")) && !settled) {
        owedByStaff = true;
      } else if (!"SUCCESS".equals(f.getString("state")) && !settled) {
        underWay = true;
      }
    }
    if (owedByStaff) {
      return "将由工作人员退还";
    }
    if (underWay && !orderState.equals("REFUNDED")) {
      return "将原路退回";
    }
    return otherWay ? "已退回" : "已原路退回";
  }

  private static JsonArray items(Row r, PersonalDataCipher cipher) {
    JsonArray items = new JsonArray();
    Object raw = r.getValue("items");
    JsonArray src = raw instanceof JsonArray a ? a : new JsonArray(String.valueOf(raw));
    for (Object o : src) {
      JsonObject i = ((JsonObject) o).copy();
      i.put("name", Masking.name(i.getString("name")));
      // Base64 as the statement encodes it (a bytea's own text follows the session's bytea_output)
      Object tail = i.remove("idTail");
      i.put("idNumber", cipher.masked((String) i.remove("idMasked"),
          tail == null ? null : java.util.Base64.getMimeDecoder().decode(tail.toString())));
      items.add(i);
    }
    return items;
  }
}
