package cn.liangxian.gateway.handoff;

import cn.liangxian.gateway.http.CsvUploads;
import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.http.Replies;
import cn.liangxian.gateway.operator.AuditTrail;
import cn.liangxian.gateway.operator.Operator;
import cn.liangxian.gateway.operator.Role;
import cn.liangxian.gateway.privacy.PersonalDataCipher;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code POST /api/v1/operator/handoff/agency-changes} (finance, {@code text/csv}, UTF-8 or
 * GB18030): the same changes as the signed endpoint, from a file an agency sent by other means. Columns
 * {@code change_id,kind,id_number,insurance,year,category,department,valid_from,place}; answered per
 * row as the endpoint answers per change. A cell that cannot be read (an ID number not of 18 characters, a
 * year not a whole number, a date not written as 2019-01-01) is a 400 naming its line and column, and the file
 * changes nothing. Parsing runs on a worker.
 */
public final class AgencyChangeFile {
  private final Vertx vertx;
  private final AgencyChanges changes;
  private final PersonalDataCipher cipher;

  public AgencyChangeFile(Vertx vertx, AgencyChanges changes, PersonalDataCipher cipher) {
    this.vertx = vertx;
    this.changes = changes;
    this.cipher = cipher;
  }

  public void handle(RoutingContext ctx) {
    // finance's: the changes release paid items and plan their refunds (administrators move no money)
    Operator op = Operator.of(ctx).require(Role.FINANCE);
    ctx.put(AuditTrail.ACTION, "agency.changes.import");
    String file = CsvUploads.fileName(ctx, "agency-changes.csv");
    byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    Replies.json(ctx, vertx.executeBlocking(() -> rows(body), false)
        .compose(rows -> changes.apply(rows, AgencyChanges.Sender.operator("file " + file + " by " + op.username(), op.username(),
            op.scope())))
        .map(results -> new JsonObject().put("file", file).put("results", results)));
  }

  private JsonArray rows(byte[] body) {
    JsonArray out = new JsonArray();
    String text = decode(body);
    String nul = CsvUploads.nulProblem(text);
    if (nul != null) {
      throw Problem.invalidField("file", nul);
    }
    try {
      checkHeader(text);
    } catch (IOException e) {
      throw Problem.invalidField("file", "not a CSV of agency changes: " + CsvUploads.unreadable(e));
    }
    try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
        .with(CsvSchema.emptySchema().withHeader()).readValues(text)) {
      while (it.hasNext()) {
        Map<String, String> r = it.next();
        // a spreadsheet's full-width digits (３７１３…), a legacy 15-digit number: the same person, as the roster has them;
        // one that is no ID number (a typo) is refused for its own row, the file's other changes applied
        byte[] index;
        try {
          index = cipher.index(cn.liangxian.policy.IdNumber.parse(r.getOrDefault("id_number", "")).value());
        } catch (cn.liangxian.policy.InvalidIdNumberException e) {
          index = null;
        }
        String year = r.get("year");
        String validFrom = blank(r.get("valid_from"));
        if (validFrom != null && !ChangeFields.isDate(validFrom)) {
          throw Problem.invalidField("valid_from", "line " + (out.size() + 2) + ": valid_from must be a date such as 2019-01-01");
        }
        out.add(new JsonObject().put("changeId", r.get("change_id")).put("kind", r.get("kind")).put("idIndex", index)
            .put("insurance", blank(r.get("insurance"))).put("year", blank(year) == null ? null : Integer.valueOf(year.strip()))
            .put("category", blank(r.get("category"))).put("department", blank(r.get("department")))
            .put("validFrom", validFrom).put("place", blank(r.get("place"))));
      }
    } catch (NumberFormatException e) {
      throw Problem.invalidField("year", "line " + (out.size() + 2) + ": year must be a whole number");
    } catch (IOException | RuntimeException e) {
      if (e instanceof Problem p) {
        throw p;
      }
      throw Problem.invalidField("file", "not a CSV of agency changes: " + CsvUploads.unreadable(e));
    }
    return out;
  }

  /** The columns an agency-change file may have; the first three it must. */
  static final java.util.List<String> COLUMNS = java.util.List.of("change_id", "kind", "id_number", "insurance", "year",
      "category", "department", "valid_from", "place");

  /**
   * A column misspelled ({@code yaer}) or missing would be read as empty, and a change for one year and insurance would
   * plan refunds for every open year and both: refused, naming it, before anything is applied.
   */
  private static void checkHeader(String text) throws IOException {
    java.util.Set<String> header = new java.util.LinkedHashSet<>();
    // the header row as the CSV reader below reads it (quotes and all), not split by hand
    try (MappingIterator<String[]> rows = new CsvMapper().enable(com.fasterxml.jackson.dataformat.csv.CsvParser.Feature.WRAP_AS_ARRAY)
        .readerFor(String[].class).readValues(text)) {
      for (String h : rows.hasNext() ? rows.next() : new String[0]) {
        String name = h.strip();
        if (!name.isEmpty()) { // a trailing comma, as spreadsheets write: no column
          header.add(name);
        }
      }
    }
    for (String h : header) {
      if (!COLUMNS.contains(h)) {
        throw Problem.invalidField("file", "line 1: unknown column '" + h + "' (the columns are " + String.join(", ", COLUMNS) + ")");
      }
    }
    for (String required : COLUMNS.subList(0, 3)) {
      if (!header.contains(required)) {
        throw Problem.invalidField("file", "line 1: the column " + required + " is missing");
      }
    }
  }

  private static String blank(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  /** UTF-8 when the bytes are valid UTF-8, else GB18030 (what spreadsheets in China save). */
  static String decode(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString().replace("\uFEFF", "");
    } catch (CharacterCodingException e) {
      return new String(bytes, Charset.forName("GB18030"));
    }
  }
}
