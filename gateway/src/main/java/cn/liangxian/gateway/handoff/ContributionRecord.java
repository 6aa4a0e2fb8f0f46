package cn.liangxian.gateway.handoff;

import cn.liangxian.channel.agency.AgencyEnvelope;
import cn.liangxian.gateway.order.OutTradeNo;
import cn.liangxian.gateway.privacy.PersonalDataCipher;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * One record as a receiver gets it (docs/agency-interface.md): the person's ID number and name sealed
 * under the message key, everything else in clear; a reversal carries its amounts as positive figures
 * and says why. The same fields make a JSON object (HTTP push) or a CSV row (daily files).
 */
final class ContributionRecord {
  static final ZoneId BEIJING = ZoneId.of("Asia/Shanghai");
  /** The CSV columns, in order. */
  static final List<String> COLUMNS = List.of("recordId", "kind", "region", "township", "village", "idNumber", "name", "insurance",
      "year", "tier", "personalFen", "governmentFen", "subsidyFen", "laterSubsidyFen", "categories", "rules", "channel", "merchant",
      "transactionId", "paidAt", "orderId", "receiptNo", "reason", "refundNo");

  private final PersonalDataCipher cipher;
  private final Map<String, String> merchants;

  ContributionRecord(PersonalDataCipher cipher, Map<String, String> merchants) {
    this.cipher = cipher;
    this.merchants = merchants;
  }

  JsonObject json(Row r, byte[] messageKey) {
    String receipt = OutTradeNo.of(r.getUUID("order_id"));
    return new JsonObject().put("recordId", r.getUUID("idempotency_id").toString()).put("kind", r.getString("kind"))
        .put("region", r.getString("region_code")).put("township", r.getString("township")).put("village", r.getString("village"))
        .put("idNumber", AgencyEnvelope.seal(messageKey, cipher.decrypt(r.getBuffer("id_enc").getBytes())))
        .put("name", AgencyEnvelope.seal(messageKey, r.getString("name")))
        .put("insurance", r.getString("insurance")).put("year", r.getInteger("year")).put("tier", r.getInteger("tier_yuan"))
        .put("personalFen", r.getLong("personal_fen")).put("governmentFen", r.getLong("government_fen"))
        .put("subsidyFen", r.getLong("subsidy_fen")).put("laterSubsidyFen", r.getLong("later_fen"))
        .put("categories", json(r.getValue("categories"))).put("rules", json(r.getValue("rules")))
        .put("channel", r.getString("channel")).put("merchant", r.getString("order_merchant") != null
            ? r.getString("order_merchant") : merchants.get(r.getString("channel")))
        .put("transactionId", r.getString("channel_txn_id"))
        // always with its seconds: OffsetDateTime.toString() leaves ":00" off a payment made on the minute, which a strict
        // reader of ISO 8601 (yyyy-MM-dd'T'HH:mm:ssXXX) refuses
        .put("paidAt", cn.liangxian.gateway.time.BeijingTime.iso(r.getOffsetDateTime("paid_at")))
        .put("orderId", r.getUUID("order_id").toString()).put("receiptNo", receipt)
        .put("reason", r.getString("reason")).put("refundNo", r.getString("refund_no"));
  }

  /** The same record as a CSV row; a reversal's personal amount negative, so that the control total is a plain sum. */
  String csv(Row r, byte[] messageKey) {
    JsonObject j = json(r, messageKey);
    if (j.getString("kind").equals("REVERSAL")) {
      j.put("personalFen", -j.getLong("personalFen"));
    }
    StringBuilder line = new StringBuilder();
    for (String c : COLUMNS) {
      if (line.length() > 0) {
        line.append(',');
      }
      Object v = j.getValue(c);
      line.append(cn.liangxian.gateway.http.CsvLines.field(v == null ? "" : v.toString()));
    }
    return line.toString();
  }

  /** The signed personal amount a row adds to the control total. */
  static long signedFen(Row r) {
    long fen = r.getLong("personal_fen");
    return r.getString("kind").equals("REVERSAL") ? -fen : fen;
  }

  private static Object json(Object v) {
    if (v instanceof JsonArray || v instanceof JsonObject) {
      return v;
    }
    return v == null ? new JsonArray() : new JsonArray(v.toString());
  }
}
